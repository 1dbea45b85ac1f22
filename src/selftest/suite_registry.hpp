// Known-answer suites that `meshsec selftest` and ctest run over public vector files.
//
// Each suite lives in its own file in this folder and registers itself at start-up; a
// suite reads its files at run time (never copies of them in the repository) and reports
// one FileResult per file it ran.
#pragma once
#include <cstddef>
#include <filesystem>
#include <functional>
#include <string>
#include <vector>

namespace meshsec::selftest {

struct FileResult {
  std::string file;                    // e.g. "wycheproof/aes_ccm_test.json"
  std::size_t valid_passed = 0;        // valid (and accepted "acceptable") vectors that matched
  std::size_t invalid_rejected = 0;    // invalid vectors that were rejected
  std::size_t failures = 0;            // anything else, including unreadable files
  std::vector<std::string> failure_details;  // first few failures, for humans
  void fail(std::string detail) {
    ++failures;
    if (failure_details.size() < 20) failure_details.push_back(std::move(detail));
  }
};

struct SuiteContext {
  std::filesystem::path shared_vectors;      // laid out like ../shared/vectors; may be empty
  std::filesystem::path cryptography_vectors;  // Debian python3-cryptography-vectors
};

using SuiteRunner = std::function<std::vector<FileResult>(const SuiteContext&)>;

struct Suite {
  std::string name;  // short name, e.g. "wycheproof-aead"
  SuiteRunner run;
};

bool register_suite(std::string name, SuiteRunner runner);
[[nodiscard]] const std::vector<Suite>& all_suites();

}  // namespace meshsec::selftest
