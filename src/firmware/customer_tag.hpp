// The customer field of blobs, keystores and application images. Customer ids are strings
// (1..64 characters, keys/derivation_input.hpp); the fixed layouts carry an 8-byte tag of
// the id instead: the first 8 bytes, big-endian, of SHA-256("meshsec customer tag v1" ‖ id).
// The tag is a public pre-check ("not for this customer"); what keeps customers apart is
// that each one's images verify only under its own keys.
#pragma once
#include <cstdint>
#include <string_view>

#include "firmware/blob_error.hpp"

namespace meshsec::firmware {

// Errors: crypto_failure.
[[nodiscard]] BlobError customer_tag(std::string_view customer_id, std::uint64_t& out) noexcept;

}  // namespace meshsec::firmware
