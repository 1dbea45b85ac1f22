// Error values of the signing room (device side: returned, never thrown). Every check
// starts at a failure value and reaches `ok` only at its end.
#pragma once
#include <cstdint>
#include <string_view>

namespace meshsec::signing {

enum class SigningError : std::uint8_t {
  ok = 0,
  malformed,              // bytes do not parse as a MySensors 2.x frame (size, version, length)
  wrong_message,          // a well-formed frame of another command/type than the step expects
  payload_too_long,       // no room for the signature (compat: L > 23; native: < 64 MAC bits)
  short_mac,              // MySensors-scheme MAC under 64 bits (L > 16) without the explicit opt-in
  not_signed,             // signature required but the signed flag is clear (downgrade)
  bad_identifier,         // signature identifier byte names another scheme
  bad_signature,          // MAC did not verify
  no_nonce,               // no outstanding nonce for this sender (replay, or never asked)
  nonce_expired,          // the nonce outlived the verification timeout
  not_whitelisted,        // verifier whitelists and has no entry for the sender
  revoked,                // the sender was revoked by the gateway
  unknown_peer,           // native mode: no key for this peer
  sender_mismatch,        // nonce response not from the node we asked
  no_session,             // nonce response without a pending signing session
  rate_limited,           // nonce request refused by the per-sender or global budget
  pool_full,              // no free nonce slot (native pool) or signing session
  not_addressed,          // frame not addressed to this node (relay or broadcast)
  backend_none,           // the "none" backend neither signs nor verifies
  insecure_refused,       // the debugging backend was not explicitly allowed
  not_authorised,         // administrative message not from the gateway or not signed natively
  corrupt_store,          // persisted whitelist fails its MAC or layout
  backend_failure,        // crypto layer, token or file system failed
};

[[nodiscard]] constexpr std::string_view to_string(SigningError e) noexcept {
  switch (e) {
    case SigningError::ok: return "ok";
    case SigningError::malformed: return "malformed";
    case SigningError::wrong_message: return "wrong_message";
    case SigningError::payload_too_long: return "payload_too_long";
    case SigningError::short_mac: return "short_mac";
    case SigningError::not_signed: return "not_signed";
    case SigningError::bad_identifier: return "bad_identifier";
    case SigningError::bad_signature: return "bad_signature";
    case SigningError::no_nonce: return "no_nonce";
    case SigningError::nonce_expired: return "nonce_expired";
    case SigningError::not_whitelisted: return "not_whitelisted";
    case SigningError::revoked: return "revoked";
    case SigningError::unknown_peer: return "unknown_peer";
    case SigningError::sender_mismatch: return "sender_mismatch";
    case SigningError::no_session: return "no_session";
    case SigningError::rate_limited: return "rate_limited";
    case SigningError::pool_full: return "pool_full";
    case SigningError::not_addressed: return "not_addressed";
    case SigningError::backend_none: return "backend_none";
    case SigningError::insecure_refused: return "insecure_refused";
    case SigningError::not_authorised: return "not_authorised";
    case SigningError::corrupt_store: return "corrupt_store";
    case SigningError::backend_failure: return "backend_failure";
  }
  return "unknown";
}

}  // namespace meshsec::signing
