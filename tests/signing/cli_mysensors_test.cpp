// `meshsec mysensors sign|verify|personalise`, run as a program.
#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <array>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <string>

#include "support/test_paths.hpp"

namespace {

struct Run {
  int code = -1;
  std::string out;
};

Run run(const std::string& args) {
  Run r;
  const std::string cmd = meshsec::testing::cli_path() + " " + args + " 2>/dev/null";
  FILE* p = ::popen(cmd.c_str(), "r");
  if (p == nullptr) return r;
  std::array<char, 512> buf{};
  while (std::fgets(buf.data(), buf.size(), p) != nullptr) r.out += buf.data();
  const int status = ::pclose(p);
  r.code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return r;
}

const std::string key = "--hmac-key 000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f";
const std::string nonce = " --nonce a0a1a2a3a4a5a6a7a8a9aaabacadaeafb0b1b2b3b4b5b6b7b8";

TEST(MysensorsCli, SignAndVerifyVectorV01) {
  if (!std::filesystem::exists(meshsec::testing::cli_path())) GTEST_SKIP() << "meshsec not built";
  const auto signed_frame = run("mysensors sign " + key + nonce + " --message 0101000a21020301");
  EXPECT_EQ(signed_frame.code, 0);
  EXPECT_EQ(signed_frame.out, "0101000e210203010134f8e0b8e4cc825b2058b3e8ed940a7360d84ac5752ddf\n");
  const auto salted = run("mysensors sign " + key + nonce + " --message 0101000a21020301 --serial 010203040506070809");
  EXPECT_EQ(salted.out, "0101000e2102030101c226534d2b7b73debe0fdcf200de2f186e11d96782a1c4\n");
  EXPECT_EQ(run("mysensors verify " + key + nonce +
                " --message 0101000e210203010134f8e0b8e4cc825b2058b3e8ed940a7360d84ac5752ddf")
                .code,
            0);
  const auto bad = run("mysensors verify --json " + key + nonce +
                       " --message 0101000e210203010134f8e0b8e4cc825b2058b3e8ed940a7360d84ac5752dde");
  EXPECT_EQ(bad.code, 1);
  EXPECT_NE(bad.out.find("\"reason\":\"bad_signature\""), std::string::npos);
  EXPECT_EQ(run("mysensors verify " + key + nonce + " --message 0101000a21020301").code, 1);  // unsigned
}

TEST(MysensorsCli, PersonaliseWritesImageWithChecksum) {
  if (!std::filesystem::exists(meshsec::testing::cli_path())) GTEST_SKIP() << "meshsec not built";
  const auto dir = std::filesystem::temp_directory_path() / ("meshsec-pers-" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  {
    std::ofstream keys(dir / "net.conf");
    keys << "soft_hmac_key=000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f\n"
            "aes_key=00000000000000000000000000000000\n";
  }
  const auto r = run("mysensors personalise --json --out " + (dir / "node.eep").string() + " --keys " +
                     (dir / "net.conf").string() + " --serial 010203040506070809");
  EXPECT_EQ(r.code, 0) << r.out;
  std::ifstream image(dir / "node.eep", std::ios::binary);
  std::vector<char> bytes((std::istreambuf_iterator<char>(image)), std::istreambuf_iterator<char>());
  ASSERT_EQ(bytes.size(), 1024U);
  EXPECT_EQ(static_cast<unsigned char>(bytes[282]), 0x73);
  EXPECT_EQ(static_cast<unsigned char>(bytes[355 + 31]), 0x1f);
  std::filesystem::remove_all(dir);
}

}  // namespace
