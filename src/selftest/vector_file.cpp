#include "selftest/vector_file.hpp"

#include <charconv>
#include <fstream>
#include <sstream>

#include "wire/hex.hpp"

namespace meshsec::selftest {

std::string read_text_file(const std::filesystem::path& path) {
  std::error_code ec;
  if (!std::filesystem::exists(path, ec)) throw VectorFileError(path.string() + ": file not found");
  if (!std::filesystem::is_regular_file(path, ec))
    throw VectorFileError(path.string() + ": not a regular file");
  std::ifstream in(path, std::ios::binary);
  if (!in) throw VectorFileError(path.string() + ": cannot open");
  std::ostringstream text;
  text << in.rdbuf();
  if (in.bad()) throw VectorFileError(path.string() + ": read error");
  return text.str();
}

nlohmann::json read_json_file(const std::filesystem::path& path) {
  const std::string text = read_text_file(path);
  try {
    return nlohmann::json::parse(text);
  } catch (const nlohmann::json::exception& e) {
    throw VectorFileError(path.string() + ": bad JSON: " + e.what());
  }
}

Bytes bytes_from_hex(std::string_view text, std::string_view what) {
  auto bytes = wire::from_hex(text);
  if (!bytes) {
    std::string shown(text.substr(0, 40));
    if (text.size() > 40) shown += "...";
    throw VectorFileError("field '" + std::string(what) + "' is not valid hex (odd digit count or bad digit): \"" +
                          shown + "\"");
  }
  return std::move(*bytes);
}

std::size_t decimal_from_text(std::string_view text, std::string_view what) {
  std::size_t n = 0;
  const char* end = text.data() + text.size();
  auto [ptr, ec] = std::from_chars(text.data(), end, n);
  if (text.empty() || ec != std::errc() || ptr != end)
    throw VectorFileError("field '" + std::string(what) + "' is not a number: \"" + std::string(text) + "\"");
  return n;
}

const nlohmann::json& json_member(const nlohmann::json& object, std::string_view key) {
  if (!object.is_object()) throw VectorFileError("expected a JSON object holding '" + std::string(key) + "'");
  auto it = object.find(key);
  if (it == object.end()) throw VectorFileError("missing field '" + std::string(key) + "'");
  return *it;
}

std::string json_string(const nlohmann::json& object, std::string_view key) {
  const auto& v = json_member(object, key);
  if (!v.is_string()) throw VectorFileError("field '" + std::string(key) + "' is not a string");
  return v.get<std::string>();
}

Bytes json_hex(const nlohmann::json& object, std::string_view key) {
  return bytes_from_hex(json_string(object, key), key);
}

std::uint64_t json_unsigned(const nlohmann::json& object, std::string_view key) {
  const auto& v = json_member(object, key);
  if (!v.is_number_unsigned() && !(v.is_number_integer() && v.get<std::int64_t>() >= 0))
    throw VectorFileError("field '" + std::string(key) + "' is not a non-negative integer");
  return v.get<std::uint64_t>();
}

const nlohmann::json& json_array(const nlohmann::json& object, std::string_view key) {
  const auto& v = json_member(object, key);
  if (!v.is_array()) throw VectorFileError("field '" + std::string(key) + "' is not an array");
  return v;
}

const nlohmann::json& json_object(const nlohmann::json& object, std::string_view key) {
  const auto& v = json_member(object, key);
  if (!v.is_object()) throw VectorFileError("field '" + std::string(key) + "' is not an object");
  return v;
}

}  // namespace meshsec::selftest
