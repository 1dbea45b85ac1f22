#include "signing/token_hmac_key.hpp"

#include <exception>

namespace meshsec::signing {

SigningError TokenHmacKey::hmac(std::span<const std::uint8_t> message, std::span<std::uint8_t, hmac_size> out) noexcept {
  // KeyStore is host code and may throw (allocation); nothing escapes this device-facing API.
  try {
    auto tag = store_.mac(key_, hsm::MacMechanism::hmac_sha256, message);
    if (!tag.ok() || tag.value().size() != hmac_size) return SigningError::backend_failure;
    for (std::size_t i = 0; i < hmac_size; ++i) out[i] = tag.value()[i];
    return SigningError::ok;
  } catch (const std::exception&) {
    return SigningError::backend_failure;
  }
}

}  // namespace meshsec::signing
