// The beacon chain's seed (docs/keys.md §Beacon chain seed): purpose chain, from the network
// master, 128 bits whatever the customer's key size, derived for gateways only, and the same
// inside custody as from literal masters.
#include <gtest/gtest.h>

#include <vector>

#include "crypto/secure_memory.hpp"
#include "hsm/memory_key_store.hpp"
#include "keys/custody_derivation.hpp"
#include "keys/customer_masters.hpp"
#include "keys/dev_master_keys.hpp"
#include "keys/derivation_label.hpp"
#include "keys/key_derivation.hpp"
#include "keys/node_key_set.hpp"

using namespace meshsec;
using namespace meshsec::keys;

namespace {

using Bytes = std::vector<std::uint8_t>;

Bytes to_vector(std::span<const std::uint8_t> s) { return Bytes(s.begin(), s.end()); }

NodeKeyRequest gateway_of(std::uint32_t network_id) {
  NodeKeyRequest r;
  r.node_id = 1;
  r.network_id = network_id;
  r.network_key_index = 1;
  r.gateway = true;
  return r;
}

}  // namespace

TEST(BeaconChainSeed, PurposeRoundTripsAndComesFromTheNetworkMaster) {
  EXPECT_TRUE(is_valid(KeyPurpose::chain));
  EXPECT_EQ(static_cast<unsigned>(KeyPurpose::chain), 0x07U);
  EXPECT_EQ(to_string(KeyPurpose::chain), "chain");
  KeyPurpose parsed{};
  ASSERT_TRUE(parse_purpose("chain", parsed));
  EXPECT_EQ(parsed, KeyPurpose::chain);
  EXPECT_FALSE(is_valid(static_cast<KeyPurpose>(0x08)));
  EXPECT_EQ(master_purpose(KeyPurpose::chain), KeyPurpose::net);

  MasterKeyMaterial literal;
  ASSERT_EQ(load_insecure_dev_masters(literal), KeyError::ok);
  EXPECT_EQ(literal.master(KeyPurpose::chain), &literal.net);
  hsm::MemoryKeyStore store;
  auto masters = provision_customer_masters(store, Environment::prod, "acme");
  ASSERT_TRUE(masters.ok());
  EXPECT_EQ(masters.value().master(KeyPurpose::chain), masters.value().net);
  EXPECT_EQ(master_object_label(Environment::prod, "acme", KeyPurpose::chain),
            master_object_label(Environment::prod, "acme", KeyPurpose::net));
  EXPECT_TRUE(store.find_objects("meshsec/prod/acme/master/chain").value().empty()) << "no chain master";
}

TEST(BeaconChainSeed, InputNamesTheNetworkAndTheGenerationAt128Bits) {
  for (KeySize size : {KeySize::bits128, KeySize::bits256}) {
    const CustomerContext customer{"acme", Environment::dev, size};
    const DerivationInput in = node_key_input(customer, gateway_of(9), KeyPurpose::chain);
    EXPECT_EQ(in.purpose, KeyPurpose::chain);
    EXPECT_EQ(in.subject_id, 9U);
    EXPECT_EQ(in.version, beacon_chain_generation);
    EXPECT_EQ(in.key_size, KeySize::bits128) << "the chain's values are AES-128 blocks";
    EXPECT_EQ(validate_derivation_input(in), KeyError::ok);
    DerivationLabel label;
    ASSERT_EQ(encode_derivation_label(in, label), KeyError::ok);
    EXPECT_EQ(label.label().size(), max_label_size);  // "chain", as long as "cover"
  }
  // No seed of any other size: a 256-bit one would only be cut to a block.
  DerivationInput wide = node_key_input({"acme", Environment::dev, KeySize::bits256}, gateway_of(9), KeyPurpose::chain);
  wide.key_size = KeySize::bits256;
  EXPECT_EQ(validate_derivation_input(wide), KeyError::bad_key_size);
}

// Both paths give a gateway the same seed, 16 bytes for customers of either key size, and
// give a node none.
TEST(BeaconChainSeed, CustodyDerivesTheLiteralSeedForGatewaysOnly) {
  hsm::MemoryKeyStore::Options options;
  options.allow_import = true;
  hsm::MemoryKeyStore store(options);
  auto masters = provision_customer_masters(store, Environment::dev, "acme");
  ASSERT_TRUE(masters.ok());
  MasterKeyMaterial literal;
  ASSERT_EQ(load_insecure_dev_masters(literal), KeyError::ok);
  Bytes first;
  for (KeySize size : {KeySize::bits128, KeySize::bits256}) {
    const CustomerContext customer{"acme", Environment::dev, size};
    NodeKeySet from_bytes;
    ASSERT_EQ(derive_node_key_set(literal, customer, gateway_of(9), from_bytes), KeyError::ok);
    auto custody = derive_node_key_set(store, masters.value(), customer, gateway_of(9));
    ASSERT_TRUE(custody.ok());
    EXPECT_EQ(to_vector(custody.value().beacon_chain_seed.span()), to_vector(from_bytes.beacon_chain_seed.span()));
    EXPECT_FALSE(crypto::is_all_zero_constant_time(from_bytes.beacon_chain_seed.span()));
    Bytes expected(beacon_chain_seed_size);
    ASSERT_EQ(derive_key(literal.net.span(), node_key_input(customer, gateway_of(9), KeyPurpose::chain), expected),
              KeyError::ok);
    EXPECT_EQ(to_vector(from_bytes.beacon_chain_seed.span()), expected);
    // Rounds and anchor are the caller's to fill: derivation leaves them empty.
    EXPECT_EQ(from_bytes.beacon_chain_rounds, 0U);
    EXPECT_EQ(custody.value().beacon_chain_rounds, 0U);
    EXPECT_TRUE(crypto::is_all_zero_constant_time(from_bytes.beacon_anchor));
    EXPECT_TRUE(from_bytes.key(KeyPurpose::chain).empty()) << "the seed has a field of its own";
    if (first.empty()) first = expected;
    EXPECT_EQ(expected, first) << "the customer's key size does not change the seed";

    NodeKeyRequest node = gateway_of(9);
    node.gateway = false;
    NodeKeySet node_set;
    ASSERT_EQ(derive_node_key_set(literal, customer, node, node_set), KeyError::ok);
    EXPECT_TRUE(crypto::is_all_zero_constant_time(node_set.beacon_chain_seed.span()));
    auto node_custody = derive_node_key_set(store, masters.value(), customer, node);
    ASSERT_TRUE(node_custody.ok());
    EXPECT_TRUE(crypto::is_all_zero_constant_time(node_custody.value().beacon_chain_seed.span()));
  }
}

TEST(BeaconChainSeed, DiffersBetweenNetworksAndFromTheNetworkKeyAndIsWiped) {
  MasterKeyMaterial literal;
  ASSERT_EQ(load_insecure_dev_masters(literal), KeyError::ok);
  const CustomerContext customer{"acme", Environment::dev, KeySize::bits128};
  NodeKeySet nine, ten;
  ASSERT_EQ(derive_node_key_set(literal, customer, gateway_of(9), nine), KeyError::ok);
  ASSERT_EQ(derive_node_key_set(literal, customer, gateway_of(10), ten), KeyError::ok);
  EXPECT_NE(to_vector(nine.beacon_chain_seed.span()), to_vector(ten.beacon_chain_seed.span()));
  EXPECT_NE(to_vector(nine.beacon_chain_seed.span()), to_vector(nine.key(KeyPurpose::net)));
  for (unsigned level = 0; level <= cover_depth; ++level)
    EXPECT_NE(to_vector(nine.beacon_chain_seed.span()), to_vector(nine.cover_key(level)));
  nine.wipe();
  EXPECT_TRUE(crypto::is_all_zero_constant_time(nine.beacon_chain_seed.span()));
}
