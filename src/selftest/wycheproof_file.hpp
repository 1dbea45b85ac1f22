// Wycheproof JSON files (testGroups[].tests[] with result valid / invalid / acceptable and
// flags), found under SuiteContext::shared_vectors/wycheproof/. When that folder is absent
// the suites report nothing; when it is there, a missing or malformed file is a failure.
#pragma once
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "selftest/suite_registry.hpp"
#include "selftest/vector_file.hpp"
#include "selftest/vector_outcome.hpp"

namespace meshsec::selftest {

enum class Expected : unsigned char { valid, invalid, acceptable };

struct WycheproofTest {
  const nlohmann::json& group;
  const nlohmann::json& test;
  Expected expected;
  [[nodiscard]] bool has_flag(std::string_view flag) const;
};

using WycheproofCheck = std::function<VectorOutcome(const WycheproofTest&)>;

// Runs check over every test of shared_vectors/wycheproof/<file_name>; the result is named
// "wycheproof/<file_name>". Empty when the Wycheproof folder is absent. A test whose
// "result" is not one of the three words, or a file whose numberOfTests disagrees with the
// tests found, is a failure.
[[nodiscard]] std::vector<FileResult> run_wycheproof_file(const SuiteContext& context,
                                                          std::string_view file_name,
                                                          const WycheproofCheck& check);

}  // namespace meshsec::selftest
