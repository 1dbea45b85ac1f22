// NIST CAVP response files (.rsp) and the RFC text files of the same "Name = value" shape.
//
// The layout: optional file-level "Name = value" lines, section headers in brackets
// ("[Alen = 0, Plen = 0, Nlen = 7, Tlen = 4]", "[PRF=CMAC_AES128]", "[ENCRYPT]"), values
// that hold for the rest of a section ("Key = ..." before the first Count), and records
// opened by a start key (normally "Count") whose "Name = value" lines run until the next
// record or section header. A bare word inside a record ("FAIL") is a field with an empty
// value. Names are compared case-insensitively; a record's own fields hide the inherited
// ones.
#pragma once
#include <cstddef>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "selftest/vector_file.hpp"

namespace meshsec::selftest {

class RspRecord {
 public:
  RspRecord(std::size_t line, std::map<std::string, std::string> inherited)
      : line_(line), inherited_(std::move(inherited)) {}

  [[nodiscard]] std::size_t line() const { return line_; }
  // "Count 3 (line 120)", for failure details.
  [[nodiscard]] std::string id() const;

  [[nodiscard]] bool has(std::string_view name) const;
  // The record's value, else the section's or file's. Throws VectorFileError when absent.
  [[nodiscard]] const std::string& text(std::string_view name) const;
  [[nodiscard]] Bytes hex(std::string_view name) const;
  // A non-negative decimal integer. Throws VectorFileError when absent or not a number.
  [[nodiscard]] std::size_t number(std::string_view name) const;
  [[nodiscard]] std::optional<std::string> find(std::string_view name) const;

  void set_field(const std::string& upper_name, std::string value) { fields_[upper_name] = std::move(value); }

 private:
  std::size_t line_;
  std::map<std::string, std::string> inherited_;
  std::map<std::string, std::string> fields_;
};

// Parses the text; `start_key` opens a record. Throws VectorFileError (with the line) for
// an unterminated section header or a line that is neither comment, header nor field.
[[nodiscard]] std::vector<RspRecord> parse_rsp(std::string_view text, std::string_view start_key = "COUNT");

}  // namespace meshsec::selftest
