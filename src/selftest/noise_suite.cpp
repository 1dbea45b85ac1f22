// Noise Protocol Framework known answers: noise/cacophony.json and noise/snow.json (the
// cacophony and snow vector sets). Every vector for 25519 with AESGCM or ChaChaPoly and
// SHA256 runs both sides of its handshake and transport; the rest (448, BLAKE2s/b, SHA512)
// are not applicable.
#include <filesystem>
#include <string>
#include <vector>

#include "e2e/noise_known_answer.hpp"
#include "e2e/noise_known_answer_json.hpp"
#include "selftest/suite_registry.hpp"
#include "selftest/vector_file.hpp"
#include "selftest/vector_outcome.hpp"

namespace meshsec::selftest {
namespace {

FileResult run_file(const std::filesystem::path& folder, const std::string& name) {
  FileResult result;
  result.file = "noise/" + name;
  nlohmann::json doc;
  try {
    doc = read_json_file(folder / name);
  } catch (const std::exception& e) {
    result.fail(e.what());
    return result;
  }
  try {
    const auto& vectors = json_array(doc, "vectors");
    for (std::size_t i = 0; i < vectors.size(); ++i) {
      const auto& v = vectors[i];
      const std::string id = "vector " + std::to_string(i) + " (" + v.value("protocol_name", "?") + ")";
      run_vector(result, id, [&] {
        const auto outcome = e2e::run_noise_known_answer(e2e::noise_known_answer_from_json(v));
        switch (outcome.outcome) {
          case e2e::NoiseKnownAnswerOutcome::passed: return VectorOutcome::passed(outcome.negatives_rejected);
          case e2e::NoiseKnownAnswerOutcome::not_applicable: return VectorOutcome::not_applicable(outcome.detail);
          case e2e::NoiseKnownAnswerOutcome::failed: break;
        }
        return VectorOutcome::failed(outcome.detail);
      });
    }
    if (vectors.empty()) result.fail("no vectors found");
  } catch (const std::exception& e) {
    result.fail(std::string("malformed file: ") + e.what());
  }
  return result;
}

std::vector<FileResult> run(const SuiteContext& context) {
  std::error_code ec;
  const auto folder = context.shared_vectors / "noise";
  if (context.shared_vectors.empty() || !std::filesystem::is_directory(folder, ec)) return {};
  return {run_file(folder, "cacophony.json"), run_file(folder, "snow.json")};
}

[[maybe_unused]] const bool registered = register_suite("noise", run);

}  // namespace
}  // namespace meshsec::selftest
