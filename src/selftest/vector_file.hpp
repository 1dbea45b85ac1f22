// Reading public vector files (JSON or text) for the known-answer suites, with errors that
// name the file, field or line at fault. Every suite reads its vectors through these, so a
// malformed or truncated file ends as a clear failure entry rather than a crash.
#pragma once
#include <algorithm>
#include <array>
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

namespace meshsec::selftest {

// A vector file (or one field of it) that cannot be used as it stands.
class VectorFileError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

using Bytes = std::vector<std::uint8_t>;

// The whole file as text. Errors: missing, not a regular file, unreadable.
[[nodiscard]] std::string read_text_file(const std::filesystem::path& path);

// The file parsed as JSON. Errors: as read_text_file, and the parser's message with its
// byte position for bad JSON.
[[nodiscard]] nlohmann::json read_json_file(const std::filesystem::path& path);

// Hex text to bytes; `what` names the field in the error (odd digit count, non-hex digit).
[[nodiscard]] Bytes bytes_from_hex(std::string_view text, std::string_view what);

// Bytes of a field that must have exactly N of them (keys, points, signatures).
template <std::size_t N>
[[nodiscard]] std::array<std::uint8_t, N> fixed_bytes(const Bytes& bytes, std::string_view what) {
  if (bytes.size() != N)
    throw VectorFileError("field '" + std::string(what) + "' has " + std::to_string(bytes.size()) +
                          " bytes, expected " + std::to_string(N));
  std::array<std::uint8_t, N> out{};
  std::copy(bytes.begin(), bytes.end(), out.begin());
  return out;
}

// A non-negative decimal number; `what` names the field in the error.
[[nodiscard]] std::size_t decimal_from_text(std::string_view text, std::string_view what);

// Members of a JSON object; each throws VectorFileError naming the key when the member is
// absent or of another type.
[[nodiscard]] const nlohmann::json& json_member(const nlohmann::json& object, std::string_view key);
[[nodiscard]] std::string json_string(const nlohmann::json& object, std::string_view key);
[[nodiscard]] Bytes json_hex(const nlohmann::json& object, std::string_view key);
[[nodiscard]] std::uint64_t json_unsigned(const nlohmann::json& object, std::string_view key);
[[nodiscard]] const nlohmann::json& json_array(const nlohmann::json& object, std::string_view key);
[[nodiscard]] const nlohmann::json& json_object(const nlohmann::json& object, std::string_view key);

}  // namespace meshsec::selftest
