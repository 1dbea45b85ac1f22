// Where tests find the public vector files and the built `meshsec` program.
#pragma once
#include <cstdlib>
#include <filesystem>
#include <string>

namespace meshsec::testing {

// ../shared/vectors beside the checkout, or $MESHSEC_VECTORS. Empty path when absent.
inline std::filesystem::path shared_vectors_dir() {
  if (const char* env = std::getenv("MESHSEC_VECTORS"); env != nullptr && *env != '\0') return env;
  std::filesystem::path p = std::filesystem::path(MESHSEC_SOURCE_DIR) / ".." / "shared" / "vectors";
  return std::filesystem::exists(p) ? std::filesystem::canonical(p) : std::filesystem::path{};
}

// Debian's python3-cryptography-vectors (NIST CAVP, RFC vectors), or $MESHSEC_CAVP_VECTORS.
inline std::filesystem::path cryptography_vectors_dir() {
  if (const char* env = std::getenv("MESHSEC_CAVP_VECTORS"); env != nullptr && *env != '\0') return env;
  return "/usr/lib/python3/dist-packages/cryptography_vectors";
}

// The meshsec program built alongside the tests.
inline std::string cli_path() {
  if (const char* env = std::getenv("MESHSEC_CLI"); env != nullptr && *env != '\0') return env;
  return std::string(MESHSEC_BINARY_DIR) + "/cli/meshsec";
}

}  // namespace meshsec::testing
