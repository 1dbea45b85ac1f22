// Cover keys (docs/keys.md §Cover keys): a node's 17 keys are the keys of the subsets on its
// path, derived from the network master; nodes share exactly the keys of the subsets they
// share, and custody derives the same keys as the literal-bytes path.
#include <gtest/gtest.h>

#include <set>
#include <vector>

#include "crypto/secure_memory.hpp"
#include "hsm/memory_key_store.hpp"
#include "keys/cover_tree.hpp"
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

MasterKeyMaterial dev_masters() {
  MasterKeyMaterial m;
  EXPECT_EQ(load_insecure_dev_masters(m), KeyError::ok);
  return m;
}

NodeKeyRequest node(std::uint32_t id, std::uint32_t network_id = 7) {
  NodeKeyRequest r;
  r.node_id = id;
  r.network_id = network_id;
  r.network_key_index = 1;
  return r;
}

}  // namespace

TEST(CoverKeys, ComeFromTheNetworkMasterAndNoMasterOfTheirOwn) {
  EXPECT_TRUE(is_valid(KeyPurpose::cover));
  EXPECT_EQ(static_cast<unsigned>(KeyPurpose::cover), 0x06U);
  EXPECT_EQ(to_string(KeyPurpose::cover), "cover");
  KeyPurpose parsed{};
  ASSERT_TRUE(parse_purpose("cover", parsed));
  EXPECT_EQ(parsed, KeyPurpose::cover);
  EXPECT_EQ(master_purpose(KeyPurpose::cover), KeyPurpose::net);
  EXPECT_EQ(master_purpose(KeyPurpose::auth), KeyPurpose::auth);

  const MasterKeyMaterial literal = dev_masters();
  EXPECT_EQ(literal.master(KeyPurpose::cover), &literal.net);
  EXPECT_EQ(to_vector(insecure_dev_master(KeyPurpose::cover)), to_vector(insecure_dev_master(KeyPurpose::net)));

  for (Environment env : {Environment::dev, Environment::prod}) {
    hsm::MemoryKeyStore::Options options;
    options.allow_import = true;
    hsm::MemoryKeyStore store(options);
    auto masters = provision_customer_masters(store, env, "acme");
    ASSERT_TRUE(masters.ok());
    EXPECT_EQ(masters.value().master(KeyPurpose::cover), masters.value().net);
    EXPECT_EQ(master_object_label(env, "acme", KeyPurpose::cover), master_object_label(env, "acme", KeyPurpose::net));
    // Custody holds no "cover" master: nothing is labelled with that purpose.
    const std::string prefix = env == Environment::dev ? "meshsec/dev/master/" : "meshsec/prod/acme/master/";
    EXPECT_TRUE(store.find_objects(prefix + "cover").value().empty());
    EXPECT_EQ(store.find_objects(prefix + "net").value().size(), 1U);
  }
}

TEST(CoverKeys, InputNamesTheNetworkAndTheSubtree) {
  const CustomerContext customer{"acme", Environment::dev, KeySize::bits128};
  const NodeKeyRequest request = node(0x1234, 9);
  for (unsigned level = 0; level <= cover_depth; ++level) {
    const DerivationInput in = cover_key_input(customer, request, level);
    EXPECT_EQ(in.purpose, KeyPurpose::cover);
    EXPECT_EQ(in.subject_id, 9U);
    EXPECT_EQ(in.version, cover_ancestor(0x1234, level));
    EXPECT_EQ(in.key_size, KeySize::bits128);
    EXPECT_EQ(validate_derivation_input(in), KeyError::ok);
  }
  // Without a level there is no subset: node_key_input() gives an input no derivation takes.
  EXPECT_EQ(validate_derivation_input(node_key_input(customer, request, KeyPurpose::cover)), KeyError::bad_version);
  DerivationLabel label;
  ASSERT_EQ(encode_derivation_label(cover_key_input(customer, request, 0), label), KeyError::ok);
  EXPECT_EQ(label.label().size(), max_label_size);  // "cover" is the longest purpose name
}

TEST(CoverKeys, LiteralPathDerivesTheWholePath) {
  const MasterKeyMaterial masters = dev_masters();
  for (KeySize size : {KeySize::bits128, KeySize::bits256}) {
    const CustomerContext customer{"acme", Environment::dev, size};
    const NodeKeyRequest request = node(0x0BEE);
    NodeKeySet set;
    ASSERT_EQ(derive_node_key_set(masters, customer, request, set), KeyError::ok);
    std::set<Bytes> distinct;
    for (unsigned level = 0; level <= cover_depth; ++level) {
      Bytes expected(key_bytes(size));
      ASSERT_EQ(derive_key(masters.net.span(), cover_key_input(customer, request, level), expected), KeyError::ok);
      EXPECT_EQ(to_vector(set.cover_key(level)), expected) << "level " << level;
      EXPECT_NE(to_vector(set.cover_key(level)), to_vector(set.key(KeyPurpose::net))) << "level " << level;
      distinct.insert(expected);
      // Unused tails of 128-bit keys stay zero.
      EXPECT_TRUE(crypto::is_all_zero_constant_time(set.cover_keys[level].span().subspan(key_bytes(size))));
    }
    EXPECT_EQ(distinct.size(), cover_path_keys);
    EXPECT_TRUE(set.cover_key(cover_depth + 1).empty());
    EXPECT_TRUE(set.key(KeyPurpose::cover).empty());  // one per level, not one per node
  }
}

// Two nodes hold the same key exactly where their paths meet: the subsets both lie in.
TEST(CoverKeys, NodesShareTheKeysOfTheirCommonAncestors) {
  const MasterKeyMaterial masters = dev_masters();
  const CustomerContext customer{"acme", Environment::prod, KeySize::bits256};
  const std::pair<std::uint32_t, std::uint32_t> pairs[] = {
      {0x1234, 0x1235},  // siblings: all but the leaf in common
      {1, 0x8001},       // halves of the tree: only the root in common
      {0, 0xFFF0},       // the lowest and highest node ids
      {100, 107},        // ids that differ from bit 3 down: levels 0..12 in common
  };
  for (const auto& [a, b] : pairs) {
    NodeKeySet set_a, set_b;
    ASSERT_EQ(derive_node_key_set(masters, customer, node(a), set_a), KeyError::ok);
    ASSERT_EQ(derive_node_key_set(masters, customer, node(b), set_b), KeyError::ok);
    unsigned shared = 0;
    for (unsigned level = 0; level <= cover_depth; ++level) {
      const bool common =
          cover_ancestor(static_cast<std::uint16_t>(a), level) == cover_ancestor(static_cast<std::uint16_t>(b), level);
      shared += common ? 1 : 0;
      const bool same_key = to_vector(set_a.cover_key(level)) == to_vector(set_b.cover_key(level));
      EXPECT_EQ(same_key, common) << a << "/" << b << " level " << level;
    }
    EXPECT_GE(shared, 1U);  // the root
    EXPECT_LE(shared, cover_depth);
  }
}

TEST(CoverKeys, DifferBetweenNetworksAndFromEveryOtherKey) {
  const MasterKeyMaterial masters = dev_masters();
  const CustomerContext customer{"acme", Environment::dev, KeySize::bits256};
  NodeKeySet seven, eight;
  ASSERT_EQ(derive_node_key_set(masters, customer, node(42, 7), seven), KeyError::ok);
  ASSERT_EQ(derive_node_key_set(masters, customer, node(42, 8), eight), KeyError::ok);
  std::set<Bytes> all;
  for (KeyPurpose p : {KeyPurpose::auth, KeyPurpose::enc, KeyPurpose::e2, KeyPurpose::net}) {
    all.insert(to_vector(seven.key(p)));
    all.insert(to_vector(eight.key(p)));
  }
  for (unsigned level = 0; level <= cover_depth; ++level) {
    EXPECT_NE(to_vector(seven.cover_key(level)), to_vector(eight.cover_key(level))) << "level " << level;
    all.insert(to_vector(seven.cover_key(level)));
    all.insert(to_vector(eight.cover_key(level)));
  }
  // Node keys are per node, not per network: auth, enc and e2 are the same in both sets.
  EXPECT_EQ(all.size(), 3 + 2 * (1 + cover_path_keys));
}

TEST(CoverKeys, AreRefusedForIdsNoMeshNodeHas) {
  const MasterKeyMaterial masters = dev_masters();
  const CustomerContext customer{"acme", Environment::dev, KeySize::bits128};
  NodeKeySet set;
  ASSERT_EQ(derive_node_key_set(masters, customer, node(max_mesh_node_id), set), KeyError::ok);
  for (std::uint32_t id : {max_mesh_node_id + 1, 0xFFFFU, 0x10000U, 0x01020304U}) {
    EXPECT_EQ(derive_node_key_set(masters, customer, node(id), set), KeyError::bad_subject) << id;
    EXPECT_TRUE(crypto::is_all_zero_constant_time(set.network_key.span()));
    for (const auto& k : set.cover_keys) EXPECT_TRUE(crypto::is_all_zero_constant_time(k.span()));
  }

  hsm::MemoryKeyStore::Options options;
  options.allow_import = true;
  hsm::MemoryKeyStore store(options);
  auto custody = provision_customer_masters(store, Environment::dev, "acme");
  ASSERT_TRUE(custody.ok());
  EXPECT_TRUE(derive_node_key_set(store, custody.value(), customer, node(max_mesh_node_id)).ok());
  EXPECT_EQ(derive_node_key_set(store, custody.value(), customer, node(max_mesh_node_id + 1)).error(),
            hsm::HsmError::bad_argument);
}

TEST(CoverKeys, WipeClearsThePath) {
  const MasterKeyMaterial masters = dev_masters();
  NodeKeySet set;
  ASSERT_EQ(derive_node_key_set(masters, {"acme", Environment::dev, KeySize::bits256}, node(3), set), KeyError::ok);
  EXPECT_FALSE(crypto::is_all_zero_constant_time(set.cover_key(cover_depth)));
  set.wipe();
  for (const auto& k : set.cover_keys) EXPECT_TRUE(crypto::is_all_zero_constant_time(k.span()));
  // An invalid key size gives no key bytes at all.
  set.key_size = static_cast<KeySize>(100);
  EXPECT_TRUE(set.cover_key(0).empty());
}
