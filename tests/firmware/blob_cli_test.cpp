// The `meshsec blob` and `meshsec boot` commands end to end, run as the real program.
#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>

#include <sys/wait.h>
#include <unistd.h>

#include "support/test_paths.hpp"

namespace {

namespace fs = std::filesystem;

class FirmwareCliTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("meshsec_fw_cli_" + std::to_string(::getpid()) + "_" +
                                        ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::create_directories(dir_);
    std::ofstream app(path("app.bin"), std::ios::binary);
    for (int i = 0; i < 3000; ++i) app.put(static_cast<char>(i * 7));
  }
  void TearDown() override { fs::remove_all(dir_); }
  std::string path(const std::string& name) const { return (dir_ / name).string(); }
  // Exit status of `meshsec <args>` (output discarded).
  int run(const std::string& args) const {
    const std::string cmd = meshsec::testing::cli_path() + " " + args + " > " + path("out.txt") + " 2>&1";
    const int status = std::system(cmd.c_str());
    return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  }
  fs::path dir_;
};

TEST_F(FirmwareCliTest, BlobBuildVerifyDecrypt) {
  ASSERT_EQ(run("blob build --customer acme --version 1.2.0 --security-counter 3 --chunk-size 100 --in " +
                path("app.bin") + " --out " + path("a.blob")),
            0);
  EXPECT_EQ(run("blob inspect --json " + path("a.blob")), 0);
  EXPECT_EQ(run("blob verify --customer acme " + path("a.blob")), 0);
  EXPECT_EQ(run("blob verify --customer acme --installed-version 1.2.0 --installed-counter 3 " + path("a.blob")), 0);
  ASSERT_EQ(run("blob decrypt --customer acme --in " + path("a.blob") + " --out " + path("plain.bin")), 0);
  EXPECT_EQ(fs::file_size(path("plain.bin")), 3000U);
}

TEST_F(FirmwareCliTest, BlobAttacksFailWithNonZeroExit) {
  ASSERT_EQ(run("blob build --customer acme --version 1.2.0 --in " + path("app.bin") + " --out " + path("a.blob")), 0);
  EXPECT_EQ(run("blob verify --customer acme --installed-version 1.3.0 " + path("a.blob")), 1);  // rollback
  EXPECT_EQ(run("blob verify --customer acme --installed-counter 1 " + path("a.blob")), 1);       // counter
  EXPECT_EQ(run("blob verify --customer globex " + path("a.blob")), 1);                          // other customer
  EXPECT_EQ(run("blob decrypt --customer globex --in " + path("a.blob") + " --out " + path("x.bin")), 1);
  {
    std::fstream f(path("a.blob"), std::ios::in | std::ios::out | std::ios::binary);
    f.seekp(500);
    f.put('\x55');
  }
  EXPECT_EQ(run("blob verify --customer acme " + path("a.blob")), 1);  // tampered chunk
}

TEST_F(FirmwareCliTest, BootChainStepByStep) {
  ASSERT_EQ(run("boot build --customer acme --environment prod --version 2.0.0 --security-counter 4 --in " +
                path("app.bin") + " --out " + path("prod.img")),
            0);
  ASSERT_EQ(run("boot build --customer acme --environment dev --version 2.0.0 --in " + path("app.bin") + " --out " +
                path("dev.img")),
            0);
  EXPECT_EQ(run("boot verify --json --customer acme " + path("prod.img")), 0);
  EXPECT_EQ(run("boot verify " + path("dev.img")), 1);             // dev chain on a prod-locked device
  EXPECT_EQ(run("boot verify --lock dev " + path("dev.img")), 0);  // fine on a development device
  EXPECT_EQ(run("boot verify --installed-counter 5 " + path("prod.img")), 1);
  EXPECT_EQ(run("boot verify --customer globex " + path("prod.img")), 1);
  EXPECT_EQ(run("boot verify --vendor-key " + std::string(64, 'a') + " " + path("prod.img")), 1);
}

}  // namespace
