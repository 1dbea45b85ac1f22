// The ATSHA204A signature computation as MySensors' soft backend emulates it
// (core/MySigningAtsha204Soft.cpp; docs/signing.md §Compatibility, steps 3-8):
//
//   D = M[1 .. 6+L] zero-padded to 32                       (covered bytes, signed flag set)
//   T = SHA256(D ‖ 15 02 08 00 ‖ EE 01 23 ‖ 00×25 ‖ N)       (GenDig, zone data, slot 8)
//   H = HMAC-SHA256(K, 00×32 ‖ T ‖ 11 04 00 00 ‖ 00×11 ‖ EE ‖ 00×4 ‖ 01 23 ‖ 00×2)
//   salted: H = SHA256(H ‖ sender ‖ serial[9])                (whitelisting)
//
// K is behind an HmacKey, so the same code serves the soft key and a token-held key.
#pragma once
#include <array>
#include <cstddef>
#include <cstdint>
#include <span>

#include "signing/hmac_key.hpp"
#include "signing/mysensors_frame.hpp"

namespace meshsec::signing {

using Nonce = std::array<std::uint8_t, mys::nonce_size>;
using Serial = std::array<std::uint8_t, mys::serial_size>;

inline constexpr std::size_t gendig_input_size = 96;
inline constexpr std::size_t hmac_command_input_size = 88;

// Pads the 25 nonce bytes that travel on air with 7 × 0xAA, as both ends do.
[[nodiscard]] Nonce pad_nonce(std::span<const std::uint8_t, mys::nonce_on_air_size> on_air) noexcept;

// The 32-byte block D from a frame whose signed flag is already set. Covered length is
// 6 + L (at most 29). Errors: payload_too_long (L > 23).
[[nodiscard]] SigningError covered_block(const mys::Frame& frame, std::span<std::uint8_t, 32> block) noexcept;

// T (GenDig's TempKey). Errors: backend_failure.
[[nodiscard]] SigningError atsha204_gendig(std::span<const std::uint8_t, 32> block, const Nonce& nonce,
                                           std::span<std::uint8_t, 32> tempkey) noexcept;
// The 88-byte message of the HMAC command for a TempKey.
[[nodiscard]] std::array<std::uint8_t, hmac_command_input_size> atsha204_hmac_message(
    std::span<const std::uint8_t, 32> tempkey) noexcept;

// H for a frame (signed flag set): GenDig, then the HMAC command under `key`, then the
// optional whitelist salt. Errors: payload_too_long, backend_failure.
[[nodiscard]] SigningError atsha204_signature_hash(HmacKey& key, const mys::Frame& frame, const Nonce& nonce,
                                                   const Serial* salt_serial,
                                                   std::span<std::uint8_t, 32> out) noexcept;

// Whitelist salt in place: H = SHA256(H ‖ sender ‖ serial). Errors: backend_failure.
[[nodiscard]] SigningError whitelist_salt(std::span<std::uint8_t, 32> hash, std::uint8_t sender,
                                          const Serial& serial) noexcept;

}  // namespace meshsec::signing
