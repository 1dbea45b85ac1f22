// The Wycheproof suites over ../shared/vectors/wycheproof: no failures, and every test of
// each file accounted for (the counts of shared/vectors/SOURCES.md).
#include <gtest/gtest.h>

#include <string>

#include "suite_expectations.hpp"

namespace meshsec::selftest::testing {
namespace {

struct Expect {
  const char* file;
  std::size_t tests;     // numberOfTests, as SOURCES.md lists it
  std::size_t excluded;  // documented exclusions (docs/test-vectors.md)
};

void check_suite(const std::string& suite, std::initializer_list<Expect> expectations) {
  const SuiteContext context = installed_context();
  if (context.shared_vectors.empty()) GTEST_SKIP() << "no ../shared/vectors beside the checkout";
  const auto results = run_named_suite(suite, context);
  ASSERT_EQ(results.size(), expectations.size()) << suite;
  expect_no_failures(results);
  for (const auto& e : expectations) {
    const FileResult* r = find_file(results, std::string("wycheproof/") + e.file);
    ASSERT_NE(r, nullptr) << e.file;
    EXPECT_EQ(r->valid_passed + r->invalid_rejected + r->excluded, e.tests) << e.file;
    EXPECT_EQ(r->excluded, e.excluded) << e.file;
    EXPECT_GT(r->valid_passed, 0u) << e.file;
    EXPECT_GT(r->invalid_rejected, 0u) << e.file;
  }
}

TEST(WycheproofSuites, Aead) {
  // AES-GCM: the three valid tests with a 257-byte IV exceed meshsec's 128-byte nonce limit.
  check_suite("wycheproof-aead", {{"aes_ccm_test.json", 552, 0}, {"aes_gcm_test.json", 316, 3}});
  const auto results = run_named_suite("wycheproof-aead", installed_context());
  for (const auto& r : results) EXPECT_GT(r.negatives_rejected, 0u) << r.file;
}

TEST(WycheproofSuites, Mac) {
  check_suite("wycheproof-mac", {{"aes_cmac_test.json", 311, 0}, {"hmac_sha256_test.json", 174, 0}});
}

TEST(WycheproofSuites, Hkdf) { check_suite("wycheproof-hkdf", {{"hkdf_sha256_test.json", 86, 0}}); }

TEST(WycheproofSuites, X25519) {
  check_suite("wycheproof-x25519", {{"x25519_test.json", 518, 0}});
  const auto results = run_named_suite("wycheproof-x25519", installed_context());
  ASSERT_EQ(results.size(), 1u);
  // The 31 acceptable tests with an all-zero shared secret are refused by policy.
  EXPECT_EQ(results[0].invalid_rejected, 31u);
}

TEST(WycheproofSuites, Ed25519) { check_suite("wycheproof-ed25519", {{"ed25519_test.json", 151, 0}}); }

TEST(WycheproofSuites, EcdsaP256) {
  check_suite("wycheproof-ecdsa-p256", {{"ecdsa_secp256r1_sha256_test.json", 484, 0}});
}

TEST(WycheproofSuites, EcdhP256) {
  check_suite("wycheproof-ecdh-p256", {{"ecdh_secp256r1_test.json", 612, 0}});
  const auto results = run_named_suite("wycheproof-ecdh-p256", installed_context());
  ASSERT_EQ(results.size(), 1u);
  // 330 valid + 1 acceptable compressed point; 52 invalid + 229 acceptable refused by policy.
  EXPECT_EQ(results[0].valid_passed, 331u);
  EXPECT_EQ(results[0].invalid_rejected, 281u);
}

}  // namespace
}  // namespace meshsec::selftest::testing
