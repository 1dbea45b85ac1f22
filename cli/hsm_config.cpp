#include "hsm_config.hpp"

#include <cstdlib>
#include <fstream>
#include <stdexcept>

namespace meshsec::cli {
namespace {

std::string env_or(const char* name, const std::string& fallback) {
  const char* v = std::getenv(name);
  return v != nullptr && *v != '\0' ? std::string(v) : fallback;
}

}  // namespace

std::filesystem::path meshsec_home() {
  if (const char* v = std::getenv("MESHSEC_HOME"); v != nullptr && *v != '\0') return v;
  std::filesystem::path data;
  if (const char* x = std::getenv("XDG_DATA_HOME"); x != nullptr && *x != '\0') {
    data = x;
  } else {
    data = std::filesystem::path(env_or("HOME", ".")) / ".local" / "share";
  }
  return data / "meshsec";
}

HsmSettings load_hsm_settings() {
  HsmSettings s;
  s.home = meshsec_home();
  s.module_path = hsm::default_pkcs11_module();
  s.token_label = env_or("MESHSEC_HSM_TOKEN", dev_token_label);
  s.user_pin = env_or("MESHSEC_HSM_PIN", "");
  if (s.user_pin.empty()) {
    if (s.token_label != dev_token_label)
      throw std::runtime_error("token \"" + s.token_label + "\" needs its user PIN in MESHSEC_HSM_PIN");
    s.user_pin = dev_token_user_pin;
  }
  if (const char* conf = std::getenv("SOFTHSM2_CONF"); conf != nullptr && *conf != '\0') {
    s.softhsm_conf = conf;
    s.softhsm_conf_from_environment = true;
  } else {
    s.softhsm_conf = s.home / "softhsm" / "softhsm2.conf";
  }
  return s;
}

void prepare_softhsm(const HsmSettings& settings) {
  if (settings.softhsm_conf_from_environment) return;
  const auto dir = settings.softhsm_conf.parent_path();
  std::filesystem::create_directories(dir / "tokens");
  std::filesystem::permissions(dir, std::filesystem::perms::owner_all, std::filesystem::perm_options::replace);
  if (!std::filesystem::exists(settings.softhsm_conf)) {
    std::ofstream out(settings.softhsm_conf);
    out << "# meshsec's own SoftHSM2 token store (scripts/hsm-token.sh, docs/factory.md)\n"
        << "directories.tokendir = " << (dir / "tokens").string() << "\n"
        << "objectstore.backend = file\nlog.level = ERROR\nslots.removable = false\n";
    if (!out) throw std::runtime_error("cannot write " + settings.softhsm_conf.string());
  }
  ::setenv("SOFTHSM2_CONF", settings.softhsm_conf.c_str(), 1);
}

std::unique_ptr<hsm::Pkcs11KeyStore> open_factory_store(const HsmSettings& settings, bool allow_import) {
  prepare_softhsm(settings);
  auto module = hsm::Pkcs11Module::load(settings.module_path);
  if (!module) throw std::runtime_error("PKCS#11 module: " + module.error().message());
  if (auto slot = module.value()->find_token(settings.token_label); !slot) {
    if (settings.token_label != dev_token_label)
      throw std::runtime_error("no token \"" + settings.token_label + "\" in " + settings.module_path);
    auto made = module.value()->init_token(dev_token_label, dev_token_so_pin, dev_token_user_pin);
    if (!made) throw std::runtime_error("creating the development token: " + made.error().message());
  }
  hsm::Pkcs11Config config;
  config.module_path = settings.module_path;
  config.token_label = settings.token_label;
  config.user_pin = settings.user_pin;
  config.allow_import = allow_import;
  auto store = hsm::Pkcs11KeyStore::open(config);
  if (!store) throw std::runtime_error("opening token \"" + settings.token_label + "\": " + store.error().message());
  return std::move(store).value();
}

}  // namespace meshsec::cli
