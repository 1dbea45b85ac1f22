// Hex text <-> bytes for tools, tests and vector files (host side).
#pragma once
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace meshsec::wire {

// Lower-case hex.
[[nodiscard]] std::string to_hex(std::span<const std::uint8_t> bytes);
// Accepts upper or lower case; ignores spaces, ':' and '-' separators (also an optional
// 0x prefix). Returns nullopt on an odd digit count or a non-hex character.
[[nodiscard]] std::optional<std::vector<std::uint8_t>> from_hex(std::string_view text);

}  // namespace meshsec::wire
