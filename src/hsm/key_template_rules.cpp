#include "hsm/key_template_rules.hpp"

namespace meshsec::hsm {

bool label_ok(const std::string& label) noexcept {
  return !label.empty() && label.size() <= max_label_length;
}

bool is_aes(KeyType t) noexcept { return t == KeyType::aes128 || t == KeyType::aes256; }

std::size_t secret_length(const KeyTemplate& t, std::size_t import_length) noexcept {
  if (!label_ok(t.label)) return 0;
  switch (t.type) {
    case KeyType::aes128: return t.length == 0 || t.length == 16 ? 16 : 0;
    case KeyType::aes256: return t.length == 0 || t.length == 32 ? 32 : 0;
    case KeyType::generic_secret: {
      // No cipher is defined for a generic secret (PKCS#11 refuses CKA_ENCRYPT on it).
      if (t.usage.encrypt || t.usage.decrypt) return 0;
      const std::size_t n =
          t.length != 0 ? t.length : (import_length != 0 ? import_length : default_generic_secret);
      return n <= max_generic_secret ? n : 0;
    }
    case KeyType::ed25519:
    case KeyType::p256: return 0;
  }
  return 0;
}

bool pair_template_ok(const KeyTemplate& t) noexcept {
  if (!label_ok(t.label) || t.length != 0) return false;
  if (t.type != KeyType::ed25519 && t.type != KeyType::p256) return false;
  return !t.usage.derive && !t.usage.encrypt && !t.usage.decrypt && !t.usage.verify;
}

bool mechanism_fits(MacMechanism m, KeyType t) noexcept {
  return m == MacMechanism::hmac_sha256 ? t == KeyType::generic_secret : is_aes(t);
}

}  // namespace meshsec::hsm
