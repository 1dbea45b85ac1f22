// Key derivation: HKDF-SHA256 (RFC 5869) and the SP 800-108 counter-mode KDF.
#pragma once
#include <cstddef>
#include <cstdint>
#include <span>

#include "crypto/mac.hpp"
#include "crypto/status.hpp"

namespace meshsec::crypto {

// HKDF extract-then-expand. out.size() is L (1..255*32). Errors: bad_length, backend_failure.
[[nodiscard]] Status hkdf_sha256(std::span<const std::uint8_t> salt, std::span<const std::uint8_t> ikm,
                                 std::span<const std::uint8_t> info, std::span<std::uint8_t> out) noexcept;
[[nodiscard]] Status hkdf_sha256_extract(std::span<const std::uint8_t> salt,
                                         std::span<const std::uint8_t> ikm,
                                         std::span<std::uint8_t> prk_out) noexcept;
[[nodiscard]] Status hkdf_sha256_expand(std::span<const std::uint8_t> prk,
                                        std::span<const std::uint8_t> info,
                                        std::span<std::uint8_t> out) noexcept;

// SP 800-108r1 §4.1 counter mode, the layout meshsec uses for its key hierarchy:
//   K(i) = PRF(K_in, [i]_32 ‖ Label ‖ 0x00 ‖ Context ‖ [L]_32), L = 8·out.size()
// with the PRF keyed once (prf must be init()ed with K_in). Errors: bad_length (out empty
// or over 2^32-1 blocks), not_initialised, backend_failure.
[[nodiscard]] Status kbkdf_counter(Mac& prf, std::span<const std::uint8_t> label,
                                   std::span<const std::uint8_t> context,
                                   std::span<std::uint8_t> out) noexcept;

// The general counter-mode construction of SP 800-108, as NIST's CAVP tests exercise it:
//   K(i) = PRF(K_in, before ‖ [i]_r ‖ after), r ∈ {8,16,24,32}
// (counter before, after or in the middle of the fixed input data).
[[nodiscard]] Status kbkdf_counter_fixed_input(Mac& prf, std::span<const std::uint8_t> before,
                                               std::span<const std::uint8_t> after,
                                               unsigned counter_bits,
                                               std::span<std::uint8_t> out) noexcept;

}  // namespace meshsec::crypto
