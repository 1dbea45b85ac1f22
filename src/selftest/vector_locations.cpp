#include "selftest/vector_locations.hpp"

#include <cstdlib>

namespace meshsec::selftest {

std::filesystem::path default_shared_vectors() {
  if (const char* env = std::getenv("MESHSEC_VECTORS"); env != nullptr && *env != '\0') return env;
  std::error_code ec;
  const auto exe = std::filesystem::canonical("/proc/self/exe", ec);
  if (ec) return {};
  // Walk up from the program's folder: <dir>/../shared/vectors for each ancestor <dir>.
  for (auto dir = exe.parent_path(); dir.has_relative_path(); dir = dir.parent_path()) {
    const auto candidate = dir.parent_path() / "shared" / "vectors";
    if (std::filesystem::is_directory(candidate, ec)) return std::filesystem::canonical(candidate, ec);
  }
  return {};
}

std::filesystem::path default_cryptography_vectors() {
  if (const char* env = std::getenv("MESHSEC_CAVP_VECTORS"); env != nullptr && *env != '\0') return env;
  return "/usr/lib/python3/dist-packages/cryptography_vectors";
}

}  // namespace meshsec::selftest
