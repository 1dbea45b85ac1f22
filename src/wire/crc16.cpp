#include "wire/crc16.hpp"

#include <array>

namespace meshsec::wire {
namespace {

// Tables for the reflected polynomial 0x8408 (0x1021 bit-reversed), built at compile
// time. kTables[k][b] is the CRC contribution of byte b followed by k zero bytes, so eight
// bytes are folded per step ("slicing by 8", 4 KiB): the receive path checks the CRC of
// every frame it hears, and a 32-byte frame takes four steps.
using Table = std::array<std::uint16_t, 256>;
constexpr std::size_t kSlices = 8;
constexpr std::array<Table, kSlices> make_tables() noexcept {
  std::array<Table, kSlices> t{};
  for (unsigned i = 0; i < 256; ++i) {
    unsigned crc = i;
    for (int bit = 0; bit < 8; ++bit) crc = (crc & 1U) != 0 ? (crc >> 1) ^ 0x8408U : crc >> 1;
    t[0][i] = static_cast<std::uint16_t>(crc);
  }
  for (std::size_t k = 1; k < kSlices; ++k)
    for (unsigned i = 0; i < 256; ++i)
      t[k][i] = static_cast<std::uint16_t>((t[k - 1][i] >> 8) ^ t[0][t[k - 1][i] & 0xffU]);
  return t;
}
constexpr std::array<Table, kSlices> kTables = make_tables();

}  // namespace

std::uint16_t crc16_kermit(std::span<const std::uint8_t> bytes) noexcept {
  unsigned crc = 0;
  std::size_t i = 0;
  const std::uint8_t* b = bytes.data();
  for (; i + kSlices <= bytes.size(); i += kSlices) {
    const unsigned c = crc ^ (b[i] | (static_cast<unsigned>(b[i + 1]) << 8));
    crc = kTables[7][c & 0xffU] ^ kTables[6][c >> 8] ^ kTables[5][b[i + 2]] ^ kTables[4][b[i + 3]] ^
          kTables[3][b[i + 4]] ^ kTables[2][b[i + 5]] ^ kTables[1][b[i + 6]] ^ kTables[0][b[i + 7]];
  }
  for (; i < bytes.size(); ++i) crc = (crc >> 8) ^ kTables[0][(crc ^ b[i]) & 0xffU];
  return static_cast<std::uint16_t>(crc);
}

bool append_crc16(std::span<std::uint8_t> out, std::size_t frame_length) noexcept {
  if (frame_length > out.size() || kCrc16Size > out.size() - frame_length) return false;
  const std::uint16_t crc = crc16_kermit(out.first(frame_length));
  out[frame_length] = static_cast<std::uint8_t>(crc & 0xffU);
  out[frame_length + 1] = static_cast<std::uint8_t>(crc >> 8);
  return true;
}

bool check_crc16(std::span<const std::uint8_t> radio_frame) noexcept {
  if (radio_frame.size() < kCrc16Size) return false;
  const std::size_t n = radio_frame.size() - kCrc16Size;
  const std::uint16_t crc = crc16_kermit(radio_frame.first(n));
  const auto received = static_cast<std::uint16_t>(radio_frame[n] | (radio_frame[n + 1] << 8));
  return crc == received;  // public value: variable-time compare is fine
}

}  // namespace meshsec::wire
