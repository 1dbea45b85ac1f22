// The public point of a P-256 private scalar, for importing a key pair whose private half
// arrives alone (development keys, tests) into key custody.
#pragma once
#include <cstdint>
#include <span>

#include "crypto/status.hpp"

namespace meshsec::crypto {

// private_key: big-endian scalar d with 0 < d < n. public_out: uncompressed point 0x04 ‖ X ‖ Y.
// Errors: bad_key_length (d out of range), backend_failure.
[[nodiscard]] Status p256_public_from_private(std::span<const std::uint8_t, 32> private_key,
                                              std::span<std::uint8_t, 65> public_out) noexcept;

}  // namespace meshsec::crypto
