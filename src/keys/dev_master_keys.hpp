// W9 development keys. INSECURE — PUBLISHED — NEVER FOR PRODUCTION.
//
// Every development customer shares these masters, so development devices and tools work
// out of the box and docs/keys.md can print a worked example. The bytes are public: each is
// SHA-256 of the ASCII string  insecure_dev_key_text_prefix ‖ name  (name: auth, enc, e2,
// net, blob, blob-signing), a derivation anyone can repeat, so nobody holds a secret
// "development" key. Keys derived from them protect nothing; the customer id in every
// derivation only keeps development customers' keys apart.
#pragma once
#include <cstdint>
#include <span>
#include <string_view>

#include "keys/derivation_input.hpp"
#include "keys/key_error.hpp"
#include "keys/master_key_material.hpp"

namespace meshsec::keys {

inline constexpr std::string_view insecure_dev_key_text_prefix =
    "meshsec INSECURE development key, never for production: ";

// The published master for a purpose (32 bytes; cover, chain: the network master's); empty for an
// invalid purpose.
[[nodiscard]] std::span<const std::uint8_t> insecure_dev_master(KeyPurpose purpose) noexcept;
// The published Ed25519 seed of the development blob signing key.
[[nodiscard]] std::span<const std::uint8_t, 32> insecure_dev_blob_signing_seed() noexcept;
// All development masters plus the development blob verification key.
// Errors: crypto_failure.
[[nodiscard]] KeyError load_insecure_dev_masters(MasterKeyMaterial& out) noexcept;

}  // namespace meshsec::keys
