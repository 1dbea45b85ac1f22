// `meshsec factory` run as a program against a real SoftHSM2 token that the program creates
// itself under a temporary MESHSEC_HOME (its own softhsm2.conf and token directory). Shared
// by the factory tests of the key hierarchy and of the mesh (the beacon chain the factory
// fixes); header only, so each test program links the rooms it tests.
#pragma once
#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>
#include <vector>

#include "crypto/random.hpp"
#include "keys/personalisation_image.hpp"
#include "support/test_paths.hpp"

namespace meshsec::testing {

inline std::vector<std::uint8_t> read_all(const std::filesystem::path& p) {
  std::ifstream in(p, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}
inline void write_all(const std::filesystem::path& p, const std::vector<std::uint8_t>& b) {
  std::ofstream(p, std::ios::binary)
      .write(reinterpret_cast<const char*>(b.data()), static_cast<std::streamsize>(b.size()));
}
inline std::string read_text(const std::filesystem::path& p) {
  std::ifstream in(p);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

class FactoryCliFixture : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!std::filesystem::exists("/usr/lib/softhsm/libsofthsm2.so") && std::getenv("MESHSEC_PKCS11_MODULE") == nullptr)
      GTEST_SKIP() << "no SoftHSM2";
    home_ = std::filesystem::temp_directory_path() / ("meshsec-factory-" + std::to_string(::getpid()));
    std::filesystem::remove_all(home_);
    std::filesystem::create_directories(home_);
  }
  void TearDown() override {
    std::error_code ec;
    if (!home_.empty()) std::filesystem::remove_all(home_, ec);
  }

  // Runs the CLI with its own MESHSEC_HOME and no inherited SoftHSM2/PIN settings.
  int run(const std::string& args, std::string* out = nullptr) {
    const std::filesystem::path log = home_ / "out.txt";
    const std::string cmd = "env -u SOFTHSM2_CONF -u MESHSEC_HSM_PIN -u MESHSEC_HSM_TOKEN MESHSEC_HOME='" +
                            home_.string() + "' '" + cli_path() + "' " + args + " >'" + log.string() + "' 2>&1";
    const int status = std::system(cmd.c_str());
    if (out != nullptr) *out = read_text(log);
    return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  }

  nlohmann::json run_json(const std::string& args) {
    std::string out;
    EXPECT_EQ(run(args + " --json", &out), 0) << out;
    return nlohmann::json::parse(out, nullptr, false);
  }

  std::filesystem::path make_blob(const std::string& customer, std::vector<std::uint8_t>& image,
                                  const std::string& name) {
    image.resize(3000);
    EXPECT_EQ(crypto::random_bytes(image), crypto::Status::ok);
    write_all(home_ / "image.bin", image);
    const std::filesystem::path blob = home_ / name;
    std::string out;
    EXPECT_EQ(run("factory seal --customer " + customer + " --image '" + (home_ / "image.bin").string() + "' --out '" +
                      blob.string() + "' --version 1.2.3 --product 7",
                  &out),
              0)
        << out;
    return blob;
  }

  keys::PersonalisationImage load_image(const std::filesystem::path& dir, std::uint32_t node) {
    keys::PersonalisationImage image;
    const auto bytes = read_all(dir / ("node-" + std::to_string(node) + ".mspi"));
    EXPECT_EQ(keys::parse_personalisation_image(bytes, image), keys::ImageError::ok);
    return image;
  }

  std::filesystem::path home_;
};

}  // namespace meshsec::testing
