// The CSPRNG (OpenSSL's DRBG, seeded from the operating system).
#pragma once
#include <cstdint>
#include <span>

#include "crypto/status.hpp"

namespace meshsec::crypto {

// Public randomness: nonces, challenges, session seeds. Errors: backend_failure.
[[nodiscard]] Status random_bytes(std::span<std::uint8_t> out) noexcept;
// Key material: drawn from OpenSSL's private DRBG instance, separate from public output.
[[nodiscard]] Status random_secret_bytes(std::span<std::uint8_t> out) noexcept;

}  // namespace meshsec::crypto
