// Key ids: names for keys that reveal nothing about them. A key id is computed from the
// public derivation data only, so a back-end, a log line or a personalisation record can
// say which key is meant without holding it:
//
//   key_id = SHA-256("meshsec-key-id" ‖ 0x00 ‖ Label ‖ Context)[0..8)
//
// Label and Context are each prefix-free (derivation_label.hpp), so the hash input is
// unambiguous. Key ids are public identifiers, compared with ordinary ==.
#pragma once
#include <array>
#include <cstdint>

#include "keys/derivation_input.hpp"
#include "keys/derivation_label.hpp"
#include "keys/key_error.hpp"

namespace meshsec::keys {

inline constexpr std::size_t key_id_size = 8;
using KeyId = std::array<std::uint8_t, key_id_size>;

// Errors: those of encode_derivation_label, crypto_failure.
[[nodiscard]] KeyError compute_key_id(const DerivationLabel& label, KeyId& out) noexcept;
[[nodiscard]] KeyError compute_key_id(const DerivationInput& input, KeyId& out) noexcept;

}  // namespace meshsec::keys
