// The whitelist record (whitelist_codec.hpp) in a file, written atomically: a temporary
// file beside the target is written and fsync'ed, renamed over the target, and the
// directory is fsync'ed, so a power cut leaves either the old or the new record. Host side
// (gateways, Linux nodes); a microcontroller stores the same record in its own flash.
#pragma once
#include <filesystem>

#include "signing/hmac_key.hpp"
#include "signing/whitelist.hpp"

namespace meshsec::signing {

// Errors: backend_failure (I/O), malformed (record does not fit).
[[nodiscard]] SigningError save_whitelist_file(const std::filesystem::path& path, const Whitelist& list,
                                               HmacKey& storage_key) noexcept;
// Errors: backend_failure (missing or unreadable), corrupt_store.
[[nodiscard]] SigningError load_whitelist_file(const std::filesystem::path& path, HmacKey& storage_key,
                                               Whitelist& list) noexcept;

}  // namespace meshsec::signing
