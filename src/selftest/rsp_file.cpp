#include "selftest/rsp_file.hpp"

#include <algorithm>
#include <cctype>

namespace meshsec::selftest {
namespace {

std::string_view trim(std::string_view s) {
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front())) != 0) s.remove_prefix(1);
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back())) != 0) s.remove_suffix(1);
  return s;
}

std::string upper(std::string_view s) {
  std::string out(s);
  std::transform(out.begin(), out.end(), out.begin(),
                 [](unsigned char c) { return static_cast<char>(std::toupper(c)); });
  return out;
}

// "Name = value" → (NAME, value); a bare word → (WORD, "").
std::pair<std::string, std::string> split_field(std::string_view line) {
  const auto eq = line.find('=');
  if (eq == std::string_view::npos) return {upper(trim(line)), std::string()};
  return {upper(trim(line.substr(0, eq))), std::string(trim(line.substr(eq + 1)))};
}

bool is_bare_word(std::string_view s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), [](unsigned char c) {
    return std::isalnum(c) != 0 || c == '_' || c == '-';
  });
}

}  // namespace

std::string RspRecord::id() const {
  std::string label = "record";
  if (auto count = fields_.find("COUNT"); count != fields_.end()) label = "Count " + count->second;
  return label + " (line " + std::to_string(line_) + ")";
}

bool RspRecord::has(std::string_view name) const { return find(name).has_value(); }

std::optional<std::string> RspRecord::find(std::string_view name) const {
  const std::string key = upper(name);
  if (auto it = fields_.find(key); it != fields_.end()) return it->second;
  if (auto it = inherited_.find(key); it != inherited_.end()) return it->second;
  return std::nullopt;
}

const std::string& RspRecord::text(std::string_view name) const {
  const std::string key = upper(name);
  if (auto it = fields_.find(key); it != fields_.end()) return it->second;
  if (auto it = inherited_.find(key); it != inherited_.end()) return it->second;
  throw VectorFileError("missing field '" + std::string(name) + "'");
}

Bytes RspRecord::hex(std::string_view name) const { return bytes_from_hex(text(name), name); }

std::size_t RspRecord::number(std::string_view name) const { return decimal_from_text(text(name), name); }

std::vector<RspRecord> parse_rsp(std::string_view text, std::string_view start_key) {
  const std::string start = upper(start_key);
  std::vector<RspRecord> records;
  std::map<std::string, std::string> context;  // file-level, section and sticky values
  bool in_record = false;
  std::size_t line_number = 0;
  while (!text.empty()) {
    const auto nl = text.find('\n');
    std::string_view raw = text.substr(0, nl);
    text.remove_prefix(nl == std::string_view::npos ? text.size() : nl + 1);
    ++line_number;
    const std::string_view line = trim(raw);
    if (line.empty() || line.front() == '#') continue;
    if (line.front() == '[') {
      if (line.back() != ']')
        throw VectorFileError("line " + std::to_string(line_number) + ": unterminated section header");
      in_record = false;
      std::string_view body = line.substr(1, line.size() - 2);
      // "[Alen = 0, Plen = 0]" holds several values; "[ENCRYPT]" names the section.
      while (!body.empty()) {
        const auto comma = body.find(',');
        auto [name, value] = split_field(body.substr(0, comma));
        if (!name.empty()) context[name] = value;
        body.remove_prefix(comma == std::string_view::npos ? body.size() : comma + 1);
      }
      continue;
    }
    auto [name, value] = split_field(line);
    if (name.empty() || (line.find('=') == std::string_view::npos && !is_bare_word(line)))
      throw VectorFileError("line " + std::to_string(line_number) + ": not a \"Name = value\" line: \"" +
                            std::string(line.substr(0, 60)) + "\"");
    if (name == start) {
      records.emplace_back(line_number, context);
      in_record = true;
    }
    if (in_record)
      records.back().set_field(name, std::move(value));
    else
      context[name] = std::move(value);
  }
  return records;
}

}  // namespace meshsec::selftest
