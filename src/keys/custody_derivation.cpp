#include "keys/custody_derivation.hpp"

#include <algorithm>

#include "keys/derivation_label.hpp"
#include "wire/hex.hpp"

namespace meshsec::keys {
namespace {

struct Prepared {
  DerivationLabel label;
  KeyId id{};
};

hsm::Result<Prepared> prepare(const DerivationInput& input) {
  Prepared p;
  if (encode_derivation_label(input, p.label) != KeyError::ok) return hsm::HsmError::bad_argument;
  if (compute_key_id(p.label, p.id) != KeyError::ok) return hsm::HsmError::backend_failure;
  return p;
}

hsm::KeyTemplate derived_template(const Prepared& p, hsm::KeyUsage usage) {
  hsm::KeyTemplate t;
  t.label = derived_object_label(p.id);
  t.type = p.label.key_size() == KeySize::bits128 ? hsm::KeyType::aes128 : hsm::KeyType::aes256;
  t.usage = usage;
  return t;
}

hsm::Result<hsm::ObjectHandle> derive_object(hsm::KeyStore& store, hsm::ObjectHandle master, const Prepared& p,
                                             hsm::KeyUsage usage) {
  hsm::DeriveParams params;
  params.prf = hsm::MacMechanism::hmac_sha256;
  params.label = p.label.label();
  params.context = p.label.context();
  return store.derive_key(master, params, derived_template(p, usage));
}

}  // namespace

std::string derived_object_label(const KeyId& id) { return "meshsec/key/" + wire::to_hex(id); }

hsm::Result<hsm::ObjectHandle> derive_key_in_custody(hsm::KeyStore& store, hsm::ObjectHandle master,
                                                     const DerivationInput& input, hsm::KeyUsage usage) {
  auto p = prepare(input);
  if (!p) return p.error();
  usage.sensitive = true;
  usage.extractable = false;
  return derive_object(store, master, p.value(), usage);
}

hsm::Result<crypto::SecretBytes> derive_key_for_export(hsm::KeyStore& store, hsm::ObjectHandle master,
                                                       const DerivationInput& input) {
  auto p = prepare(input);
  if (!p) return p.error();
  hsm::KeyUsage usage;
  usage.sensitive = false;
  usage.extractable = true;
  usage.encrypt = true;
  usage.decrypt = true;
  auto handle = derive_object(store, master, p.value(), usage);
  if (!handle) return handle.error();
  auto value = store.export_secret(handle.value());
  auto destroyed = store.destroy(handle.value());
  if (!value) return value.error();
  if (!destroyed) return destroyed.error();
  return value;
}

hsm::Result<NodeKeySet> derive_node_key_set(hsm::KeyStore& store, const CustomerMasters& masters,
                                            const CustomerContext& customer, const NodeKeyRequest& request) {
  NodeKeySet out;
  out.node_id = request.node_id;
  out.key_size = customer.key_size;
  out.key_version = request.key_version;
  out.network_id = request.network_id;
  out.network_key_index = request.network_key_index;
  out.has_blob_decryption_key = request.gateway;
  out.blob_key_version = request.gateway ? request.blob_key_version : 0;
  if (!is_valid(customer.key_size)) return hsm::HsmError::bad_argument;
  // Every node holds its path in the cover tree; an id past the mesh's can hold none.
  if (!is_mesh_node_id(request.node_id)) return hsm::HsmError::bad_argument;

  auto verification = store.public_key(masters.blob_signing.public_key);
  if (!verification) return verification.error();
  if (verification.value().size() != out.blob_verification_key.size()) return hsm::HsmError::bad_argument;
  std::copy(verification.value().begin(), verification.value().end(), out.blob_verification_key.begin());

  for (KeyPurpose purpose : {KeyPurpose::auth, KeyPurpose::enc, KeyPurpose::e2, KeyPurpose::net, KeyPurpose::blob}) {
    std::span<std::uint8_t> dst = out.key(purpose);
    if (dst.empty()) continue;  // blob key on a non-gateway
    auto value = derive_key_for_export(store, masters.master(purpose), node_key_input(customer, request, purpose));
    if (!value) return value.error();  // `out` wipes itself on destruction
    if (value.value().size() != dst.size()) return hsm::HsmError::backend_failure;
    std::copy(value.value().span().begin(), value.value().span().end(), dst.begin());
  }
  for (unsigned level = 0; level <= cover_depth; ++level) {
    std::span<std::uint8_t> dst = out.cover_key(level);
    auto value =
        derive_key_for_export(store, masters.master(KeyPurpose::cover), cover_key_input(customer, request, level));
    if (!value) return value.error();
    if (value.value().size() != dst.size()) return hsm::HsmError::backend_failure;
    std::copy(value.value().span().begin(), value.value().span().end(), dst.begin());
  }
  if (request.gateway) {
    auto value = derive_key_for_export(store, masters.master(KeyPurpose::chain),
                                       node_key_input(customer, request, KeyPurpose::chain));
    if (!value) return value.error();
    if (value.value().size() != out.beacon_chain_seed.size()) return hsm::HsmError::backend_failure;
    out.beacon_chain_seed.assign(std::span<const std::uint8_t, beacon_chain_seed_size>(value.value().span().data(),
                                                                                      beacon_chain_seed_size));
  }
  return out;
}

}  // namespace meshsec::keys
