#include "keys/key_id.hpp"

#include <algorithm>

#include "crypto/mac.hpp"

namespace meshsec::keys {
namespace {
// "meshsec-key-id" followed by its 0x00 separator.
constexpr std::array<std::uint8_t, 15> kKeyIdPrefix{'m', 'e', 's', 'h', 's', 'e', 'c', '-',
                                                    'k', 'e', 'y', '-', 'i', 'd', 0x00};
}  // namespace

KeyError compute_key_id(const DerivationLabel& label, KeyId& out) noexcept {
  out.fill(0);
  if (label.empty()) return KeyError::bad_purpose;
  std::array<std::uint8_t, crypto::sha256_size> digest{};
  if (crypto::sha256({kKeyIdPrefix, label.label(), label.context()}, digest) != crypto::Status::ok)
    return KeyError::crypto_failure;
  std::copy_n(digest.begin(), out.size(), out.begin());
  return KeyError::ok;
}

KeyError compute_key_id(const DerivationInput& input, KeyId& out) noexcept {
  DerivationLabel label;
  if (KeyError e = encode_derivation_label(input, label); e != KeyError::ok) {
    out.fill(0);
    return e;
  }
  return compute_key_id(label, out);
}

}  // namespace meshsec::keys
