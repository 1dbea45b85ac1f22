// Error values of the E2/E3 sessions, E5 key renewal and the level envelope. Every
// reason a message is refused has its own value, so receivers can count drops by cause.
#pragma once
#include <cstdint>
#include <string_view>

namespace meshsec::e2e {

enum class E2eError : std::uint8_t {
  ok = 0,
  malformed,           // shorter than header + tag, or a field the layout forbids
  wrong_level,         // E2 message at an E3 receiver or the other way round
  wrong_direction,     // uplink at a downlink receiver or the other way round
  unknown_key_version, // key version neither current nor staged (e.g. a retired key)
  auth_failed,         // CCM tag did not verify; plaintext wiped, no state changed
  replayed,            // sequence number already seen or older than the window
  stale_session,       // older session seed after a newer session began
  signature_required,  // receiver requires L6 signatures, message has none
  bad_signature,       // Ed25519 signature does not verify against the registered key
  downgrade,           // fewer levels than the receiver is configured for
  sequence_exhausted,  // 2^32 sequence numbers used: renew the key
  store_failed,        // the sequence high-water mark could not be persisted
  not_ready,           // used before start() / without a key
  no_room,             // output buffer too small or payload too long
  renewal_rejected,    // E5: handshake failed, stale request or wrong node
  crypto_failure,      // the crypto layer failed
};

[[nodiscard]] constexpr std::string_view to_string(E2eError e) noexcept {
  switch (e) {
    case E2eError::ok: return "ok";
    case E2eError::malformed: return "malformed";
    case E2eError::wrong_level: return "wrong_level";
    case E2eError::wrong_direction: return "wrong_direction";
    case E2eError::unknown_key_version: return "unknown_key_version";
    case E2eError::auth_failed: return "auth_failed";
    case E2eError::replayed: return "replayed";
    case E2eError::stale_session: return "stale_session";
    case E2eError::signature_required: return "signature_required";
    case E2eError::bad_signature: return "bad_signature";
    case E2eError::downgrade: return "downgrade";
    case E2eError::sequence_exhausted: return "sequence_exhausted";
    case E2eError::store_failed: return "store_failed";
    case E2eError::not_ready: return "not_ready";
    case E2eError::no_room: return "no_room";
    case E2eError::renewal_rejected: return "renewal_rejected";
    case E2eError::crypto_failure: return "crypto_failure";
  }
  return "unknown";
}

}  // namespace meshsec::e2e
