// The byte layout of an E2 / E3 message — the one place it is defined (docs/e2e.md §3).
//
//   off  size  field
//   0    1     control: version(2) | level(1) | direction(1) | signed(1) | nested(1) | key version(2)
//   1    4     session seed: random, drawn when the sending session starts
//   5    4     sequence number, big-endian, strictly increasing across sessions and reboots
//   9    n     AES-256-CCM ciphertext of payload [‖ Ed25519 signature (64) when signed]
//   9+n  8     CCM tag
//
// CCM nonce (13) = control ‖ seed ‖ sequence ‖ node id (4, BE).
// AAD = control ‖ seed ‖ sequence ‖ node id (4, BE) ‖ full key version (4, BE).
// The node id and the full key version are not sent: the receiver knows whose key it
// uses (the E1 source, or the topic the gateway publishes under) and which version.
#pragma once
#include <array>
#include <cstddef>
#include <cstdint>
#include <span>

namespace meshsec::e2e {

enum class E2eLevel : std::uint8_t { e2 = 0, e3 = 1 };         // E2: to the gateway, E3: to the back-end
enum class E2eDirection : std::uint8_t { uplink = 0, downlink = 1 };  // uplink: node -> terminator

struct E2eLayout {
  static constexpr std::uint8_t version = 1;
  static constexpr std::size_t control_offset = 0;
  static constexpr std::size_t seed_offset = 1;
  static constexpr std::size_t seed_size = 4;
  static constexpr std::size_t sequence_offset = 5;
  static constexpr std::size_t sequence_size = 4;
  static constexpr std::size_t header_size = 9;
  static constexpr std::size_t key_size = 32;   // AES-256
  static constexpr std::size_t tag_size = 8;    // CCM M = 8: 2^-64 forgery chance per try
  static constexpr std::size_t nonce_size = 13;
  static constexpr std::size_t aad_size = header_size + 4 + 4;
  static constexpr std::size_t signature_size = 64;  // Ed25519
  static constexpr std::size_t overhead = header_size + tag_size;
  static constexpr std::size_t signed_overhead = overhead + signature_size;
  // Largest payload a message may carry; one E1 frame body is far smaller.
  static constexpr std::size_t max_payload = 255;
  static constexpr std::size_t max_message = signed_overhead + max_payload;
  static constexpr std::uint8_t key_version_mask = 0x03;

  // Control byte bits.
  static constexpr unsigned version_shift = 6;
  static constexpr std::uint8_t level_bit = 0x20;
  static constexpr std::uint8_t direction_bit = 0x10;
  static constexpr std::uint8_t signed_bit = 0x08;
  static constexpr std::uint8_t nested_bit = 0x04;  // body is an E3 message (E3 inside E2)
};
static_assert(E2eLayout::header_size == 1 + E2eLayout::seed_size + E2eLayout::sequence_size);
static_assert(E2eLayout::nonce_size == 1 + E2eLayout::seed_size + E2eLayout::sequence_size + 4);
static_assert(E2eLayout::overhead == 17);

struct E2eControl {
  E2eLevel level = E2eLevel::e2;
  E2eDirection direction = E2eDirection::uplink;
  bool is_signed = false;
  bool nested = false;
  std::uint8_t key_version_low = 0;  // key version & key_version_mask
};

[[nodiscard]] constexpr std::uint8_t encode_control(const E2eControl& c) noexcept {
  std::uint8_t b = static_cast<std::uint8_t>(E2eLayout::version << E2eLayout::version_shift);
  if (c.level == E2eLevel::e3) b |= E2eLayout::level_bit;
  if (c.direction == E2eDirection::downlink) b |= E2eLayout::direction_bit;
  if (c.is_signed) b |= E2eLayout::signed_bit;
  if (c.nested) b |= E2eLayout::nested_bit;
  b |= static_cast<std::uint8_t>(c.key_version_low & E2eLayout::key_version_mask);
  return b;
}

// False when the version bits are not E2eLayout::version.
[[nodiscard]] constexpr bool decode_control(std::uint8_t b, E2eControl& out) noexcept {
  if ((b >> E2eLayout::version_shift) != E2eLayout::version) return false;
  out.level = (b & E2eLayout::level_bit) != 0 ? E2eLevel::e3 : E2eLevel::e2;
  out.direction = (b & E2eLayout::direction_bit) != 0 ? E2eDirection::downlink : E2eDirection::uplink;
  out.is_signed = (b & E2eLayout::signed_bit) != 0;
  out.nested = (b & E2eLayout::nested_bit) != 0;
  out.key_version_low = static_cast<std::uint8_t>(b & E2eLayout::key_version_mask);
  return true;
}

// A parsed message: views into the caller's buffer, nothing authenticated yet.
struct E2eMessageView {
  std::uint8_t control_byte = 0;
  E2eControl control;
  std::uint32_t seed = 0;
  std::uint32_t sequence = 0;
  std::span<const std::uint8_t> header;      // the 9 header bytes
  std::span<const std::uint8_t> ciphertext;  // payload [‖ signature], encrypted
  std::span<const std::uint8_t> tag;
};

using E2eNonce = std::array<std::uint8_t, E2eLayout::nonce_size>;
using E2eAad = std::array<std::uint8_t, E2eLayout::aad_size>;

// Parses the layout only (no keys). False when shorter than header + tag (+ signature when
// the signed bit is set), longer than max_message, or of another format version.
[[nodiscard]] bool parse_e2e_message(std::span<const std::uint8_t> message, E2eMessageView& out) noexcept;

[[nodiscard]] E2eNonce e2e_nonce(std::uint8_t control_byte, std::uint32_t seed, std::uint32_t sequence,
                                 std::uint32_t node_id) noexcept;
[[nodiscard]] E2eAad e2e_aad(std::uint8_t control_byte, std::uint32_t seed, std::uint32_t sequence,
                             std::uint32_t node_id, std::uint32_t key_version) noexcept;

}  // namespace meshsec::e2e
