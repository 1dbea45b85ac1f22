// Malformed, truncated and wrong vector files, written to a temporary folder: each must end
// as a failure entry that says what is wrong, never as a crash or an escaped exception.
#include <gtest/gtest.h>

#include <unistd.h>

#include <array>
#include <filesystem>
#include <fstream>
#include <string>

#include "crypto/aead.hpp"
#include "selftest/selftest_run.hpp"
#include "wire/hex.hpp"

namespace meshsec::selftest {
namespace {

namespace fs = std::filesystem;

class MalformedVectors : public ::testing::Test {
 protected:
  void SetUp() override {
    root_ = fs::temp_directory_path() / ("meshsec-malformed-" + std::to_string(::getpid()) + "-" +
                                         ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(root_);
    fs::create_directories(root_ / "shared" / "wycheproof");
    fs::create_directories(root_ / "cav");
  }
  void TearDown() override { fs::remove_all(root_); }

  void write(const fs::path& relative, const std::string& text) {
    const fs::path path = root_ / relative;
    fs::create_directories(path.parent_path());
    std::ofstream(path, std::ios::binary) << text;
  }
  SuiteContext context() const { return {root_ / "shared", root_ / "cav"}; }

  fs::path root_;
};

const FileResult* find(const SelftestRun& run, const std::string& file) {
  for (const auto& f : run.files)
    if (f.file == file) return &f;
  return nullptr;
}

// The file failed, and one of its details mentions `needle`.
void expect_failure(const SelftestRun& run, const std::string& file, const std::string& needle) {
  const FileResult* r = find(run, file);
  ASSERT_NE(r, nullptr) << file << " has no result";
  EXPECT_GT(r->failures, 0u) << file;
  bool found = false;
  for (const auto& d : r->failure_details) found = found || d.find(needle) != std::string::npos;
  std::string all;
  for (const auto& d : r->failure_details) all += "\n    " + d;
  EXPECT_TRUE(found) << file << ": no failure mentions \"" << needle << "\"; got:" << all;
}

// A Wycheproof AES-GCM test built from a real seal() under a fixed key, so the file's bytes
// are made here rather than copied from a vector set.
std::string gcm_test_json(int id, bool corrupt_tag) {
  const std::array<std::uint8_t, 16> key{1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16};
  const std::array<std::uint8_t, 12> iv{7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7};
  const std::array<std::uint8_t, 5> msg{'h', 'e', 'l', 'l', 'o'};
  std::array<std::uint8_t, 5> ct{};
  std::array<std::uint8_t, 16> tag{};
  crypto::AesAead aead;
  EXPECT_EQ(aead.init(crypto::AeadMode::gcm, key, 16), crypto::Status::ok);
  EXPECT_EQ(aead.seal(iv, {}, msg, ct, tag), crypto::Status::ok);
  if (corrupt_tag) tag[3] ^= 0x10;
  return "{\"tcId\":" + std::to_string(id) + ",\"flags\":[],\"key\":\"" + wire::to_hex(key) + "\",\"iv\":\"" +
         wire::to_hex(iv) + "\",\"aad\":\"\",\"msg\":\"" + wire::to_hex(msg) + "\",\"ct\":\"" + wire::to_hex(ct) +
         "\",\"tag\":\"" + wire::to_hex(tag) + "\",\"result\":\"valid\"}";
}

TEST_F(MalformedVectors, WycheproofFilesGiveClearFailures) {
  write("shared/wycheproof/aes_ccm_test.json", "{ \"testGroups\": [ {\"tests\": [");
  write("shared/wycheproof/aes_gcm_test.json",
        "{\"numberOfTests\": 7, \"testGroups\": [{\"ivSize\":96,\"keySize\":128,\"tagSize\":128,\"tests\":[" +
            gcm_test_json(1, false) + "," + gcm_test_json(2, true) +
            ",{\"tcId\":3,\"key\":\"00\",\"iv\":\"00\",\"aad\":\"\",\"msg\":\"\",\"ct\":\"\",\"result\":\"valid\"}"
            ",{\"tcId\":4,\"key\":\"00\",\"iv\":\"abc\",\"aad\":\"\",\"msg\":\"\",\"ct\":\"\",\"tag\":\"00\","
            "\"result\":\"invalid\"}"
            ",{\"tcId\":5,\"key\":\"00\",\"iv\":\"00\",\"aad\":\"\",\"msg\":\"\",\"ct\":\"\",\"tag\":\"00\","
            "\"result\":\"maybe\"}"
            ",{\"tcId\":6,\"key\":17,\"iv\":\"00\",\"aad\":\"\",\"msg\":\"\",\"ct\":\"\",\"tag\":\"00\","
            "\"result\":\"invalid\"}"
            "]}]}");
  write("shared/wycheproof/aes_cmac_test.json", "{\"numberOfTests\": 0}");
  write("shared/wycheproof/hmac_sha256_test.json", "{\"testGroups\": 5}");
  write("shared/wycheproof/hkdf_sha256_test.json", "{\"testGroups\": [{\"tests\": \"none\"}]}");
  write("shared/wycheproof/x25519_test.json",
        "{\"testGroups\": [{\"tests\": [{\"tcId\": 1, \"public\": \"00\", \"private\": \"00\", \"shared\": \"00\", "
        "\"result\": \"valid\"}]}, {\"curve\": \"curve25519\", \"tests\": [{\"tcId\": 2, \"public\": \"" +
            std::string(62, '1') + "\", \"private\": \"" + std::string(64, '2') + "\", \"shared\": \"" +
            std::string(64, '3') + "\", \"result\": \"valid\"}]}]}");
  write("shared/wycheproof/ed25519_test.json", "");
  write("shared/wycheproof/ecdsa_secp256r1_sha256_test.json", "{\"testGroups\": []}");
  // ecdh_secp256r1_test.json is missing altogether.

  SelftestRun run;
  ASSERT_NO_THROW(run = run_suites(context()));
  expect_failure(run, "wycheproof/aes_ccm_test.json", "bad JSON");
  expect_failure(run, "wycheproof/aes_gcm_test.json", "tcId 2: seal: tag differs");
  expect_failure(run, "wycheproof/aes_gcm_test.json", "tcId 3: missing field 'tag'");
  expect_failure(run, "wycheproof/aes_gcm_test.json", "tcId 4: field 'iv' is not valid hex");
  expect_failure(run, "wycheproof/aes_gcm_test.json", "tcId 5: unknown result \"maybe\"");
  expect_failure(run, "wycheproof/aes_gcm_test.json", "tcId 6: field 'key' is not a string");
  expect_failure(run, "wycheproof/aes_gcm_test.json", "numberOfTests 7 but holds 6");
  const FileResult* gcm = find(run, "wycheproof/aes_gcm_test.json");
  ASSERT_NE(gcm, nullptr);
  EXPECT_EQ(gcm->valid_passed, 1u);  // tcId 1 is a good vector and still runs
  expect_failure(run, "wycheproof/aes_cmac_test.json", "missing field 'testGroups'");
  expect_failure(run, "wycheproof/hmac_sha256_test.json", "field 'testGroups' is not an array");
  expect_failure(run, "wycheproof/hkdf_sha256_test.json", "group 0: field 'tests' is not an array");
  expect_failure(run, "wycheproof/x25519_test.json", "tcId 1: missing field 'curve'");
  expect_failure(run, "wycheproof/x25519_test.json", "tcId 2: field 'public' has 31 bytes");
  expect_failure(run, "wycheproof/ed25519_test.json", "bad JSON");
  expect_failure(run, "wycheproof/ecdsa_secp256r1_sha256_test.json", "no tests found");
  expect_failure(run, "wycheproof/ecdh_secp256r1_test.json", "file not found");
  EXPECT_GT(run.failures, 0u);
}

TEST_F(MalformedVectors, CavpFilesGiveClearFailures) {
  write("cav/ciphers/AES/CCM/DVPT128.rsp",
        "#  CAVS 11.0\n[Alen = 0, Plen = 0, Nlen = 7, Tlen = 4]\n\nKey = 4ae701103c63deca5b5a3939d7d05992\n\n"
        "Count = 0\nNonce = 5a8aa485c316e9\nAdata = 00\nResult = Pass\nPayload = 00\n\n"
        "Count = 1\nNonce = 5a8aa485c316e9\nAdata = 00\nCT = 02209f55\nResult = Maybe\n\n"
        "Count = 2\nNonce = 5a8aa485c316\nAdata = 00\nCT = 02209f55\nResult = Fail\n");
  write("cav/ciphers/AES/CCM/VADT128.rsp", "Plen = 24\n[Alen = 0\nKey = 00\n");
  write("cav/ciphers/AES/CCM/VNT128.rsp", "Alen = 32\n[Nlen = 7]\n!!!\n");
  write("cav/ciphers/AES/CCM/VPT128.rsp", "");
  write("cav/ciphers/AES/GCM/gcmDecrypt128.rsp",
        "[Keylen = 128]\n[IVlen = 96]\n[PTlen = 0]\n[AADlen = 0]\n[Taglen = 128]\n\nCount = 0\n"
        "Key = cf063a34d4a9a76c2c86787d3f96db71\nIV = 113b9785971864c83b01c787\nCT = \nAAD = \nTag = 72ac8\nPT = \n");
  write("cav/CMAC/nist-800-38b-aes128.txt", "COUNT = 0\nKEY = 2b7e151628aed2a6abf7158809cf4f3c\nMESSAGE =\n");
  write("cav/KDF/nist-800-108-KBKDF-CTR.txt",
        "[PRF=CMAC_AES128]\n[CTRLOCATION=SIDEWAYS]\n[RLEN=8_BITS]\n\nCOUNT=0\nL = 128\nKI = 00\nKO = 00\n\n"
        "[PRF=HMAC_SHA256]\n[CTRLOCATION=BEFORE_FIXED]\n[RLEN=eight]\n\nCOUNT=0\nL = 128\nKI = 00\nKO = 00\n");
  write("cav/HMAC/rfc-4231-sha256.txt", "Len = 64\nKey = 0b0b\nMsg = 4869\nMD = b034\n");
  write("cav/KDF/rfc-5869-HKDF-SHA256.txt", "COUNT = 1\nHash = SHA-256\nIKM = 0b\nsalt =\ninfo =\nL = 42\nPRK = 00\n");
  write("cav/asymmetric/X25519/rfc7748.txt", "COUNT = 1\nINPUT_SCALAR = a546\nINPUT_U = e6db\nOUTPUT_U = c3da\n");
  write("cav/asymmetric/Ed25519/sign.input", "abc:def\n" + std::string(128, 'z') + ":00:00:00:\n");

  SelftestRun run;
  ASSERT_NO_THROW(run = run_suites(context()));
  expect_failure(run, "cavp/ciphers/AES/CCM/DVPT128.rsp", "Count 0 (line 6): missing field 'CT'");
  expect_failure(run, "cavp/ciphers/AES/CCM/DVPT128.rsp", "Count 1 (line 12): unknown Result \"Maybe\"");
  expect_failure(run, "cavp/ciphers/AES/CCM/DVPT128.rsp", "Count 2 (line 18): field 'Nonce' has 6 bytes");
  expect_failure(run, "cavp/ciphers/AES/CCM/VADT128.rsp", "line 2: unterminated section header");
  expect_failure(run, "cavp/ciphers/AES/CCM/VNT128.rsp", "line 3: not a \"Name = value\" line");
  expect_failure(run, "cavp/ciphers/AES/CCM/VPT128.rsp", "no 'Count' record found");
  expect_failure(run, "cavp/ciphers/AES/CCM/VTT128.rsp", "file not found");
  expect_failure(run, "cavp/ciphers/AES/GCM/gcmDecrypt128.rsp", "field 'Tag' is not valid hex");
  expect_failure(run, "cavp/CMAC/nist-800-38b-aes128.txt", "missing field 'OUTPUT'");
  expect_failure(run, "cavp/KDF/nist-800-108-KBKDF-CTR.txt", "unknown CTRLOCATION \"SIDEWAYS\"");
  expect_failure(run, "cavp/KDF/nist-800-108-KBKDF-CTR.txt", "field 'RLEN' is not \"<n>_BITS\"");
  expect_failure(run, "cavp/HMAC/rfc-4231-sha256.txt", "Len = 64 bits");
  expect_failure(run, "cavp/KDF/rfc-5869-HKDF-SHA256.txt", "missing field 'OKM'");
  expect_failure(run, "cavp/asymmetric/X25519/rfc7748.txt", "field 'INPUT_SCALAR' has 2 bytes");
  expect_failure(run, "cavp/asymmetric/Ed25519/sign.input", "line 1: expected \"sk||pk:pk:msg:sig||msg:\"");
  expect_failure(run, "cavp/asymmetric/Ed25519/sign.input", "line 2: field 'sk||pk' is not valid hex");
}

TEST_F(MalformedVectors, MissingCryptographyVectorsIsAFailureThatSaysSo) {
  SuiteContext c = context();
  c.cryptography_vectors = root_ / "not-installed";
  SelftestRun run;
  ASSERT_NO_THROW(run = run_suites(c, {"cavp-aes-ccm", "cavp-cmac"}));
  ASSERT_EQ(run.files.size(), 18u);
  for (const auto& f : run.files) {
    EXPECT_EQ(f.failures, 1u) << f.file;
    ASSERT_FALSE(f.failure_details.empty());
    EXPECT_NE(f.failure_details[0].find("python3-cryptography-vectors"), std::string::npos) << f.failure_details[0];
  }
}

TEST_F(MalformedVectors, AbsentSharedFolderReportsNothing) {
  SuiteContext c = context();
  c.shared_vectors.clear();
  SelftestRun run = run_suites(c, {"wycheproof-aead", "wycheproof-ecdh-p256"});
  EXPECT_TRUE(run.files.empty());
  EXPECT_EQ(run.failures, 0u);
  c.shared_vectors = root_ / "elsewhere";  // exists nowhere
  run = run_suites(c, {"wycheproof-aead"});
  EXPECT_TRUE(run.files.empty());
}

TEST_F(MalformedVectors, UnknownSuiteNameIsAFailure) {
  const SelftestRun run = run_suites(context(), {"no-such-suite"});
  ASSERT_EQ(run.files.size(), 1u);
  EXPECT_EQ(run.failures, 1u);
}

}  // namespace
}  // namespace meshsec::selftest
