// The persisted whitelist: the one definition of its byte layout (docs/signing.md
// §Persistence). Integrity comes from an HMAC-SHA256 under a storage key of the node or
// gateway (never the signing PSK), so a file edited or truncated outside meshsec is refused.
//
//   offset  size  field
//   0       4     magic "MSWL"
//   4       1     format version (1)
//   5       4     generation, u32 big-endian
//   9       1     entry count n (0..32)
//   10      10·n  entries: node id (1) ‖ serial (9)
//   10+10n  32    revocation bitmap (bit i of byte i/8 = node i revoked)
//   42+10n  32    HMAC-SHA256(storage key, "meshsec-whitelist-v1" ‖ bytes 0 .. 42+10n)
#pragma once
#include <cstddef>
#include <cstdint>
#include <span>

#include "signing/hmac_key.hpp"
#include "signing/whitelist.hpp"

namespace meshsec::signing {

inline constexpr std::size_t whitelist_record_header = 10;
inline constexpr std::size_t whitelist_record_entry = 10;
inline constexpr std::size_t whitelist_record_max =
    whitelist_record_header + whitelist_record_entry * whitelist_capacity + 32 + 32;

// Writes the record into out; `written` gets its length. Errors: no room as malformed,
// backend_failure.
[[nodiscard]] SigningError encode_whitelist(const Whitelist& list, HmacKey& storage_key, std::span<std::uint8_t> out,
                                            std::size_t& written) noexcept;
// Parses fully, then checks the MAC, then replaces `list`. `list` is untouched on error.
// Errors: corrupt_store (layout or MAC), backend_failure.
[[nodiscard]] SigningError decode_whitelist(std::span<const std::uint8_t> record, HmacKey& storage_key,
                                            Whitelist& list) noexcept;

}  // namespace meshsec::signing
