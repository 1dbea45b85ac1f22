// Error values of the crypto layer. Device-side code never throws: every operation
// returns a Status, and callers must look at it.
#pragma once
#include <cstdint>
#include <string_view>

namespace meshsec::crypto {

enum class Status : std::uint8_t {
  ok = 0,
  bad_key_length,      // key size not allowed for this algorithm
  bad_nonce_length,    // nonce/IV size outside the algorithm's range
  bad_tag_length,      // tag size not allowed (e.g. odd CCM tag, tag below policy minimum)
  bad_length,          // an input or output span has the wrong size
  message_too_long,    // exceeds what the nonce/length field can encode
  auth_failed,         // tag, MAC or signature did not verify; outputs were wiped
  invalid_public_key,  // point not on curve, wrong encoding, low order
  zero_shared_secret,  // DH result is all zero (peer sent a low-order point)
  not_initialised,     // object used before a successful init()
  backend_failure,     // OpenSSL reported an internal error
};

[[nodiscard]] constexpr std::string_view to_string(Status s) noexcept {
  switch (s) {
    case Status::ok: return "ok";
    case Status::bad_key_length: return "bad_key_length";
    case Status::bad_nonce_length: return "bad_nonce_length";
    case Status::bad_tag_length: return "bad_tag_length";
    case Status::bad_length: return "bad_length";
    case Status::message_too_long: return "message_too_long";
    case Status::auth_failed: return "auth_failed";
    case Status::invalid_public_key: return "invalid_public_key";
    case Status::zero_shared_secret: return "zero_shared_secret";
    case Status::not_initialised: return "not_initialised";
    case Status::backend_failure: return "backend_failure";
  }
  return "unknown";
}

}  // namespace meshsec::crypto
