// Byte layout of the E1 network frame (docs/wire-format.md §3). Everything here is pure
// layout: no cryptography, no state. The network layer (src/net/) seals and opens.
//
//   off size  field                                        MIC covers
//   0   1     ctl: version(2) | type(2) | MIC code(2) | key index(2)   yes (AAD)
//   1   2     net: channel(4) | domain(12)                 yes (AAD)
//   3   2     src                                          yes (AAD, nonce)
//   5   2     dst (unicast < 0x8000, group >= 0x8000)      yes (AAD)
//   7   2|4   global time: low 16 bits (4 bytes in sync_response)  yes (AAD, nonce: full)
//   9|11 1    sequence within the time slot                yes (AAD, nonce)
//   10|12 1   TTL                                          no: relays decrement it
//   ...       encrypted tokens / body, then the MIC (4, 8 or 16 bytes)
// The radio appends the CRC-16 frame check sequence (wire/crc16.hpp).
#pragma once
#include <array>
#include <cstddef>
#include <cstdint>
#include <span>

#include "wire/bounded_reader.hpp"
#include "wire/bounded_writer.hpp"
#include "wire/wire_error.hpp"

namespace meshsec::wire {

enum class NetFrameType : std::uint8_t {
  data = 0,           // tokens sealed under the network key; relayed
  sync_request = 1,   // clear, one hop: "tell me the global time" (§6)
  sync_response = 2,  // sealed under the network key, full 32-bit time, one hop
  key_delivery = 3,   // a key delivery blob sealed under the target's own key, one hop (§7)
};

struct NetLayout {
  static constexpr std::uint8_t version = 0;
  static constexpr std::size_t header_size = 11;
  static constexpr std::size_t sync_response_header_size = 13;
  // An 802.15.4 PSDU is 127 bytes: 9 bytes of MAC header (short addresses, PAN id
  // compression) and the 2-byte FCS leave 116 for this frame.
  static constexpr std::size_t max_frame_size = 116;
  static constexpr std::size_t small_radio_payload = 32;
  static constexpr std::size_t nonce_size = 13;
  static constexpr std::size_t challenge_size = 8;
  static constexpr std::size_t sync_request_body_size = challenge_size + 4;
  static constexpr std::uint8_t max_channel = 0x0f;
  static constexpr std::uint16_t max_domain = 0x0fff;
  static constexpr std::uint8_t max_key_index = 3;
  static constexpr std::uint16_t group_flag = 0x8000;
  static constexpr std::uint16_t broadcast = 0xffff;
};
static_assert(NetLayout::header_size + 8 < NetLayout::small_radio_payload,
              "a default (MIC 8) frame must leave payload room in a 32-byte radio payload");
static_assert(NetLayout::max_frame_size + 9 + 2 == 127, "fits one 802.15.4 frame");

// MIC length codes of the ctl byte. Code 3 is reserved and never valid.
[[nodiscard]] constexpr std::size_t mic_length_of(std::uint8_t code) noexcept {
  switch (code) {
    case 0: return 4;
    case 1: return 8;
    case 2: return 16;
    default: return 0;
  }
}
// Code for a MIC length, or 3 (invalid) when the length is not 4, 8 or 16.
[[nodiscard]] constexpr std::uint8_t mic_code_for(std::size_t length) noexcept {
  return length == 4 ? 0 : length == 8 ? 1 : length == 16 ? 2 : 3;
}

struct NetHeader {
  std::uint8_t version = NetLayout::version;
  NetFrameType type = NetFrameType::data;
  std::uint8_t mic_code = 1;
  std::uint8_t key_index = 0;
  std::uint8_t channel = 0;
  std::uint16_t domain = 0;
  std::uint16_t src = 0;
  std::uint16_t dst = 0;
  std::uint32_t time = 0;  // on air: low 16 bits, except sync_response (all 32)
  std::uint8_t seq = 0;
  std::uint8_t ttl = 0;

  [[nodiscard]] constexpr std::uint16_t net_id() const noexcept {
    return static_cast<std::uint16_t>((channel << 12) | domain);
  }
};

[[nodiscard]] constexpr std::size_t net_header_size(NetFrameType type) noexcept {
  return type == NetFrameType::sync_response ? NetLayout::sync_response_header_size
                                             : NetLayout::header_size;
}
// The TTL is the header's last byte; everything before it is the AAD.
[[nodiscard]] constexpr std::size_t net_ttl_offset(NetFrameType type) noexcept {
  return net_header_size(type) - 1;
}

// Reads one header (every field, any version; the caller filters). Errors: truncated.
[[nodiscard]] WireError read_net_header(BoundedReader& in, NetHeader& out) noexcept;
// Errors: bad_value (a field outside its bit width), no_room.
[[nodiscard]] WireError write_net_header(BoundedWriter& out, const NetHeader& header) noexcept;

// Peeks at the frame type without consuming (0 bytes → data).
[[nodiscard]] NetFrameType peek_net_frame_type(std::span<const std::uint8_t> frame) noexcept;

using NetNonce = std::array<std::uint8_t, NetLayout::nonce_size>;

// §4: 0x01 ‖ net id (2) ‖ source (2) ‖ global time (4) ‖ sequence (1) ‖ 0x000000.
[[nodiscard]] NetNonce network_nonce(std::uint16_t net_id, std::uint16_t src,
                                     std::uint32_t global_time, std::uint8_t seq) noexcept;

// §6 sync_request body, clear: challenge (8) ‖ key epoch the requester holds (4).
struct SyncRequestBody {
  std::array<std::uint8_t, NetLayout::challenge_size> challenge{};
  std::uint32_t key_epoch = 0;
};
[[nodiscard]] WireError read_sync_request(std::span<const std::uint8_t> body,
                                          SyncRequestBody& out) noexcept;
[[nodiscard]] WireError write_sync_request(BoundedWriter& out, const SyncRequestBody& body) noexcept;

}  // namespace meshsec::wire
