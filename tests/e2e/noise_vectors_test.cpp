// The cacophony and snow Noise vector files, run under ctest: every 25519 + AESGCM /
// ChaChaPoly + SHA256 vector must pass (handshake hash, every ciphertext and payload).
#include <gtest/gtest.h>

#include <fstream>
#include <string>

#include "e2e/noise_known_answer.hpp"
#include "e2e/noise_known_answer_json.hpp"
#include "support/test_paths.hpp"

namespace meshsec::e2e {
namespace {

struct Counts {
  std::size_t passed = 0, not_applicable = 0, failed = 0;
};

Counts run_file(const std::string& name) {
  const auto dir = meshsec::testing::shared_vectors_dir();
  Counts counts;
  if (dir.empty()) return counts;
  std::ifstream in(dir / "noise" / name);
  EXPECT_TRUE(in) << name;
  const auto doc = nlohmann::json::parse(in);
  for (const auto& v : doc.at("vectors")) {
    const auto result = run_noise_known_answer(noise_known_answer_from_json(v));
    switch (result.outcome) {
      case NoiseKnownAnswerOutcome::passed: ++counts.passed; break;
      case NoiseKnownAnswerOutcome::not_applicable: ++counts.not_applicable; break;
      case NoiseKnownAnswerOutcome::failed:
        ++counts.failed;
        ADD_FAILURE() << v.at("protocol_name").get<std::string>() << ": " << result.detail;
        break;
    }
  }
  return counts;
}

TEST(NoiseVectors, Cacophony) {
  if (meshsec::testing::shared_vectors_dir().empty()) GTEST_SKIP() << "no shared vectors";
  const Counts c = run_file("cacophony.json");
  EXPECT_EQ(c.failed, 0u);
  // 59 AESGCM + 59 ChaChaPoly vectors with 25519 and SHA256.
  EXPECT_EQ(c.passed, 118u);
  EXPECT_EQ(c.passed + c.not_applicable, 944u);
}

TEST(NoiseVectors, Snow) {
  if (meshsec::testing::shared_vectors_dir().empty()) GTEST_SKIP() << "no shared vectors";
  const Counts c = run_file("snow.json");
  EXPECT_EQ(c.failed, 0u);
  EXPECT_EQ(c.passed, 102u);
  EXPECT_EQ(c.passed + c.not_applicable, 408u);
}

}  // namespace
}  // namespace meshsec::e2e
