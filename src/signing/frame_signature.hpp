// Signing and verifying one frame under one nonce, for both schemes
// (docs/signing.md §Compatibility and §Native mode).
//
// Both schemes place the signature the MySensors way: the 32-byte hash H gets its first
// byte replaced by the scheme identifier, and H[0 .. 25-L) fills bytes 7+L .. 31; a
// signed frame is always 32 bytes and keeps its real length in the header.
//
//   mysensors (identifier 0x01): H from the ATSHA204A emulation, optional whitelist salt.
//     MAC bits = 8·(24-L), down to 8 at L = 23, exactly as MySensors 2.x does.
//   native    (identifier 0x02): H = HMAC-SHA256(K_link, "meshsec-mys-native-v1" ‖ N ‖
//     u8(6+L) ‖ M[1 .. 6+L]) under a per-link key; at least 64 MAC bits, so L <= 16.
#pragma once
#include <cstddef>
#include <cstdint>
#include <span>

#include "signing/atsha204_emulation.hpp"
#include "signing/hmac_key.hpp"
#include "signing/mysensors_frame.hpp"

namespace meshsec::signing {

enum class Scheme : std::uint8_t {
  mysensors = 0x01,  // SIGNING_IDENTIFIER of MySensors 2.x: HMAC-SHA256 (ATSHA204A emulation)
  native = 0x02,     // meshsec native: per-link key, never under 64 MAC bits
};

inline constexpr std::size_t native_min_mac_bytes = 8;
inline constexpr std::size_t native_max_payload = mys::max_payload_size - 1 - native_min_mac_bytes;  // 16

// Bytes of MAC a frame of payload length L carries (identifier excluded).
[[nodiscard]] constexpr std::size_t mac_bytes_for(std::size_t payload_length) noexcept {
  return payload_length >= mys::max_payload_size - 1 ? 0 : mys::max_payload_size - 1 - payload_length;
}

// Writes identifier and truncated hash into the trailer and pads the frame to 32 bytes.
// The frame must already carry the signed flag.
void place_signature(mys::Frame& frame, std::span<const std::uint8_t, 32> hash, std::uint8_t identifier) noexcept;
// Constant-time comparison of the trailer with what place_signature() would write.
[[nodiscard]] bool signature_matches(const mys::Frame& frame, std::span<const std::uint8_t, 32> hash,
                                     std::uint8_t identifier) noexcept;

// MySensors 2.x signerSignMsg/signerAtsha204SoftSignMsg: sets the signed flag, computes
// and places the signature. `salt_serial` non-null salts for a whitelisting receiver.
// Errors: payload_too_long (L > 23), backend_failure. The frame is unchanged on error.
[[nodiscard]] SigningError sign_mysensors(HmacKey& key, mys::Frame& frame, const Nonce& nonce,
                                          const Serial* salt_serial) noexcept;
// signerAtsha204SoftVerifyMsg steps 4-7 (nonce bookkeeping is the caller's). Errors:
// malformed (not 32 bytes), not_signed, payload_too_long, bad_identifier, bad_signature,
// backend_failure.
[[nodiscard]] SigningError verify_mysensors(HmacKey& key, const mys::Frame& frame, const Nonce& nonce,
                                            const Serial* salt_serial) noexcept;

// Native scheme. Errors: payload_too_long (L > 16), backend_failure.
[[nodiscard]] SigningError sign_native(HmacKey& key, mys::Frame& frame, const Nonce& nonce) noexcept;
// Errors: as verify_mysensors.
[[nodiscard]] SigningError verify_native(HmacKey& key, const mys::Frame& frame, const Nonce& nonce) noexcept;

// The identifier byte of a signed frame (0 when it has none).
[[nodiscard]] std::uint8_t signature_identifier(const mys::Frame& frame) noexcept;

}  // namespace meshsec::signing
