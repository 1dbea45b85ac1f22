// Session key of a 9798-2 run (ISO/IEC 11770-2 style, docs/auth.md §3):
//   K_s = SP 800-108 counter-mode KDF, PRF = AES-CMAC keyed with K,
//         Label = "meshsec 9798-2 session v1", Context = R_A ‖ R_B ‖ A ‖ B, L = 256
// Both randoms and both identities go in, so neither side alone picks the key and the
// key belongs to exactly this run.
#pragma once
#include <cstddef>
#include <span>

#include "auth/auth_error.hpp"
#include "auth/auth_messages.hpp"
#include "crypto/secret.hpp"

namespace meshsec::auth {

inline constexpr std::size_t session_key_size = 32;
using SessionKey = crypto::SecretArray<session_key_size>;

// key: K, 16 or 32 bytes. Errors: bad_key, crypto_failure.
[[nodiscard]] AuthError derive_session_key(std::span<const std::uint8_t> key, const Random& r_a, const Random& r_b,
                                           const EntityId& a, const EntityId& b, SessionKey& out) noexcept;

// Key lengths the protocol accepts for K (AES-128 or AES-256, M1).
[[nodiscard]] constexpr bool auth_key_length_ok(std::size_t n) noexcept { return n == 16 || n == 32; }

}  // namespace meshsec::auth
