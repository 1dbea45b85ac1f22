// Error values of the Noise Protocol Framework implementation (handshakes and transport).
#pragma once
#include <cstdint>
#include <string_view>

#include "crypto/status.hpp"

namespace meshsec::e2e {

enum class NoiseError : std::uint8_t {
  ok = 0,
  unsupported_protocol,  // pattern, DH, cipher or hash name not implemented
  bad_state,        // wrong turn, handshake already finished or aborted, split too early
  missing_key,      // a token needs a key the configuration did not provide
  bad_length,       // message shorter than its tokens need, or over 65535 bytes
  no_room,          // output buffer too small
  auth_failed,      // AEAD tag did not verify; the handshake is aborted
  invalid_public_key,  // peer key gives an all-zero DH result (low-order point)
  nonce_exhausted,  // n reached 2^64-1, which Noise reserves (spec §5.1)
  backend_failure,  // the crypto layer failed
};

[[nodiscard]] constexpr std::string_view to_string(NoiseError e) noexcept {
  switch (e) {
    case NoiseError::ok: return "ok";
    case NoiseError::unsupported_protocol: return "unsupported_protocol";
    case NoiseError::bad_state: return "bad_state";
    case NoiseError::missing_key: return "missing_key";
    case NoiseError::bad_length: return "bad_length";
    case NoiseError::no_room: return "no_room";
    case NoiseError::auth_failed: return "auth_failed";
    case NoiseError::invalid_public_key: return "invalid_public_key";
    case NoiseError::nonce_exhausted: return "nonce_exhausted";
    case NoiseError::backend_failure: return "backend_failure";
  }
  return "unknown";
}

// Maps a crypto-layer failure onto the Noise error it means at this layer.
[[nodiscard]] constexpr NoiseError noise_error_from(crypto::Status s) noexcept {
  switch (s) {
    case crypto::Status::ok: return NoiseError::ok;
    case crypto::Status::auth_failed: return NoiseError::auth_failed;
    case crypto::Status::invalid_public_key:
    case crypto::Status::zero_shared_secret: return NoiseError::invalid_public_key;
    case crypto::Status::bad_length:
    case crypto::Status::message_too_long: return NoiseError::bad_length;
    default: return NoiseError::backend_failure;
  }
}

}  // namespace meshsec::e2e
