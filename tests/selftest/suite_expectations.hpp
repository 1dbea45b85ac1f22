// Helpers shared by the selftest room's tests: run one registered suite against the
// installed vector folders and look up its per-file results.
#pragma once
#include <gtest/gtest.h>

#include <algorithm>
#include <iostream>
#include <string>
#include <vector>

#include "selftest/suite_registry.hpp"
#include "support/test_paths.hpp"

namespace meshsec::selftest::testing {

inline SuiteContext installed_context() {
  SuiteContext context;
  context.shared_vectors = meshsec::testing::shared_vectors_dir();
  context.cryptography_vectors = meshsec::testing::cryptography_vectors_dir();
  return context;
}

inline std::vector<FileResult> run_named_suite(const std::string& name, const SuiteContext& context) {
  for (const auto& suite : all_suites())
    if (suite.name == name) return suite.run(context);
  ADD_FAILURE() << "suite " << name << " is not registered";
  return {};
}

inline const FileResult* find_file(const std::vector<FileResult>& results, const std::string& file) {
  auto it = std::find_if(results.begin(), results.end(), [&](const FileResult& r) { return r.file == file; });
  return it == results.end() ? nullptr : &*it;
}

// Every file of the suite ran without failure; prints the counts.
inline std::size_t expect_no_failures(const std::vector<FileResult>& results) {
  std::size_t total = 0;
  for (const auto& r : results) {
    EXPECT_EQ(r.failures, 0u) << r.file << ": "
                              << (r.failure_details.empty() ? std::string() : r.failure_details.front());
    total += r.total_vectors();
    std::cout << "  " << r.file << ": " << r.valid_passed << " valid passed, " << r.invalid_rejected
              << " invalid rejected, " << r.negatives_rejected << " negatives rejected, " << r.excluded
              << " excluded, " << r.not_applicable << " not applicable, " << r.failures << " failures\n";
  }
  std::cout << "  total vectors run: " << total << "\n";
  return total;
}

}  // namespace meshsec::selftest::testing
