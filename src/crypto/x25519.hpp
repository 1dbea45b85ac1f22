// X25519 Diffie-Hellman (RFC 7748). Keys are raw 32-byte strings.
//
// Asymmetric operations are not on a per-frame path: each call builds and frees its
// OpenSSL key objects.
#pragma once
#include <cstddef>
#include <cstdint>
#include <span>

#include "crypto/status.hpp"

namespace meshsec::crypto {

inline constexpr std::size_t x25519_key_size = 32;

// Errors: bad_length, backend_failure.
[[nodiscard]] Status x25519_generate(std::span<std::uint8_t, 32> private_out,
                                     std::span<std::uint8_t, 32> public_out) noexcept;
[[nodiscard]] Status x25519_public_from_private(std::span<const std::uint8_t, 32> private_key,
                                                std::span<std::uint8_t, 32> public_out) noexcept;

// Shared secret. A result of all zeros (the peer sent a low-order point, RFC 7748 §6.1)
// is refused with zero_shared_secret and the output is wiped: protocols built on it would
// otherwise derive keys an attacker knows. Errors: zero_shared_secret, backend_failure.
[[nodiscard]] Status x25519(std::span<const std::uint8_t, 32> private_key,
                            std::span<const std::uint8_t, 32> peer_public,
                            std::span<std::uint8_t, 32> shared_out) noexcept;

}  // namespace meshsec::crypto
