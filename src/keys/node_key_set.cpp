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
    case KeyPurpose::cover: return nullptr;  // one per level: NodeKeySet::cover_key()
    case KeyPurpose::chain: return nullptr;  // 16 bytes whatever the key size: beacon_chain_seed
  }
  return nullptr;
}

// The purposes a node holds one key of the customer's key size of (all but cover and chain).
constexpr KeyPurpose kSinglePurposes[] = {KeyPurpose::auth, KeyPurpose::enc, KeyPurpose::e2, KeyPurpose::net,
                                          KeyPurpose::blob};

}  // namespace

std::span<std::uint8_t> NodeKeySet::key(KeyPurpose purpose) noexcept {
  auto* s = slot(*this, purpose);
  if (s == nullptr || !is_valid(key_size)) return {};
  return s->span().first(key_bytes(key_size));
}

std::span<const std::uint8_t> NodeKeySet::key(KeyPurpose purpose) const noexcept {
  return const_cast<NodeKeySet&>(*this).key(purpose);
}

std::span<std::uint8_t> NodeKeySet::cover_key(unsigned level) noexcept {
  if (level > cover_depth || !is_valid(key_size)) return {};
  return cover_keys[level].span().first(key_bytes(key_size));
}

std::span<const std::uint8_t> NodeKeySet::cover_key(unsigned level) const noexcept {
  return const_cast<NodeKeySet&>(*this).cover_key(level);
}

void NodeKeySet::wipe() noexcept {
  auth_key.wipe();
  enc_key.wipe();
  e2_key.wipe();
  network_key.wipe();
  blob_decryption_key.wipe();
  for (auto& k : cover_keys) k.wipe();
  beacon_chain_seed.wipe();
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
    case KeyPurpose::cover:
      input.subject_id = request.network_id;
      input.version = no_subtree;  // which subset depends on the level: cover_key_input()
      break;
    case KeyPurpose::chain:
      // One chain per network, shared by its gateways; its values are AES-128 blocks.
      input.subject_id = request.network_id;
      input.version = beacon_chain_generation;
      input.key_size = beacon_chain_seed_key_size;
      break;
  }
  return input;
}

DerivationInput cover_key_input(const CustomerContext& customer, const NodeKeyRequest& request,
                                unsigned level) noexcept {
  DerivationInput input = node_key_input(customer, request, KeyPurpose::cover);
  input.version = cover_ancestor(static_cast<std::uint16_t>(request.node_id), level);
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
  out.beacon_chain_rounds = 0;
  out.beacon_anchor.fill(0);
  if (!is_valid(customer.key_size)) {
    out.wipe();
    return KeyError::bad_key_size;
  }
  // Every node holds its path in the cover tree; an id past the mesh's can hold none.
  if (!is_mesh_node_id(request.node_id)) {
    out.wipe();
    return KeyError::bad_subject;
  }

  for (KeyPurpose purpose : kSinglePurposes) {
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
  const auto& cover_master = *masters.master(KeyPurpose::cover);  // the net master, never null
  for (unsigned level = 0; level <= cover_depth; ++level) {
    const KeyError e = derive_key(cover_master.span(), cover_key_input(customer, request, level), out.cover_key(level));
    if (e != KeyError::ok) {
      out.wipe();
      return e;
    }
  }
  if (request.gateway) {
    const auto& chain_master = *masters.master(KeyPurpose::chain);  // the net master, never null
    const KeyError e = derive_key(chain_master.span(), node_key_input(customer, request, KeyPurpose::chain),
                                  out.beacon_chain_seed.span());
    if (e != KeyError::ok) {
      out.wipe();
      return e;
    }
  }
  return KeyError::ok;
}

}  // namespace meshsec::keys
