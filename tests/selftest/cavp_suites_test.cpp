// The CAVP / RFC suites over the installed python3-cryptography-vectors: no failures, and
// at least as many vectors as the files hold (counted when this test was written).
#include <gtest/gtest.h>

#include <string>

#include "suite_expectations.hpp"

namespace meshsec::selftest::testing {
namespace {

struct Expect {
  const char* file;
  std::size_t valid;
  std::size_t invalid;
};

void check_suite(const std::string& suite, std::initializer_list<Expect> expectations) {
  const auto results = run_named_suite(suite, installed_context());
  ASSERT_EQ(results.size(), expectations.size()) << suite;
  expect_no_failures(results);
  for (const auto& e : expectations) {
    const FileResult* r = find_file(results, e.file);
    ASSERT_NE(r, nullptr) << e.file;
    EXPECT_GE(r->valid_passed, e.valid) << e.file;
    EXPECT_GE(r->invalid_rejected, e.invalid) << e.file;
    EXPECT_EQ(r->excluded, 0u) << e.file;
    if (r->valid_passed > 0 && suite != "cavp-kbkdf" && suite != "rfc-hkdf-sha256" && suite != "rfc-x25519") {
      EXPECT_GT(r->negatives_rejected, 0u) << e.file << ": valid vectors must drive negative cases";
    }
  }
}

TEST(CavpSuites, AesCcm) {
  check_suite("cavp-aes-ccm", {
                                  {"cavp/ciphers/AES/CCM/DVPT128.rsp", 80, 160},
                                  {"cavp/ciphers/AES/CCM/DVPT192.rsp", 80, 160},
                                  {"cavp/ciphers/AES/CCM/DVPT256.rsp", 80, 160},
                                  {"cavp/ciphers/AES/CCM/VADT128.rsp", 330, 0},
                                  {"cavp/ciphers/AES/CCM/VADT192.rsp", 330, 0},
                                  {"cavp/ciphers/AES/CCM/VADT256.rsp", 330, 0},
                                  {"cavp/ciphers/AES/CCM/VNT128.rsp", 70, 0},
                                  {"cavp/ciphers/AES/CCM/VNT192.rsp", 70, 0},
                                  {"cavp/ciphers/AES/CCM/VNT256.rsp", 70, 0},
                                  {"cavp/ciphers/AES/CCM/VPT128.rsp", 250, 0},
                                  {"cavp/ciphers/AES/CCM/VPT192.rsp", 250, 0},
                                  {"cavp/ciphers/AES/CCM/VPT256.rsp", 250, 0},
                                  {"cavp/ciphers/AES/CCM/VTT128.rsp", 70, 0},
                                  {"cavp/ciphers/AES/CCM/VTT192.rsp", 70, 0},
                                  {"cavp/ciphers/AES/CCM/VTT256.rsp", 70, 0},
                              });
}

TEST(CavpSuites, AesGcm) {
  check_suite("cavp-aes-gcm", {
                                  {"cavp/ciphers/AES/GCM/gcmEncryptExtIV128.rsp", 7875, 0},
                                  {"cavp/ciphers/AES/GCM/gcmEncryptExtIV192.rsp", 7875, 0},
                                  {"cavp/ciphers/AES/GCM/gcmEncryptExtIV256.rsp", 7875, 0},
                                  {"cavp/ciphers/AES/GCM/gcmDecrypt128.rsp", 3864, 4011},
                                  {"cavp/ciphers/AES/GCM/gcmDecrypt192.rsp", 3897, 3978},
                                  {"cavp/ciphers/AES/GCM/gcmDecrypt256.rsp", 3956, 3919},
                              });
}

TEST(CavpSuites, AesEcb) {
  check_suite("cavp-aes-ecb", {
                                  {"cavp/ciphers/AES/ECB/ECBGFSbox128.rsp", 14, 0},
                                  {"cavp/ciphers/AES/ECB/ECBKeySbox128.rsp", 42, 0},
                                  {"cavp/ciphers/AES/ECB/ECBVarKey128.rsp", 256, 0},
                                  {"cavp/ciphers/AES/ECB/ECBVarTxt128.rsp", 256, 0},
                                  {"cavp/ciphers/AES/ECB/ECBMMT128.rsp", 20, 0},
                              });
}

TEST(CavpSuites, AesCmac) {
  check_suite("cavp-cmac", {
                               {"cavp/CMAC/nist-800-38b-aes128.txt", 4, 0},
                               {"cavp/CMAC/nist-800-38b-aes192.txt", 4, 0},
                               {"cavp/CMAC/nist-800-38b-aes256.txt", 4, 0},
                           });
}

TEST(CavpSuites, Kbkdf) {
  check_suite("cavp-kbkdf", {{"cavp/KDF/nist-800-108-KBKDF-CTR.txt", 1920, 0}});
  const auto results = run_named_suite("cavp-kbkdf", installed_context());
  ASSERT_EQ(results.size(), 1u);
  // 4 of the 10 PRFs (CMAC-AES128/192/256, HMAC-SHA256) × 3 counter places × 4 widths × 40.
  EXPECT_EQ(results[0].valid_passed, 1920u);
  EXPECT_EQ(results[0].not_applicable, 2880u);
  EXPECT_EQ(results[0].notes.size(), 6u);  // HMAC-SHA1/224/384/512, CMAC-TDES2/3
}

TEST(CavpSuites, RfcHmacSha256) { check_suite("rfc-hmac-sha256", {{"cavp/HMAC/rfc-4231-sha256.txt", 6, 0}}); }

TEST(CavpSuites, RfcHkdfSha256) { check_suite("rfc-hkdf-sha256", {{"cavp/KDF/rfc-5869-HKDF-SHA256.txt", 3, 0}}); }

TEST(CavpSuites, RfcX25519) { check_suite("rfc-x25519", {{"cavp/asymmetric/X25519/rfc7748.txt", 3, 0}}); }

TEST(CavpSuites, Ed25519Reference) {
  check_suite("ref-ed25519", {{"cavp/asymmetric/Ed25519/sign.input", 1024, 0}});
}

}  // namespace
}  // namespace meshsec::selftest::testing
