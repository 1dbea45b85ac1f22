// The boot chain's signing keys in custody (keys/vendor_signing_keys.hpp) for the CLI:
// `factory init` creates them, `boot build` signs with them inside the HSM, `boot verify`
// reads the vendor root's public key. Development pairs are imported from the published
// development seeds (customer_keys.hpp). Host side; throws std::runtime_error at the edge.
#pragma once
#include <string>

#include "firmware/blob_signer.hpp"
#include "hsm/key_custody.hpp"
#include "keys/derivation_input.hpp"
#include "keys/vendor_signing_keys.hpp"

namespace meshsec::cli {

// create: find or create (a dev pair needs an import-enabled store); otherwise find only.
[[nodiscard]] hsm::KeyPairHandles boot_signing_key_in_custody(hsm::KeyStore& store, keys::Environment environment,
                                                              keys::VendorSigningKey which,
                                                              const std::string& customer, bool create);
[[nodiscard]] firmware::Ed25519PublicKey boot_signing_public_key(hsm::KeyStore& store,
                                                                 const hsm::KeyPairHandles& pair);

}  // namespace meshsec::cli
