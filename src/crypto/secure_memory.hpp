// Wiping and constant-time comparison: the one place every layer uses for secrets.
#pragma once
#include <cstddef>
#include <cstdint>
#include <span>

namespace meshsec::crypto {

// Overwrites memory with zeros in a way the compiler may not elide (OPENSSL_cleanse).
void secure_wipe(void* data, std::size_t size) noexcept;

inline void secure_wipe(std::span<std::uint8_t> bytes) noexcept {
  secure_wipe(bytes.data(), bytes.size());
}

// Constant-time equality of two byte strings. Lengths are public: unequal lengths return
// false at once; equal lengths are compared without data-dependent branches (CRYPTO_memcmp).
[[nodiscard]] bool equal_constant_time(std::span<const std::uint8_t> a,
                                       std::span<const std::uint8_t> b) noexcept;

// True when every byte is zero, without an early exit.
[[nodiscard]] bool is_all_zero_constant_time(std::span<const std::uint8_t> bytes) noexcept;

}  // namespace meshsec::crypto
