// The radio frame check sequence: CRC-16/KERMIT, the FCS of IEEE 802.15.4 (ITU-T
// polynomial x^16 + x^12 + x^5 + 1, reflected, initial value 0, no final xor).
//
// A CRC catches radio bit errors, not attackers: anyone can recompute it. It only lets a
// node drop corrupted frames before spending any work on them (wire-format.md §2).
#pragma once
#include <cstdint>
#include <span>

namespace meshsec::wire {

inline constexpr std::size_t kCrc16Size = 2;

[[nodiscard]] std::uint16_t crc16_kermit(std::span<const std::uint8_t> bytes) noexcept;

// Appends the FCS to `frame` (least significant byte first, as 802.15.4 sends it).
// `out` must hold frame.size() + 2 bytes and may alias frame's start. Returns false when
// out is too small.
[[nodiscard]] bool append_crc16(std::span<std::uint8_t> out, std::size_t frame_length) noexcept;

// True when the last two bytes of `radio_frame` are the FCS of the bytes before them.
[[nodiscard]] bool check_crc16(std::span<const std::uint8_t> radio_frame) noexcept;

}  // namespace meshsec::wire
