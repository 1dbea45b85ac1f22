// A fresh SoftHSM2 token in a temporary directory for one test process: its own
// softhsm2.conf (SOFTHSM2_CONF points at it before the module is loaded) and token
// directory, initialised through C_InitToken/C_InitPIN. Removed at the end.
#pragma once
#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <memory>
#include <string>

#include "hsm/pkcs11_key_store.hpp"
#include "hsm/pkcs11_module.hpp"

namespace meshsec::testing {

class Pkcs11TestToken {
 public:
  static constexpr const char* label = "meshsec-test";
  static constexpr const char* so_pin = "test-so-pin-1234";
  static constexpr const char* user_pin = "test-user-pin-1234";

  Pkcs11TestToken() {
    module_path_ = hsm::default_pkcs11_module();
    if (!std::filesystem::exists(module_path_)) return;
    dir_ = std::filesystem::temp_directory_path() / ("meshsec-p11-" + std::to_string(::getpid()) + "-" +
                                                     std::to_string(counter()++));
    std::filesystem::create_directories(dir_ / "tokens");
    std::ofstream(dir_ / "softhsm2.conf") << "directories.tokendir = " << (dir_ / "tokens").string()
                                          << "\nobjectstore.backend = file\nlog.level = ERROR\n"
                                             "slots.removable = false\n";
    ::setenv("SOFTHSM2_CONF", (dir_ / "softhsm2.conf").c_str(), 1);
    auto module = hsm::Pkcs11Module::load(module_path_);
    if (!module) {
      error_ = module.error().message();
      return;
    }
    module_ = module.value();
    auto slot = module_->init_token(label, so_pin, user_pin);
    if (!slot) {
      error_ = slot.error().message();
      return;
    }
    ready_ = true;
  }
  ~Pkcs11TestToken() {
    module_.reset();
    std::error_code ec;
    if (!dir_.empty()) std::filesystem::remove_all(dir_, ec);
  }
  Pkcs11TestToken(const Pkcs11TestToken&) = delete;
  Pkcs11TestToken& operator=(const Pkcs11TestToken&) = delete;

  [[nodiscard]] bool ready() const { return ready_; }
  [[nodiscard]] const std::string& error() const { return error_; }
  [[nodiscard]] const std::filesystem::path& dir() const { return dir_; }

  [[nodiscard]] hsm::Pkcs11Config config(bool allow_import = false) const {
    hsm::Pkcs11Config c;
    c.module_path = module_path_;
    c.token_label = label;
    c.user_pin = user_pin;
    c.allow_import = allow_import;
    return c;
  }
  [[nodiscard]] std::unique_ptr<hsm::Pkcs11KeyStore> open(bool allow_import = false) const {
    auto store = hsm::Pkcs11KeyStore::open(config(allow_import));
    EXPECT_TRUE(store.ok()) << (store.ok() ? "" : store.error().message());
    return store.ok() ? std::move(store).value() : nullptr;
  }

 private:
  static int& counter() {
    static int n = 0;
    return n;
  }
  std::string module_path_;
  std::filesystem::path dir_;
  std::shared_ptr<hsm::Pkcs11Module> module_;
  std::string error_;
  bool ready_ = false;
};

// Skips the test when no PKCS#11 module is installed; fails it when one is but the token
// cannot be made.
#define MESHSEC_REQUIRE_TOKEN(token)                                                      \
  do {                                                                                    \
    if (!std::filesystem::exists(::meshsec::hsm::default_pkcs11_module()))                \
      GTEST_SKIP() << "no PKCS#11 module at " << ::meshsec::hsm::default_pkcs11_module(); \
    ASSERT_TRUE((token).ready()) << (token).error();                                      \
  } while (0)

}  // namespace meshsec::testing
