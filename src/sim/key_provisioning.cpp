#include "sim/key_provisioning.hpp"

#include <stdexcept>
#include <string>

#include "keys/dev_master_keys.hpp"
#include "keys/key_derivation.hpp"
#include "keys/node_key_set.hpp"
#include "mesh/beacon_chain.hpp"

namespace meshsec::sim {
namespace {

// Node keys are AES-128 as in the source system (they fit the 802.15.4 frames of key
// deliveries); the blob key is AES-256 as the blob format requires.
keys::CustomerContext customer(keys::KeySize size) {
  keys::CustomerContext c;
  c.customer_id = "sim-customer";
  c.environment = keys::Environment::dev;
  c.key_size = size;
  return c;
}

}  // namespace

KeyProvisioning::KeyProvisioning() : masters_(std::make_unique<keys::MasterKeyMaterial>()) {
  if (keys::load_insecure_dev_masters(*masters_) != keys::KeyError::ok)
    throw std::runtime_error("cannot load the development masters");
  keys::NodeKeyRequest request;
  request.node_id = 1;
  request.network_id = sim_network_id;
  request.network_key_index = 1;
  request.gateway = true;
  keys::NodeKeySet set;
  const keys::KeyError e = keys::derive_node_key_set(*masters_, customer(keys::KeySize::bits256), request, set);
  if (e != keys::KeyError::ok) throw std::runtime_error("blob key derivation failed: " + std::string(keys::to_string(e)));
  const auto blob = set.key(keys::KeyPurpose::blob);
  if (blob.size() != 32) throw std::runtime_error("blob key: unexpected size");
  blob_key_.assign(std::span<const std::uint8_t, 32>(blob.data(), 32));
}

namespace {

keys::NodeKeyRequest request_for(std::uint32_t node_id, std::uint8_t network_epoch, bool gateway) {
  keys::NodeKeyRequest request;
  request.node_id = node_id;
  request.network_id = sim_network_id;
  request.network_key_index = network_epoch;
  request.gateway = gateway;
  return request;
}

}  // namespace

void KeyProvisioning::fix_beacon_chain(std::uint32_t rounds) {
  // The seed as a gateway's set carries it: the one derivation both paths share.
  keys::NodeKeySet gateway;
  node_keys(1, 1, true, gateway);
  mesh::ChainValue anchor{};
  if (!mesh::chain_anchor(sim_network_id, gateway.beacon_chain_seed.span(), rounds, anchor))
    throw std::runtime_error("beacon chain anchor failed for " + std::to_string(rounds) + " rounds");
  beacon_chain_rounds_ = rounds;
  beacon_anchor_ = anchor;
}

void KeyProvisioning::node_keys(std::uint32_t node_id, std::uint8_t network_epoch, bool gateway,
                                keys::NodeKeySet& out) const {
  const keys::KeyError e =
      keys::derive_node_key_set(*masters_, customer(keys::KeySize::bits128), request_for(node_id, network_epoch, gateway), out);
  if (e != keys::KeyError::ok) throw std::runtime_error("node key derivation failed: " + std::string(keys::to_string(e)));
  out.beacon_chain_rounds = beacon_chain_rounds_;
  out.beacon_anchor = beacon_anchor_;
}

void KeyProvisioning::derive(const keys::DerivationInput& input, crypto::SecretArray<16>& out) const {
  const auto* master = masters_->master(input.purpose);
  const keys::KeyError e = master == nullptr ? keys::KeyError::bad_purpose : keys::derive_key(master->span(), input, out.span());
  if (e != keys::KeyError::ok)
    throw std::runtime_error(std::string(keys::to_string(input.purpose)) + " key derivation failed: " +
                             std::string(keys::to_string(e)));
}

void KeyProvisioning::node_key(std::uint32_t node_id, keys::KeyPurpose purpose, crypto::SecretArray<16>& out) const {
  derive(keys::node_key_input(customer(keys::KeySize::bits128), request_for(node_id, 1, false), purpose), out);
}

void KeyProvisioning::network_key(std::uint8_t epoch, crypto::SecretArray<16>& out) const {
  derive(keys::node_key_input(customer(keys::KeySize::bits128), request_for(1, epoch, false), keys::KeyPurpose::net), out);
}

void KeyProvisioning::cover_key(keys::SubtreeIndex subset, crypto::SecretArray<16>& out) const {
  auto input = keys::node_key_input(customer(keys::KeySize::bits128), request_for(1, 1, false), keys::KeyPurpose::cover);
  input.version = subset;  // the subset, whichever node's path it lies on
  derive(input, out);
}

std::span<const std::uint8_t, 32> KeyProvisioning::blob_signing_seed() const noexcept {
  return keys::insecure_dev_blob_signing_seed();
}

}  // namespace meshsec::sim
