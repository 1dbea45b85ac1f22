// Tokens: the message elements inside a data frame's encrypted payload
// (docs/wire-format.md §5): type (1) ‖ length (1) ‖ value (length bytes), back to back,
// filling the payload exactly. Types 0xF0..0xFF belong to the network layer itself.
#pragma once
#include <cstddef>
#include <cstdint>
#include <span>

#include "wire/bounded_reader.hpp"
#include "wire/bounded_writer.hpp"
#include "wire/wire_error.hpp"

namespace meshsec::wire {

struct NetTokenType {
  static constexpr std::uint8_t first_reserved = 0xf0;
  static constexpr std::uint8_t key_phase = 0xf0;     // epoch (4) ‖ phase (1)
  static constexpr std::uint8_t key_delivery = 0xf1;  // key delivery blob (key_delivery.hpp)
};
inline constexpr std::size_t kTokenHeaderSize = 2;
inline constexpr std::size_t kKeyPhaseTokenSize = 5;

struct NetToken {
  std::uint8_t type = 0;
  std::span<const std::uint8_t> value;
};

// Walks the tokens of a payload. next() returns false at the end or on a malformed token
// (then error() says which); an empty payload holds no tokens.
class TokenReader {
 public:
  explicit TokenReader(std::span<const std::uint8_t> payload) noexcept : in_(payload) {}
  bool next(NetToken& out) noexcept {
    if (!in_.ok() || in_.remaining() == 0) return false;
    out.type = in_.u8();
    out.value = in_.prefixed_u8(0, 255);
    return in_.ok();
  }
  [[nodiscard]] WireError error() const noexcept { return in_.error(); }

 private:
  BoundedReader in_;
};

// Checks the whole token structure (every length inside the payload) without
// interpreting any token. Errors: truncated, length_out_of_range.
[[nodiscard]] inline WireError validate_tokens(std::span<const std::uint8_t> payload) noexcept {
  TokenReader reader(payload);
  NetToken token;
  while (reader.next(token)) {
  }
  return reader.error();
}

// Errors: length_out_of_range (value over 255 bytes), no_room.
[[nodiscard]] inline WireError write_token(BoundedWriter& out, std::uint8_t type,
                                           std::span<const std::uint8_t> value) noexcept {
  if (value.size() > 255) return WireError::length_out_of_range;
  out.u8(type);
  out.u8(static_cast<std::uint8_t>(value.size()));
  out.bytes(value);
  return out.error();
}

}  // namespace meshsec::wire
