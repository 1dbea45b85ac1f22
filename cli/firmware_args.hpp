// Argument and file helpers shared by `meshsec blob` and `meshsec boot` (host side; they
// throw std::runtime_error with a message for the user).
#pragma once
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "firmware/firmware_version.hpp"

namespace meshsec::cli {

// "1.2.3" or "1.2.3+4" (major and minor ≤ 255, revision ≤ 65535).
[[nodiscard]] firmware::FirmwareVersion parse_firmware_version(std::string_view text);
[[nodiscard]] std::string format_firmware_version(const firmware::FirmwareVersion& v);
[[nodiscard]] std::vector<std::uint8_t> read_file_bytes(const std::string& path);
void write_file_bytes(const std::string& path, const std::vector<std::uint8_t>& bytes);

}  // namespace meshsec::cli
