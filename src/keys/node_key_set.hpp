// M1: the keys one node holds, and how a node's set is derived from its customer's masters.
// The node itself never derives anything: it receives its set at personalisation (M6) and
// holds only derived keys; the derivation below is the simulator's and tests' literal-bytes
// twin of the custody path (keys/custody_derivation.hpp), with identical output.
#pragma once
#include <array>
#include <cstdint>
#include <span>
#include <string_view>

#include "crypto/secret.hpp"
#include "keys/cover_tree.hpp"
#include "keys/derivation_input.hpp"
#include "keys/key_error.hpp"
#include "keys/master_key_material.hpp"

namespace meshsec::keys {

// The customer side of every derivation.
struct CustomerContext {
  std::string_view customer_id;  // 1..64 bytes of [A-Za-z0-9._-]
  Environment environment = Environment::prod;
  KeySize key_size = KeySize::bits256;  // of every derived symmetric key
};

// The node side.
struct NodeKeyRequest {
  std::uint32_t node_id = 0;             // 0..max_mesh_node_id: its leaf in the cover tree
  std::uint32_t key_version = 1;         // of the auth, enc and E2 keys; raised to re-key a node
  std::uint32_t network_id = 0;          // the installation whose network key the node gets
  std::uint8_t network_key_index = 0;    // which network key (B1 refresh raises it)
  bool gateway = false;                  // gateways also get the blob decryption key and chain seed
  std::uint32_t blob_key_version = 1;
};

// The longest beacon chain: every position r·64 of its rounds (mesh/beacon_chain.hpp, 64 =
// beacon_chain_hops) fits in 32 bits. 67 million rounds, 21 years of 10-s rounds.
inline constexpr std::uint32_t max_beacon_chain_rounds = UINT32_MAX / 64;

struct NodeKeySet {
  std::uint32_t node_id = 0;
  KeySize key_size = KeySize::bits256;
  std::uint32_t key_version = 0;
  std::uint32_t network_id = 0;
  std::uint8_t network_key_index = 0;
  bool has_blob_decryption_key = false;
  std::uint32_t blob_key_version = 0;
  std::array<std::uint8_t, blob_verification_key_size> blob_verification_key{};  // Ed25519 public

  // Each holds key_bytes(key_size) bytes; the rest stays zero.
  crypto::SecretArray<max_key_bytes> auth_key;
  crypto::SecretArray<max_key_bytes> enc_key;
  crypto::SecretArray<max_key_bytes> e2_key;
  crypto::SecretArray<max_key_bytes> network_key;
  crypto::SecretArray<max_key_bytes> blob_decryption_key;  // gateways only
  // The keys of the subsets on the node's path in its network's cover tree, index = level:
  // cover_keys[0] is the whole network's, cover_keys[cover_depth] the node's own leaf's.
  std::array<crypto::SecretArray<max_key_bytes>, cover_path_keys> cover_keys;

  // The network's beacon chain (mesh/beacon_chain.hpp, wire-format.md §6.5), fixed for the
  // network: the rounds it covers (1..max_beacon_chain_rounds; 0 = none yet) and its
  // anchor c_0, public, in every set; its secret end c_N, the seed, in a gateway's only.
  // derive_node_key_set() derives the seed and leaves rounds and anchor to the caller: the
  // anchor takes rounds·64 AES steps (mesh::chain_anchor), once per network, not per node.
  std::uint32_t beacon_chain_rounds = 0;
  std::array<std::uint8_t, beacon_chain_seed_size> beacon_anchor{};
  crypto::SecretArray<beacon_chain_seed_size> beacon_chain_seed;  // gateways only

  // The active bytes of the key for a purpose; empty for blob on a non-gateway, for cover
  // (a node holds one cover key per level: cover_key()) and for chain (beacon_chain_seed).
  [[nodiscard]] std::span<const std::uint8_t> key(KeyPurpose purpose) const noexcept;
  [[nodiscard]] std::span<std::uint8_t> key(KeyPurpose purpose) noexcept;
  // The active bytes of the cover key at `level` (0 = the whole network); empty when level
  // is above cover_depth or the key size is invalid.
  [[nodiscard]] std::span<const std::uint8_t> cover_key(unsigned level) const noexcept;
  [[nodiscard]] std::span<std::uint8_t> cover_key(unsigned level) noexcept;
  void wipe() noexcept;
};

// The DerivationInput of one key of a node's set (shared by both derivation paths). For
// cover the version is no_subtree, which no derivation accepts: use cover_key_input(). For
// chain (a gateway's seed): subject = network id, version = beacon_chain_generation, and
// 128 bits whatever the customer's key size.
[[nodiscard]] DerivationInput node_key_input(const CustomerContext& customer, const NodeKeyRequest& request,
                                             KeyPurpose purpose) noexcept;

// The DerivationInput of the node's cover key at `level`: subject = network id, version =
// the subtree at that level on the node's path (cover_ancestor). Meaningful only for a node
// id that is_mesh_node_id(); both derivation paths refuse the others.
[[nodiscard]] DerivationInput cover_key_input(const CustomerContext& customer, const NodeKeyRequest& request,
                                              unsigned level) noexcept;

// Derives a node's whole set, its cover_path_keys cover keys included (and a gateway's chain
// seed), from literal masters; beacon_chain_rounds and beacon_anchor are left 0 for the
// caller. On error `out` is wiped. Errors: bad_subject (a node id above max_mesh_node_id),
// those of encode_derivation_label, crypto_failure.
[[nodiscard]] KeyError derive_node_key_set(const MasterKeyMaterial& masters, const CustomerContext& customer,
                                           const NodeKeyRequest& request, NodeKeySet& out) noexcept;

}  // namespace meshsec::keys
