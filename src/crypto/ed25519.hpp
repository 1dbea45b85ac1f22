// Ed25519 signatures (RFC 8032, pure mode). Private keys are the 32-byte seed.
#pragma once
#include <cstddef>
#include <cstdint>
#include <span>

#include "crypto/status.hpp"

namespace meshsec::crypto {

inline constexpr std::size_t ed25519_seed_size = 32;
inline constexpr std::size_t ed25519_public_size = 32;
inline constexpr std::size_t ed25519_signature_size = 64;

[[nodiscard]] Status ed25519_generate(std::span<std::uint8_t, 32> seed_out,
                                      std::span<std::uint8_t, 32> public_out) noexcept;
[[nodiscard]] Status ed25519_public_from_seed(std::span<const std::uint8_t, 32> seed,
                                              std::span<std::uint8_t, 32> public_out) noexcept;
[[nodiscard]] Status ed25519_sign(std::span<const std::uint8_t, 32> seed,
                                  std::span<const std::uint8_t> message,
                                  std::span<std::uint8_t, 64> signature_out) noexcept;
// Errors: bad_length (signature not 64 bytes), invalid_public_key, auth_failed.
[[nodiscard]] Status ed25519_verify(std::span<const std::uint8_t> public_key,
                                    std::span<const std::uint8_t> message,
                                    std::span<const std::uint8_t> signature) noexcept;

}  // namespace meshsec::crypto
