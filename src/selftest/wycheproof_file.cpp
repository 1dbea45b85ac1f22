#include "selftest/wycheproof_file.hpp"

#include "selftest/vector_file.hpp"

namespace meshsec::selftest {
namespace {

Expected parse_expected(const nlohmann::json& test) {
  const std::string result = json_string(test, "result");
  if (result == "valid") return Expected::valid;
  if (result == "invalid") return Expected::invalid;
  if (result == "acceptable") return Expected::acceptable;
  throw VectorFileError("unknown result \"" + result + "\"");
}

std::string test_id(const nlohmann::json& test, std::size_t group_index, std::size_t test_index) {
  if (test.is_object()) {
    auto it = test.find("tcId");
    if (it != test.end() && it->is_number_integer()) return "tcId " + std::to_string(it->get<std::int64_t>());
  }
  return "group " + std::to_string(group_index) + " test " + std::to_string(test_index);
}

}  // namespace

bool WycheproofTest::has_flag(std::string_view flag) const {
  auto it = test.find("flags");
  if (it == test.end() || !it->is_array()) return false;
  for (const auto& f : *it)
    if (f.is_string() && f.get_ref<const std::string&>() == flag) return true;
  return false;
}

std::vector<FileResult> run_wycheproof_file(const SuiteContext& context, std::string_view file_name,
                                            const WycheproofCheck& check) {
  std::error_code ec;
  const auto folder = context.shared_vectors / "wycheproof";
  if (context.shared_vectors.empty() || !std::filesystem::is_directory(folder, ec)) return {};
  FileResult result;
  result.file = "wycheproof/" + std::string(file_name);
  nlohmann::json doc;
  try {
    doc = read_json_file(folder / std::filesystem::path(file_name));
  } catch (const std::exception& e) {
    result.fail(e.what());
    return {result};
  }
  std::size_t found = 0;
  try {
    const auto& groups = json_array(doc, "testGroups");
    for (std::size_t g = 0; g < groups.size(); ++g) {
      const auto& group = groups[g];
      const nlohmann::json* tests = nullptr;
      try {
        tests = &json_array(group, "tests");
      } catch (const std::exception& e) {
        result.fail("group " + std::to_string(g) + ": " + e.what());
        continue;
      }
      for (std::size_t t = 0; t < tests->size(); ++t) {
        const auto& test = (*tests)[t];
        ++found;
        run_vector(result, test_id(test, g, t), [&] {
          return check(WycheproofTest{group, test, parse_expected(test)});
        });
      }
    }
    if (doc.contains("numberOfTests")) {
      const auto declared = json_unsigned(doc, "numberOfTests");
      if (declared != found)
        result.fail("file declares numberOfTests " + std::to_string(declared) + " but holds " +
                    std::to_string(found) + " tests (truncated file?)");
    }
  } catch (const std::exception& e) {
    result.fail(std::string("malformed file: ") + e.what());
  }
  if (found == 0 && result.failures == 0) result.fail("no tests found (empty testGroups)");
  return {result};
}

}  // namespace meshsec::selftest
