// Error values of ISO/IEC 9798-2 authentication and the secure point-to-point link.
#pragma once
#include <cstdint>
#include <string_view>

namespace meshsec::auth {

enum class AuthError : std::uint8_t {
  ok = 0,
  malformed,           // wrong length, type, version or trailing bytes
  wrong_state,         // message or call not allowed in the current state
  bad_key,             // key length not 16 or 32 bytes
  auth_failed,         // AEAD tag did not verify (wrong key, tampering, reflection)
  challenge_mismatch,  // R_B (or R_A) in the token is not this run's random: replay
  identity_mismatch,   // B* is not this node, or the peer identity changed
  replay,              // link sequence number not above the last accepted one
  out_of_order,        // link chunk beyond the next one the node needs
  transfer_mismatch,   // chunk or offer does not fit the agreed transfer
  sequence_exhausted,  // the sender's sequence number would wrap: start a new session
  crypto_failure,      // the crypto layer failed (RNG, KDF, backend)
  no_room,             // output buffer too small
};

[[nodiscard]] constexpr std::string_view to_string(AuthError e) noexcept {
  switch (e) {
    case AuthError::ok: return "ok";
    case AuthError::malformed: return "malformed";
    case AuthError::wrong_state: return "wrong_state";
    case AuthError::bad_key: return "bad_key";
    case AuthError::auth_failed: return "auth_failed";
    case AuthError::challenge_mismatch: return "challenge_mismatch";
    case AuthError::identity_mismatch: return "identity_mismatch";
    case AuthError::replay: return "replay";
    case AuthError::out_of_order: return "out_of_order";
    case AuthError::transfer_mismatch: return "transfer_mismatch";
    case AuthError::sequence_exhausted: return "sequence_exhausted";
    case AuthError::crypto_failure: return "crypto_failure";
    case AuthError::no_room: return "no_room";
  }
  return "unknown";
}

}  // namespace meshsec::auth
