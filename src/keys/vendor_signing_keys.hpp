// The firmware signing keys of the secure boot chain (W1) as custody key pairs (host side):
// the vendor root, which signs keystores and whose public key is the boot ROM's anchor,
// and the application signing keys.
//
// Custody object labels (CKA_LABEL), next to those of keys/customer_masters.hpp:
//   vendor root:      meshsec/vendor/prod/root          meshsec/vendor/dev/root
//   app signing:      meshsec/prod/<customer>/app-signing   meshsec/dev/app-signing
// The "meshsec/vendor/" prefix cannot meet a customer label (those start with the
// environment). W9: development devices share one development application key, so its
// label carries no customer id.
//
// Production pairs are generated inside custody (CKA_LOCAL); development pairs are the
// published, INSECURE development seeds (cli/customer_keys.hpp), imported so that the same
// code path signs inside the token. Every private half is sensitive, non-extractable and
// usable only to sign; a lookup that finds one breaking a rule refuses it (not_permitted).
#pragma once
#include <cstdint>
#include <span>
#include <string>
#include <string_view>

#include "hsm/key_custody.hpp"
#include "keys/derivation_input.hpp"

namespace meshsec::keys {

enum class VendorSigningKey : std::uint8_t {
  vendor_root = 0x01,  // signs keystores
  app_signing = 0x02,  // signs application images (per customer in prod, shared in dev)
};

// customer_id is used only for a production app signing key. Empty for an invalid
// argument.
[[nodiscard]] std::string vendor_signing_object_label(Environment environment, VendorSigningKey which,
                                                      std::string_view customer_id);

// Finds the pair. Errors: bad_argument, not_found, bad_template (objects under the label do
// not form one pair), not_permitted (a custody rule broken), and the store's errors.
[[nodiscard]] hsm::Result<hsm::KeyPairHandles> find_vendor_signing_key(hsm::KeyStore& store, Environment environment,
                                                                       VendorSigningKey which,
                                                                       std::string_view customer_id);

// Finds the pair or creates it: generated inside for prod, imported from dev_seed (32 bytes,
// ignored for prod) for dev, which needs an import-enabled store. Idempotent. Errors: as
// find_vendor_signing_key but not not_found; not_permitted when import is disabled.
[[nodiscard]] hsm::Result<hsm::KeyPairHandles> provision_vendor_signing_key(hsm::KeyStore& store,
                                                                            Environment environment,
                                                                            VendorSigningKey which,
                                                                            std::string_view customer_id,
                                                                            std::span<const std::uint8_t> dev_seed);

}  // namespace meshsec::keys
