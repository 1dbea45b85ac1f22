// NIST P-256: ECDSA with SHA-256 (FIPS 186-4) and ECDH (SP 800-56A). Used where a peer or
// HSM demands P-256 (PKCS#11 tokens without Ed25519, TLS certificates).
#pragma once
#include <cstddef>
#include <cstdint>
#include <span>

#include "crypto/status.hpp"

namespace meshsec::crypto {

inline constexpr std::size_t p256_point_size = 65;  // 0x04 ‖ X ‖ Y
inline constexpr std::size_t p256_scalar_size = 32;

// Generates a key pair: private scalar (big-endian, 32 bytes) and uncompressed point.
[[nodiscard]] Status p256_generate(std::span<std::uint8_t, 32> private_out,
                                   std::span<std::uint8_t, 65> public_out) noexcept;

// Signs SHA-256(message); signature_out receives DER (at most 72 bytes), its length in
// signature_length. Errors: bad_length, backend_failure.
[[nodiscard]] Status p256_ecdsa_sign(std::span<const std::uint8_t, 32> private_key,
                                     std::span<const std::uint8_t> message,
                                     std::span<std::uint8_t> signature_out,
                                     std::size_t& signature_length) noexcept;

// Verifies a DER signature over SHA-256(message). The DER must be strict (no trailing
// bytes, minimal integers): a non-canonical encoding is auth_failed (signature
// malleability). public_key is an uncompressed or compressed SEC1 point.
// Errors: invalid_public_key, auth_failed.
[[nodiscard]] Status p256_ecdsa_verify(std::span<const std::uint8_t> public_key,
                                       std::span<const std::uint8_t> message,
                                       std::span<const std::uint8_t> der_signature) noexcept;

// ECDH: private scalar (big-endian, leading zeros allowed) and a peer key, either a SEC1
// point or a strict-DER SubjectPublicKeyInfo (is_spki; namedCurve form only, RFC 5480
// §2.1.1). The peer key must be a valid point of P-256 itself (other curves, explicit curve
// parameters, points off the curve, the point at infinity are refused).
// Errors: invalid_public_key, bad_key_length, backend_failure.
[[nodiscard]] Status p256_ecdh(std::span<const std::uint8_t> private_key,
                               std::span<const std::uint8_t> peer_key, bool is_spki,
                               std::span<std::uint8_t, 32> shared_out) noexcept;

}  // namespace meshsec::crypto
