// Deriving one key of the hierarchy from literal master bytes: the device-side and
// simulator path. Custody (keys/custody_derivation.hpp) computes exactly the same function
// inside a KeyStore; tests hold the two paths equal.
//
//   key = KBKDF-CTR-HMAC-SHA256(master, Label, Context, L = key bits)     (SP 800-108r1 §4.1)
//       = first L bits of  HMAC(master, [1]_32 ‖ Label ‖ 0x00 ‖ Context ‖ [L]_32) ‖ ...
//
// HMAC-SHA256 is the PRF for both key sizes: a 128-bit key is the leftmost 128 bits of one
// PRF block with L = 128 in the input, so it is not a prefix of the 256-bit key.
#pragma once
#include <cstddef>
#include <cstdint>
#include <span>

#include "keys/derivation_input.hpp"
#include "keys/derivation_label.hpp"
#include "keys/key_error.hpp"

namespace meshsec::keys {

// Masters are 256-bit HMAC keys whatever size the derived keys have.
inline constexpr std::size_t master_key_size = 32;

// out.size() must be key_bytes(label's key size); out is wiped on any error.
// Errors: bad_key_size, crypto_failure.
[[nodiscard]] KeyError derive_key(std::span<const std::uint8_t, master_key_size> master,
                                  const DerivationLabel& label, std::span<std::uint8_t> out) noexcept;
// Encodes the label, then derives. Errors: those of encode_derivation_label, bad_key_size,
// crypto_failure.
[[nodiscard]] KeyError derive_key(std::span<const std::uint8_t, master_key_size> master,
                                  const DerivationInput& input, std::span<std::uint8_t> out) noexcept;

}  // namespace meshsec::keys
