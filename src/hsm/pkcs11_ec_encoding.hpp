// The DER pieces PKCS#11 uses for elliptic-curve keys (PKCS#11 v3.0 §2.3, RFC 8410,
// SEC 1): CKA_EC_PARAMS curve identifiers, CKA_EC_POINT as a DER OCTET STRING, and the
// DER re-encoding of a CKM_ECDSA signature (a token returns r ‖ s, meshsec uses DER).
#pragma once
#include <array>
#include <cstdint>
#include <optional>
#include <span>
#include <vector>

namespace meshsec::hsm {

// OBJECT IDENTIFIER 1.3.101.112 (id-Ed25519, RFC 8410).
inline constexpr std::array<std::uint8_t, 5> ec_params_ed25519_oid = {0x06, 0x03, 0x2b, 0x65, 0x70};
// PrintableString "edwards25519", the curve name form PKCS#11 v3.0 also allows.
inline constexpr std::array<std::uint8_t, 14> ec_params_ed25519_name = {
    0x13, 0x0c, 'e', 'd', 'w', 'a', 'r', 'd', 's', '2', '5', '5', '1', '9'};
// OBJECT IDENTIFIER 1.2.840.10045.3.1.7 (prime256v1 / secp256r1).
inline constexpr std::array<std::uint8_t, 10> ec_params_p256_oid = {0x06, 0x08, 0x2a, 0x86, 0x48,
                                                                    0xce, 0x3d, 0x03, 0x01, 0x07};

// DER OCTET STRING around a point of at most 127 bytes.
[[nodiscard]] std::vector<std::uint8_t> der_octet_string(std::span<const std::uint8_t> point);
// The point inside a CKA_EC_POINT value: a DER OCTET STRING of the expected length, or
// (as some modules return it) the raw point. nullopt when it is neither.
[[nodiscard]] std::optional<std::vector<std::uint8_t>> ec_point_from_attribute(std::span<const std::uint8_t> value,
                                                                               std::size_t point_size);
// DER ECDSA-Sig-Value (SEQUENCE { r INTEGER, s INTEGER }, minimal integers) from the
// 64-byte r ‖ s a CKM_ECDSA signature on P-256 consists of.
[[nodiscard]] std::vector<std::uint8_t> ecdsa_raw_to_der(std::span<const std::uint8_t, 64> raw);

}  // namespace meshsec::hsm
