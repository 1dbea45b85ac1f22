// Manufacturing in the simulator (M6): the ONE place where the simulator obtains keys. It
// derives every node's key set with the real key hierarchy (keys::derive_node_key_set)
// from the published development masters of a development customer — literal bytes, the
// twin of the HSM custody path — and the blob key and signing seed the vendor would hold.
// As the factory does, it fixes the network's beacon chain once (the gateway's seed derived
// like every key, the anchor computed from it) and puts it into every node's set.
#pragma once
#include <array>
#include <cstdint>
#include <memory>

#include "crypto/secret.hpp"
#include "keys/cover_tree.hpp"
#include "keys/master_key_material.hpp"
#include "keys/node_key_set.hpp"

namespace meshsec::sim {

inline constexpr std::uint32_t sim_network_id = 7;
inline constexpr std::uint32_t sim_customer_number = 4242;  // firmware::BlobPolicy customer id

class KeyProvisioning {
 public:
  // Throws std::runtime_error when the masters cannot be loaded.
  KeyProvisioning();
  // Fixes the network's beacon chain for `rounds` rounds: derives the gateway's seed (purpose
  // chain, network sim_network_id) and computes the anchor from it, once. Throws
  // std::runtime_error on a derivation failure or rounds outside 1..max_beacon_chain_rounds.
  void fix_beacon_chain(std::uint32_t rounds);
  // The key set personalised into node `node_id` (network key of `network_epoch`), with the
  // beacon chain's rounds and anchor (0 rounds before fix_beacon_chain(), which personalise
  // refuses); a gateway's with the chain's seed. Throws std::runtime_error on a derivation
  // failure.
  void node_keys(std::uint32_t node_id, std::uint8_t network_epoch, bool gateway, keys::NodeKeySet& out) const;
  // One key of node `node_id`'s set (auth, enc or e2), as custody derives it on demand
  // for the back office. Throws std::runtime_error on a derivation failure.
  void node_key(std::uint32_t node_id, keys::KeyPurpose purpose, crypto::SecretArray<16>& out) const;
  // The network key of an epoch (what the back office distributes on refresh).
  void network_key(std::uint8_t epoch, crypto::SecretArray<16>& out) const;
  // The key of one subset of the network's cover tree (keys/cover_tree.hpp), as custody
  // derives it for a broadcast rekey. Throws std::runtime_error on a derivation failure.
  void cover_key(keys::SubtreeIndex subset, crypto::SecretArray<16>& out) const;
  // The customer's 32-byte blob encryption key (vendor HSM and gateways).
  [[nodiscard]] const crypto::SecretArray<32>& blob_key() const noexcept { return blob_key_; }
  [[nodiscard]] std::span<const std::uint8_t, 32> blob_signing_seed() const noexcept;
  [[nodiscard]] const std::array<std::uint8_t, 32>& blob_verification_key() const noexcept {
    return masters_->blob_verification_key;
  }

 private:
  void derive(const keys::DerivationInput& input, crypto::SecretArray<16>& out) const;

  std::unique_ptr<keys::MasterKeyMaterial> masters_;
  crypto::SecretArray<32> blob_key_;
  std::uint32_t beacon_chain_rounds_ = 0;
  std::array<std::uint8_t, keys::beacon_chain_seed_size> beacon_anchor_{};
};

}  // namespace meshsec::sim
