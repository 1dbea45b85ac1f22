#include "keys/node_key_set.hpp"

namespace meshsec::keys {
namespace {

crypto::SecretArray<max_key_bytes>* slot(NodeKeySet& set, KeyPurpose purpose) noexcept {
  switch (purpose) {
    case KeyPurpose::auth: return &set.auth_key;
    case KeyPurpose::enc: return &set.enc_key;
    case KeyPurpose::e2: return &set.e2_key;
    case KeyPurpose::net: return &set.network_key;
    case KeyPurpose::blob: return set.has_blob_decryption_key ? &set.blob_decryption_key : nullptr;
  }
  return nullptr;
}

}  // namespace

std::span<std::uint8_t> NodeKeySet::key(KeyPurpose purpose) noexcept {
  auto* s = slot(*this, purpose);
  if (s == nullptr || !is_valid(key_size)) return {};
  return s->span().first(key_bytes(key_size));
}

std::span<const std::uint8_t> NodeKeySet::key(KeyPurpose purpose) const noexcept {
  return const_cast<NodeKeySet&>(*this).key(purpose);
}

void NodeKeySet::wipe() noexcept {
  auth_key.wipe();
  enc_key.wipe();
  e2_key.wipe();
  network_key.wipe();
  blob_decryption_key.wipe();
  has_blob_decryption_key = false;
}

DerivationInput node_key_input(const CustomerContext& customer, const NodeKeyRequest& request,
                               KeyPurpose purpose) noexcept {
  DerivationInput input;
  input.customer_id = customer.customer_id;
  input.environment = customer.environment;
  input.key_size = customer.key_size;
  input.purpose = purpose;
  switch (purpose) {
    case KeyPurpose::auth:
    case KeyPurpose::enc:
    case KeyPurpose::e2:
      input.subject_id = request.node_id;
      input.version = request.key_version;
      break;
    case KeyPurpose::net:
      input.subject_id = request.network_id;
      input.version = request.network_key_index;
      break;
    case KeyPurpose::blob:
      input.subject_id = 0;
      input.version = request.blob_key_version;
      break;
  }
  return input;
}

KeyError derive_node_key_set(const MasterKeyMaterial& masters, const CustomerContext& customer,
                             const NodeKeyRequest& request, NodeKeySet& out) noexcept {
  out.wipe();
  out.node_id = request.node_id;
  out.key_size = customer.key_size;
  out.key_version = request.key_version;
  out.network_id = request.network_id;
  out.network_key_index = request.network_key_index;
  out.has_blob_decryption_key = request.gateway;
  out.blob_key_version = request.gateway ? request.blob_key_version : 0;
  out.blob_verification_key = masters.blob_verification_key;
  if (!is_valid(customer.key_size)) {
    out.wipe();
    return KeyError::bad_key_size;
  }

  for (KeyPurpose purpose : {KeyPurpose::auth, KeyPurpose::enc, KeyPurpose::e2, KeyPurpose::net, KeyPurpose::blob}) {
    std::span<std::uint8_t> dst = out.key(purpose);
    if (dst.empty()) continue;  // blob key on a non-gateway
    const auto* master = masters.master(purpose);
    KeyError e = master == nullptr ? KeyError::bad_purpose
                                   : derive_key(master->span(), node_key_input(customer, request, purpose), dst);
    if (e != KeyError::ok) {
      out.wipe();
      return e;
    }
  }
  return KeyError::ok;
}

}  // namespace meshsec::keys
