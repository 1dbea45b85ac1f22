// M2: a customer's masters as custody handles (host side).
//
// Custody object labels (CKA_LABEL), one place (cover keys and chain seeds have no master of
// their own: they are derived from the net master, keys/derivation_input.hpp master_purpose()):
//   prod: meshsec/prod/<customer>/master/<purpose>   meshsec/prod/<customer>/blob-signing
//   dev:  meshsec/dev/master/<purpose>               meshsec/dev/blob-signing
// Development masters are shared by all development customers (W9), so their labels carry
// no customer id.
//
// Custody rules enforced here, on creation and again on every lookup:
//   - a master is a 32-byte generic secret, sensitive, non-extractable, usable only to derive;
//   - the blob signing key is an Ed25519 pair whose private half is sensitive,
//     non-extractable and usable only to sign;
//   - production masters must have been generated inside custody (CKA_LOCAL); development
//     masters are the published bytes, imported.
// A lookup that finds an object breaking a rule refuses it (not_permitted) rather than use it.
#pragma once
#include <string>
#include <string_view>

#include "hsm/key_custody.hpp"
#include "keys/derivation_input.hpp"

namespace meshsec::keys {

struct CustomerMasters {
  hsm::ObjectHandle auth = hsm::invalid_handle;
  hsm::ObjectHandle enc = hsm::invalid_handle;
  hsm::ObjectHandle e2 = hsm::invalid_handle;
  hsm::ObjectHandle net = hsm::invalid_handle;
  hsm::ObjectHandle blob = hsm::invalid_handle;
  hsm::KeyPairHandles blob_signing;

  // The master that derives keys of `purpose` (cover, chain: net); invalid_handle for an
  // invalid purpose.
  [[nodiscard]] hsm::ObjectHandle master(KeyPurpose purpose) const noexcept;
};

// The label of the master that derives keys of `purpose`: cover keys and chain seeds name the
// net master's, since no cover or chain master exists.
[[nodiscard]] std::string master_object_label(Environment environment, std::string_view customer_id,
                                              KeyPurpose purpose);
[[nodiscard]] std::string blob_signing_object_label(Environment environment, std::string_view customer_id);

// Finds the customer's masters, creating those that are missing: prod ones generated
// inside, dev ones imported from the published bytes (the store must allow import).
// Idempotent. Errors: bad_argument (customer id), bad_template (more than one object under
// a master's label), not_permitted (an existing object breaks a custody rule, or import
// disabled for dev), and the store's errors.
[[nodiscard]] hsm::Result<CustomerMasters> provision_customer_masters(hsm::KeyStore& store, Environment environment,
                                                                     std::string_view customer_id);

// Finds existing masters only. Errors: not_found (any missing), and as above.
[[nodiscard]] hsm::Result<CustomerMasters> find_customer_masters(hsm::KeyStore& store, Environment environment,
                                                                 std::string_view customer_id);

}  // namespace meshsec::keys
