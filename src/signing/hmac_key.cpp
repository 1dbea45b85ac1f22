#include "signing/hmac_key.hpp"

namespace meshsec::signing {

SigningError SoftHmacKey::init(std::span<const std::uint8_t> key) noexcept {
  if (key.empty()) return SigningError::backend_failure;
  return mac_.init(crypto::MacAlgorithm::hmac_sha256, key) == crypto::Status::ok ? SigningError::ok
                                                                                 : SigningError::backend_failure;
}

SigningError SoftHmacKey::hmac(std::span<const std::uint8_t> message, std::span<std::uint8_t, hmac_size> out) noexcept {
  if (!mac_.ready()) return SigningError::backend_failure;
  return mac_.compute(message, out) == crypto::Status::ok ? SigningError::ok : SigningError::backend_failure;
}

}  // namespace meshsec::signing
