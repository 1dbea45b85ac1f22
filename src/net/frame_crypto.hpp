// Stateless sealing and opening of one network frame (docs/wire-format.md §3-§4):
// AES-CCM under the network key, nonce from (net id, source, full global time, sequence),
// AAD = every header byte before the TTL. Used by NetworkLayer and by the inspection tool;
// all freshness and replay rules live in NetworkLayer.
#pragma once
#include <cstddef>
#include <cstdint>
#include <span>

#include "crypto/aead.hpp"
#include "wire/net_frame.hpp"

namespace meshsec::net {

enum class BuildError : std::uint8_t {
  ok = 0,
  bad_field,       // a header field outside its bit width, or MIC code ≠ the key's tag length
  too_long,        // the frame would exceed wire::NetLayout::max_frame_size or `out`
  crypto_failure,  // the AEAD refused (not initialised, backend error)
};

// Writes header ‖ CCM(body) ‖ MIC ‖ CRC-16 into `out`; `full_time` is the slot the nonce
// uses (its low 16 bits go on air unless the type carries all 32). Sets `radio_length`.
[[nodiscard]] BuildError seal_frame(crypto::AesAead& aead, const wire::NetHeader& header,
                                    std::uint32_t full_time, std::span<const std::uint8_t> body,
                                    std::span<std::uint8_t> out, std::size_t& radio_length) noexcept;

// Writes header ‖ body ‖ CRC-16 for a clear frame (sync_request) or a key delivery frame
// (whose body authenticates itself).
[[nodiscard]] BuildError build_plain_frame(const wire::NetHeader& header,
                                           std::span<const std::uint8_t> body,
                                           std::span<std::uint8_t> out,
                                           std::size_t& radio_length) noexcept;

// Opens a frame whose header was already parsed and filtered. `frame` excludes the CRC.
// Writes the body into plaintext (must hold at least the body length) and sets
// `plaintext_length`. Errors (crypto::Status): bad_length (no room for the MIC),
// auth_failed (plaintext wiped), others from the AEAD.
[[nodiscard]] crypto::Status open_frame(crypto::AesAead& aead, const wire::NetHeader& header,
                                        std::uint32_t full_time, std::span<const std::uint8_t> frame,
                                        std::span<std::uint8_t> plaintext,
                                        std::size_t& plaintext_length) noexcept;

}  // namespace meshsec::net
