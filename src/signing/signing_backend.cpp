#include "signing/signing_backend.hpp"

#include "crypto/random.hpp"

namespace meshsec::signing {

SigningError SigningBackend::make_nonce(std::span<std::uint8_t, mys::nonce_on_air_size> out) noexcept {
  return crypto::random_bytes(out) == crypto::Status::ok ? SigningError::ok : SigningError::backend_failure;
}

}  // namespace meshsec::signing
