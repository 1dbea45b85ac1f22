// Deriving hierarchy keys inside custody (host side: factory, uploader, gateway back-end).
// Computes the same function as keys/key_derivation.hpp, with the master as a handle:
// KeyStore::derive_key(master, {HMAC-SHA256, Label, Context}) — the master never leaves.
#pragma once
#include <string>

#include "crypto/secret.hpp"
#include "hsm/key_custody.hpp"
#include "keys/customer_masters.hpp"
#include "keys/derivation_input.hpp"
#include "keys/key_id.hpp"
#include "keys/node_key_set.hpp"

namespace meshsec::keys {

// Custody label of a derived object: "meshsec/key/" + 16 hex digits of its key id.
[[nodiscard]] std::string derived_object_label(const KeyId& id);

// Derives a key that stays inside: sensitive and non-extractable whatever `usage` says;
// usage chooses what it may do (encrypt/decrypt for AEAD, sign/verify for CMAC).
// Errors: bad_argument (invalid input), and the store's errors.
[[nodiscard]] hsm::Result<hsm::ObjectHandle> derive_key_in_custody(hsm::KeyStore& store, hsm::ObjectHandle master,
                                                                   const DerivationInput& input, hsm::KeyUsage usage);

// Derives a key that leaves custody into a personalisation image (M6): the derived object
// is created extractable, read once and destroyed. The master stays inside.
[[nodiscard]] hsm::Result<crypto::SecretBytes> derive_key_for_export(hsm::KeyStore& store, hsm::ObjectHandle master,
                                                                     const DerivationInput& input);

// A node's whole key set, its cover keys included (and a gateway's chain seed), from
// custody; equal to derive_node_key_set() over literal masters, beacon_chain_rounds and
// beacon_anchor likewise left 0 for the caller. Errors: bad_argument (invalid key size, or a
// node id above max_mesh_node_id), and those of derive_key_for_export.
[[nodiscard]] hsm::Result<NodeKeySet> derive_node_key_set(hsm::KeyStore& store, const CustomerMasters& masters,
                                                          const CustomerContext& customer,
                                                          const NodeKeyRequest& request);

}  // namespace meshsec::keys
