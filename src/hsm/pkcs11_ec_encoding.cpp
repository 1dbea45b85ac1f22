#include "hsm/pkcs11_ec_encoding.hpp"

#include <algorithm>

namespace meshsec::hsm {
namespace {

// One minimal DER INTEGER from a 32-byte unsigned big-endian value.
void append_integer(std::vector<std::uint8_t>& out, std::span<const std::uint8_t> value) {
  std::size_t start = 0;
  while (start + 1 < value.size() && value[start] == 0) ++start;
  const bool pad = (value[start] & 0x80U) != 0;  // keep it positive
  out.push_back(0x02);
  out.push_back(static_cast<std::uint8_t>(value.size() - start + (pad ? 1 : 0)));
  if (pad) out.push_back(0x00);
  out.insert(out.end(), value.begin() + static_cast<std::ptrdiff_t>(start), value.end());
}

}  // namespace

std::vector<std::uint8_t> der_octet_string(std::span<const std::uint8_t> point) {
  std::vector<std::uint8_t> out(point.size() + 2);
  out[0] = 0x04;
  out[1] = static_cast<std::uint8_t>(point.size());
  std::copy(point.begin(), point.end(), out.begin() + 2);
  return out;
}

std::optional<std::vector<std::uint8_t>> ec_point_from_attribute(std::span<const std::uint8_t> value,
                                                                 std::size_t point_size) {
  if (point_size < 128 && value.size() == point_size + 2 && value[0] == 0x04 && value[1] == point_size)
    return std::vector<std::uint8_t>(value.begin() + 2, value.end());
  if (value.size() == point_size) return std::vector<std::uint8_t>(value.begin(), value.end());
  return std::nullopt;
}

std::vector<std::uint8_t> ecdsa_raw_to_der(std::span<const std::uint8_t, 64> raw) {
  std::vector<std::uint8_t> body;
  append_integer(body, raw.first<32>());
  append_integer(body, raw.last<32>());
  std::vector<std::uint8_t> out(body.size() + 2);
  out[0] = 0x30;
  out[1] = static_cast<std::uint8_t>(body.size());  // at most 70
  std::copy(body.begin(), body.end(), out.begin() + 2);
  return out;
}

}  // namespace meshsec::hsm
