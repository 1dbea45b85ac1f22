// The `meshsec blob` and `meshsec boot` commands end to end, run as the real program
// against a real SoftHSM2 token that the program creates under a temporary MESHSEC_HOME:
// blobs are sealed, opened and signed inside the token with the custody keys that
// `meshsec factory init` creates; verification needs only public keys.
#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>
#include <vector>

#include <sys/wait.h>
#include <unistd.h>

#include "support/test_paths.hpp"

namespace {

namespace fs = std::filesystem;

std::vector<char> read_all(const std::string& p) {
  std::ifstream in(p, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

class FirmwareCliTest : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!fs::exists("/usr/lib/softhsm/libsofthsm2.so") && std::getenv("MESHSEC_PKCS11_MODULE") == nullptr)
      GTEST_SKIP() << "no SoftHSM2";
    dir_ = fs::temp_directory_path() / ("meshsec_fw_cli_" + std::to_string(::getpid()) + "_" +
                                        ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir_);
    fs::create_directories(dir_);
    std::ofstream app(path("app.bin"), std::ios::binary);
    for (int i = 0; i < 3000; ++i) app.put(static_cast<char>(i * 7));
  }
  void TearDown() override {
    std::error_code ec;
    if (!dir_.empty()) fs::remove_all(dir_, ec);
  }
  std::string path(const std::string& name) const { return (dir_ / name).string(); }
  // Exit status of `meshsec <args>` with its own MESHSEC_HOME and no inherited token settings.
  int run(const std::string& args, std::string* out = nullptr) const {
    const std::string cmd = "env -u SOFTHSM2_CONF -u MESHSEC_HSM_PIN -u MESHSEC_HSM_TOKEN MESHSEC_HOME='" +
                            path("home") + "' '" + meshsec::testing::cli_path() + "' " + args + " > '" +
                            path("out.txt") + "' 2>&1";
    const int status = std::system(cmd.c_str());
    std::ifstream in(path("out.txt"));
    std::stringstream ss;
    ss << in.rdbuf();
    if (out != nullptr) *out = ss.str();
    return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  }
  nlohmann::json run_json(const std::string& args) const {
    std::string out;
    EXPECT_EQ(run(args + " --json", &out), 0) << out;
    return nlohmann::json::parse(out, nullptr, false);
  }
  fs::path dir_;
};

TEST_F(FirmwareCliTest, BlobBuildVerifyDecryptInsideTheToken) {
  ASSERT_EQ(run("factory init --customer acme --env prod"), 0);
  std::string out;
  ASSERT_EQ(run("blob build --customer acme --version 1.2.0 --security-counter 3 --chunk-size 100 --in " +
                    path("app.bin") + " --out " + path("a.blob"),
                &out),
            0)
      << out;
  EXPECT_EQ(run("blob inspect --json " + path("a.blob")), 0);
  const auto verified = run_json("blob verify --customer acme " + path("a.blob"));
  EXPECT_EQ(verified["ok"], true);
  EXPECT_EQ(verified["key_source"], "record");
  EXPECT_EQ(run("blob verify --customer acme --installed-version 1.2.0 --installed-counter 3 " + path("a.blob")), 0);
  // A node holds only the verification key.
  const std::string key = verified["verification_key"].get<std::string>();
  EXPECT_EQ(run("blob verify --customer acme --verification-key " + key + " " + path("a.blob")), 0);
  ASSERT_EQ(run("blob decrypt --customer acme --in " + path("a.blob") + " --out " + path("plain.bin"), &out), 0) << out;
  EXPECT_EQ(read_all(path("plain.bin")), read_all(path("app.bin")));
  // Without the record the public key comes from the token's blob signing pair.
  fs::remove(fs::path(path("home")) / "factory" / "acme" / "prod.json");
  const auto from_token = run_json("blob verify --customer acme --env prod " + path("a.blob"));
  EXPECT_EQ(from_token["key_source"], "custody");
  EXPECT_EQ(from_token["verification_key"], key);
}

// The header names the blob key by its derivation-based id (docs/keys.md), the same for
// `blob build` and `factory seal`, so each reads the other's blobs.
TEST_F(FirmwareCliTest, FactorySealedBlobVerifiesAndDecrypts) {
  ASSERT_EQ(run("factory init --customer acme --env dev"), 0);
  ASSERT_EQ(run("factory seal --customer acme --image " + path("app.bin") + " --out " + path("s.blob") +
                " --version 2.0.0"),
            0);
  ASSERT_EQ(run("blob build --customer acme --version 2.0.0 --in " + path("app.bin") + " --out " + path("b.blob")), 0);
  const auto sealed = run_json("blob inspect " + path("s.blob"));
  const auto built = run_json("blob inspect " + path("b.blob"));
  EXPECT_EQ(sealed["encryption_key_id"], built["encryption_key_id"]);
  EXPECT_EQ(run("blob verify --customer acme " + path("s.blob")), 0);
  ASSERT_EQ(run("blob decrypt --customer acme --in " + path("s.blob") + " --out " + path("plain.bin")), 0);
  EXPECT_EQ(read_all(path("plain.bin")), read_all(path("app.bin")));
  // Another blob key version is another key: refused before anything is decrypted.
  EXPECT_EQ(run("blob decrypt --customer acme --blob-key-version 2 --in " + path("s.blob") + " --out " +
                path("x.bin")),
            1);
  EXPECT_FALSE(fs::exists(path("x.bin")));
}

TEST_F(FirmwareCliTest, BlobAttacksFailWithNonZeroExit) {
  ASSERT_EQ(run("factory init --customer acme --env prod"), 0);
  const auto globex = run_json("factory init --customer globex --env prod");
  ASSERT_EQ(run("blob build --customer acme --version 1.2.0 --in " + path("app.bin") + " --out " + path("a.blob")), 0);
  EXPECT_EQ(run("blob verify --customer acme --installed-version 1.3.0 " + path("a.blob")), 1);  // rollback
  EXPECT_EQ(run("blob verify --customer acme --installed-counter 1 " + path("a.blob")), 1);       // counter
  EXPECT_EQ(run("blob verify --customer globex " + path("a.blob")), 1);                          // other customer
  EXPECT_EQ(run("blob decrypt --customer globex --in " + path("a.blob") + " --out " + path("x.bin")), 1);
  EXPECT_FALSE(fs::exists(path("x.bin")));
  // acme's tag with globex's verification key: the signature does not verify.
  EXPECT_EQ(run("blob verify --customer acme --verification-key " +
                globex["blob_verification_key"].get<std::string>() + " " + path("a.blob")),
            1);
  auto bytes = read_all(path("a.blob"));
  bytes[bytes.size() - 5] = static_cast<char>(bytes[bytes.size() - 5] ^ 1);
  std::ofstream(path("a.blob"), std::ios::binary).write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
  EXPECT_EQ(run("blob verify --customer acme " + path("a.blob")), 1);  // tampered chunk
  EXPECT_EQ(run("blob decrypt --customer acme --in " + path("a.blob") + " --out " + path("y.bin")), 1);
  EXPECT_FALSE(fs::exists(path("y.bin")));
}

TEST_F(FirmwareCliTest, BootChainStepByStepWithKeysInTheToken) {
  ASSERT_EQ(run("factory init --customer acme --env prod"), 0);
  ASSERT_EQ(run("factory init --customer devco --env dev"), 0);  // brings the development vendor keys
  std::string out;
  ASSERT_EQ(run("boot build --customer acme --environment prod --version 2.0.0 --security-counter 4 --in " +
                    path("app.bin") + " --out " + path("prod.img"),
                &out),
            0)
      << out;
  ASSERT_EQ(run("boot build --customer acme --environment dev --version 2.0.0 --in " + path("app.bin") + " --out " +
                    path("dev.img"),
                &out),
            0)
      << out;
  EXPECT_EQ(run("boot verify --json --customer acme " + path("prod.img")), 0);
  EXPECT_EQ(run("boot verify " + path("dev.img")), 1);             // dev chain on a prod-locked device
  EXPECT_EQ(run("boot verify --lock dev " + path("dev.img")), 0);  // fine on a development device
  EXPECT_EQ(run("boot verify --lock dev " + path("prod.img")), 1); // prod keystore under the dev root
  EXPECT_EQ(run("boot verify --installed-counter 5 " + path("prod.img")), 1);
  EXPECT_EQ(run("boot verify --customer globex " + path("prod.img")), 1);
  EXPECT_EQ(run("boot verify --vendor-key " + std::string(64, 'a') + " " + path("prod.img")), 1);
  // The development vendor root signs nothing a production-rooted device boots.
  ASSERT_EQ(run("boot build --customer acme --environment prod --vendor-root dev --version 2.0.0 --in " +
                path("app.bin") + " --out " + path("devroot.img")),
            0);
  EXPECT_EQ(run("boot verify " + path("devroot.img")), 1);
}

}  // namespace
