// Key identifiers carried in blobs, keystores and images, so a device can tell "signed
// with a key I do not hold" from "signature broken". An id never reveals key material:
// public keys are hashed, secret keys go through HMAC.
#pragma once
#include <array>
#include <cstdint>
#include <span>

#include "firmware/blob_error.hpp"
#include "firmware/blob_layout.hpp"

namespace meshsec::firmware {

// SHA-256("meshsec key id v1" ‖ public key), first 8 bytes. Errors: crypto_failure.
[[nodiscard]] BlobError public_key_id(std::span<const std::uint8_t> public_key, blob::KeyId& out) noexcept;
// HMAC-SHA256(key, "meshsec blob encryption key id v1"), first 8 bytes. Errors: crypto_failure.
[[nodiscard]] BlobError secret_key_id(std::span<const std::uint8_t> key, blob::KeyId& out) noexcept;

}  // namespace meshsec::firmware
