#include "firmware_args.hpp"

#include <charconv>
#include <fstream>
#include <iterator>
#include <stdexcept>

namespace meshsec::cli {
namespace {

std::uint32_t parse_part(std::string_view text, std::uint32_t max, std::string_view whole) {
  std::uint32_t value = 0;
  const char* end = text.data() + text.size();
  const auto [ptr, ec] = std::from_chars(text.data(), end, value);
  if (text.empty() || ec != std::errc{} || ptr != end || value > max) {
    throw std::runtime_error("invalid version '" + std::string(whole) + "' (expected MAJOR.MINOR.REVISION[+BUILD])");
  }
  return value;
}

}  // namespace

firmware::FirmwareVersion parse_firmware_version(std::string_view text) {
  firmware::FirmwareVersion v;
  std::string_view rest = text;
  std::string_view build;
  if (const auto plus = rest.find('+'); plus != std::string_view::npos) {
    build = rest.substr(plus + 1);
    rest = rest.substr(0, plus);
    v.build = parse_part(build, UINT32_MAX, text);
  }
  const auto dot1 = rest.find('.');
  const auto dot2 = dot1 == std::string_view::npos ? dot1 : rest.find('.', dot1 + 1);
  if (dot1 == std::string_view::npos || dot2 == std::string_view::npos) parse_part("", 0, text);
  v.major = static_cast<std::uint8_t>(parse_part(rest.substr(0, dot1), 255, text));
  v.minor = static_cast<std::uint8_t>(parse_part(rest.substr(dot1 + 1, dot2 - dot1 - 1), 255, text));
  v.revision = static_cast<std::uint16_t>(parse_part(rest.substr(dot2 + 1), 65535, text));
  return v;
}

std::string format_firmware_version(const firmware::FirmwareVersion& v) {
  std::string s = std::to_string(v.major) + "." + std::to_string(v.minor) + "." + std::to_string(v.revision);
  if (v.build != 0) {
    // Appended in two steps: "+" + to_string(…) trips GCC 12's -Wrestrict at -O3 (a
    // known false positive in libstdc++'s operator+), and -Werror stops the build.
    s += '+';
    s += std::to_string(v.build);
  }
  return s;
}

std::vector<std::uint8_t> read_file_bytes(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw std::runtime_error("cannot open " + path);
  std::vector<std::uint8_t> bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  if (in.bad()) throw std::runtime_error("cannot read " + path);
  return bytes;
}

void write_file_bytes(const std::string& path, const std::vector<std::uint8_t>& bytes) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  if (!out) throw std::runtime_error("cannot create " + path);
  out.write(reinterpret_cast<const char*>(bytes.data()), static_cast<std::streamsize>(bytes.size()));
  if (!out) throw std::runtime_error("cannot write " + path);
}

}  // namespace meshsec::cli
