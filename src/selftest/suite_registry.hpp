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

// Every vector of a file lands in exactly one of valid_passed, invalid_rejected, failures,
// excluded or not_applicable; total_vectors() counts the first three (the vectors whose
// outcome was checked). Mutations a vector drives (STYLE.md §11: flipped tag bytes, changed
// nonce, trailing bytes) are counted apart in negatives_rejected; one that is accepted makes
// its vector a failure.
struct FileResult {
  std::string file;                    // e.g. "wycheproof/aes_ccm_test.json"
  std::size_t valid_passed = 0;        // valid (and accepted "acceptable") vectors that matched
  std::size_t invalid_rejected = 0;    // invalid vectors that were rejected
  std::size_t failures = 0;            // anything else, including unreadable files
  std::size_t negatives_rejected = 0;  // mutated copies of vectors that were rejected
  std::size_t excluded = 0;            // outside meshsec's policy limits, named in notes
  std::size_t not_applicable = 0;      // algorithms meshsec does not offer (e.g. HMAC-SHA1 PRF)
  std::vector<std::string> failure_details;  // first few failures, for humans
  std::vector<std::string> notes;            // documented exclusions / not-applicable parts
  void fail(std::string detail) {
    ++failures;
    if (failure_details.size() < 20) failure_details.push_back(std::move(detail));
  }
  void note(std::string text) {
    for (const auto& n : notes)
      if (n == text) return;
    notes.push_back(std::move(text));
  }
  [[nodiscard]] std::size_t total_vectors() const { return valid_passed + invalid_rejected + failures; }
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
