// Error values of the byte-layout layer.
#pragma once
#include <cstdint>
#include <string_view>

namespace meshsec::wire {

enum class WireError : std::uint8_t {
  ok = 0,
  truncated,       // fewer bytes than the layout needs
  trailing_bytes,  // bytes left after a complete message
  length_out_of_range,  // a length prefix outside its [min, max]
  bad_value,       // a field holds a value the layout forbids (magic, version, enum)
  no_room,         // writer: output buffer too small
};

[[nodiscard]] constexpr std::string_view to_string(WireError e) noexcept {
  switch (e) {
    case WireError::ok: return "ok";
    case WireError::truncated: return "truncated";
    case WireError::trailing_bytes: return "trailing_bytes";
    case WireError::length_out_of_range: return "length_out_of_range";
    case WireError::bad_value: return "bad_value";
    case WireError::no_room: return "no_room";
  }
  return "unknown";
}

}  // namespace meshsec::wire
