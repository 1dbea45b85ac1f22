// Byte layout of a network key delivery (docs/wire-format.md §7): a new network key,
// sealed with AES-CCM under the target node's own key-encryption key. It travels either
// as token 0xF1 inside a data frame, or alone as a key_delivery frame (one hop).
//
//   off size   field
//   0   2      target node address            AAD, nonce
//   2   4      key epoch (key index = epoch & 3)   AAD, nonce
//   6   1      flags: 1 = staged (accept, keep sending with the old key), 2 = final
//   7   16|32  wrapped network key (CCM ciphertext)
//   ..  16     CCM tag
#pragma once
#include <cstddef>
#include <cstdint>
#include <span>

#include "wire/bounded_writer.hpp"
#include "wire/net_frame.hpp"
#include "wire/wire_error.hpp"

namespace meshsec::wire {

struct KeyDeliveryLayout {
  static constexpr std::size_t fixed_size = 7;  // target, epoch, flags: the AAD
  static constexpr std::size_t tag_size = 16;   // full tag: this carries key material
  static constexpr std::size_t size_128 = fixed_size + 16 + tag_size;
  static constexpr std::size_t size_256 = fixed_size + 32 + tag_size;
  static constexpr std::uint8_t flag_staged = 1;
  static constexpr std::uint8_t flag_final = 2;
};
static_assert(KeyDeliveryLayout::size_128 == 39 && KeyDeliveryLayout::size_256 == 55);

struct KeyDeliveryView {
  std::uint16_t target = 0;
  std::uint32_t epoch = 0;
  std::uint8_t flags = 0;
  std::span<const std::uint8_t> aad;          // the fixed part, bytes 0..6
  std::span<const std::uint8_t> wrapped_key;  // 16 or 32 bytes
  std::span<const std::uint8_t> tag;          // 16 bytes
};

// Exact sizes only (39 or 55); flags must be staged or final.
// Errors: length_out_of_range, bad_value.
[[nodiscard]] WireError read_key_delivery(std::span<const std::uint8_t> blob,
                                          KeyDeliveryView& out) noexcept;

// Writes the fixed part; returns spans for the caller to fill with ciphertext and tag.
// Errors: bad_value (key length, flags), no_room.
[[nodiscard]] WireError write_key_delivery_head(BoundedWriter& out, std::uint16_t target,
                                                std::uint32_t epoch, std::uint8_t flags) noexcept;

// §7 nonce: 0x02 ‖ net id (2) ‖ target (2) ‖ epoch (4) ‖ flags (1) ‖ key index (1) ‖ 0x0000.
[[nodiscard]] NetNonce key_delivery_nonce(std::uint16_t net_id, std::uint16_t target,
                                          std::uint32_t epoch, std::uint8_t flags) noexcept;

[[nodiscard]] constexpr std::uint8_t key_index_of_epoch(std::uint32_t epoch) noexcept {
  return static_cast<std::uint8_t>(epoch & NetLayout::max_key_index);
}

}  // namespace meshsec::wire
