#include "boot_signing_keys.hpp"

#include <algorithm>
#include <stdexcept>

#include "customer_keys.hpp"

namespace meshsec::cli {

hsm::KeyPairHandles boot_signing_key_in_custody(hsm::KeyStore& store, keys::Environment environment,
                                                keys::VendorSigningKey which, const std::string& customer,
                                                bool create) {
  const std::string label = keys::vendor_signing_object_label(environment, which, customer);
  hsm::Result<hsm::KeyPairHandles> pair = hsm::HsmError::not_found;
  if (!create) {
    pair = keys::find_vendor_signing_key(store, environment, which, customer);
  } else if (environment == keys::Environment::dev) {
    const DevVendorKeys dev = dev_vendor_keys();
    const auto seed = which == keys::VendorSigningKey::vendor_root ? dev.root_seed.span() : dev.dev_app_seed.span();
    pair = keys::provision_vendor_signing_key(store, environment, which, customer, seed);
  } else {
    pair = keys::provision_vendor_signing_key(store, environment, which, customer, {});
  }
  if (!pair) {
    std::string hint = pair.error() == hsm::HsmError::not_found ? " (run `meshsec factory init` for this environment)"
                                                                 : "";
    throw std::runtime_error("signing key " + label + ": " + std::string(hsm::to_string(pair.error())) + hint);
  }
  return pair.value();
}

firmware::Ed25519PublicKey boot_signing_public_key(hsm::KeyStore& store, const hsm::KeyPairHandles& pair) {
  auto bytes = store.public_key(pair.public_key);
  firmware::Ed25519PublicKey out{};
  if (!bytes || bytes.value().size() != out.size()) throw std::runtime_error("reading a signing public key");
  std::copy(bytes.value().begin(), bytes.value().end(), out.begin());
  return out;
}

}  // namespace meshsec::cli
