#include "keys/key_derivation.hpp"

#include "crypto/kdf.hpp"
#include "crypto/mac.hpp"
#include "crypto/secure_memory.hpp"

namespace meshsec::keys {

KeyError derive_key(std::span<const std::uint8_t, master_key_size> master, const DerivationLabel& label,
                    std::span<std::uint8_t> out) noexcept {
  // L must agree with the key size the Context names.
  if (label.empty() || out.size() != key_bytes(label.key_size())) {
    crypto::secure_wipe(out);
    return KeyError::bad_key_size;
  }
  crypto::Mac prf;
  KeyError result = KeyError::crypto_failure;
  if (prf.init(crypto::MacAlgorithm::hmac_sha256, master) == crypto::Status::ok &&
      crypto::kbkdf_counter(prf, label.label(), label.context(), out) == crypto::Status::ok)
    result = KeyError::ok;
  if (result != KeyError::ok) crypto::secure_wipe(out);
  return result;
}

KeyError derive_key(std::span<const std::uint8_t, master_key_size> master, const DerivationInput& input,
                    std::span<std::uint8_t> out) noexcept {
  DerivationLabel label;
  if (KeyError e = encode_derivation_label(input, label); e != KeyError::ok) {
    crypto::secure_wipe(out);
    return e;
  }
  return derive_key(master, label, out);
}

}  // namespace meshsec::keys
