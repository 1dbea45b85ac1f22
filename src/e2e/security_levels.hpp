// The configurable combinations of levels (L8): E1 link layer (network key, src/net/),
// E2 node -> gateway, E3 node -> back-end, E4 gateway -> back-end TLS. E4 protects the
// gateway's IP uplink only, so it costs nothing on the radio.
#pragma once
#include <cstdint>
#include <initializer_list>
#include <string>

namespace meshsec::e2e {

enum class SecurityLevel : std::uint8_t { e1 = 0x01, e2 = 0x02, e3 = 0x04, e4 = 0x08 };

struct LevelSet {
  std::uint8_t bits = 0;

  [[nodiscard]] constexpr bool has(SecurityLevel l) const noexcept {
    return (bits & static_cast<std::uint8_t>(l)) != 0;
  }
  [[nodiscard]] constexpr LevelSet with(SecurityLevel l) const noexcept {
    return LevelSet{static_cast<std::uint8_t>(bits | static_cast<std::uint8_t>(l))};
  }
  // True when every level of `required` is in this set.
  [[nodiscard]] constexpr bool covers(LevelSet required) const noexcept {
    return (bits & required.bits) == required.bits;
  }
  friend constexpr bool operator==(LevelSet, LevelSet) = default;

  // "E1+E2+E4" (host-side, for reports).
  [[nodiscard]] std::string name() const {
    std::string out;
    const char* names[] = {"E1", "E2", "E3", "E4"};
    for (unsigned i = 0; i < 4; ++i) {
      if ((bits >> i) & 1U) {
        if (!out.empty()) out += '+';
        out += names[i];
      }
    }
    return out.empty() ? "none" : out;
  }
};

inline constexpr LevelSet levels(std::initializer_list<SecurityLevel> list) noexcept {
  LevelSet s;
  for (SecurityLevel l : list) s = s.with(l);
  return s;
}

}  // namespace meshsec::e2e
