// Firmware version in the MCUboot shape: major.minor.revision+build, compared in that order.
#pragma once
#include <compare>
#include <cstdint>

namespace meshsec::firmware {

struct FirmwareVersion {
  std::uint8_t major = 0;
  std::uint8_t minor = 0;
  std::uint16_t revision = 0;
  std::uint32_t build = 0;

  friend constexpr auto operator<=>(const FirmwareVersion&, const FirmwareVersion&) = default;
};

// What a device has installed; a new image must not be older in either field.
struct InstalledFirmware {
  FirmwareVersion version{};
  std::uint32_t security_counter = 0;
};

}  // namespace meshsec::firmware
