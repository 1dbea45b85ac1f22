// Where meshsec keeps its state and which PKCS#11 token the factory uses (host side).
//
//   MESHSEC_HOME           state directory; default ${XDG_DATA_HOME:-$HOME/.local/share}/meshsec
//   MESHSEC_PKCS11_MODULE  PKCS#11 module; default: SoftHSM2 found in its Debian location
//   MESHSEC_HSM_TOKEN      token label; default "meshsec-dev"
//   MESHSEC_HSM_PIN        user PIN; required for any token but the development one
//   SOFTHSM2_CONF          SoftHSM2 configuration; default $MESHSEC_HOME/softhsm/softhsm2.conf
//                          (the project's own token directory, never the system one)
//
// The development token "meshsec-dev" uses the published PINs below: DEVELOPMENT ONLY.
#pragma once
#include <filesystem>
#include <memory>
#include <string>

#include "hsm/pkcs11_key_store.hpp"

namespace meshsec::cli {

inline constexpr const char* dev_token_label = "meshsec-dev";
inline constexpr const char* dev_token_so_pin = "meshsec-dev-so-pin";      // development only
inline constexpr const char* dev_token_user_pin = "meshsec-dev-user-pin";  // development only

struct HsmSettings {
  std::filesystem::path home;
  std::string module_path;
  std::string token_label;
  std::string user_pin;  // never printed
  std::filesystem::path softhsm_conf;
  bool softhsm_conf_from_environment = false;
};

[[nodiscard]] std::filesystem::path meshsec_home();
// Reads the environment. Throws std::runtime_error when a production token has no PIN.
[[nodiscard]] HsmSettings load_hsm_settings();

// Writes $MESHSEC_HOME/softhsm/softhsm2.conf and the token directory when missing
// (idempotent) and points SOFTHSM2_CONF at it unless the environment already does.
void prepare_softhsm(const HsmSettings& settings);

// Opens the configured token and logs in; creates the development token first when it does
// not exist yet (C_InitToken/C_InitPIN). Throws std::runtime_error with the CKR_ code.
[[nodiscard]] std::unique_ptr<hsm::Pkcs11KeyStore> open_factory_store(const HsmSettings& settings, bool allow_import);

}  // namespace meshsec::cli
