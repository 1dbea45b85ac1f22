// Running every registered suite and reporting the results (`meshsec selftest`, ctest).
#pragma once
#include <cstddef>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "selftest/suite_registry.hpp"

namespace meshsec::selftest {

struct SelftestRun {
  std::vector<FileResult> files;
  std::vector<std::string> notes;  // run-wide remarks (e.g. the shared folder is absent)
  std::size_t total_vectors = 0;   // Σ valid_passed + invalid_rejected + failures
  std::size_t failures = 0;
};

// Runs the named suites (all when `only` is empty). A suite that throws is booked as one
// failure named after it; it never ends the run. An unknown name in `only` is a failure.
[[nodiscard]] SelftestRun run_suites(const SuiteContext& context, const std::vector<std::string>& only = {});

// {"files":[{"file","valid_passed","invalid_rejected","failures", then the extra counts,
// failure_details and notes}],"total_vectors","failures"} in that key order.
[[nodiscard]] nlohmann::ordered_json selftest_json(const SelftestRun& run);

// A table for people, with failure details and notes after it.
[[nodiscard]] std::string selftest_table(const SelftestRun& run);

}  // namespace meshsec::selftest
