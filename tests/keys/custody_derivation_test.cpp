// The hierarchy in custody: masters are created under the custody rules and never leave,
// and deriving inside custody gives exactly what the literal-bytes path gives.
#include "keys/custody_derivation.hpp"

#include <gtest/gtest.h>

#include <vector>

#include "hsm/memory_key_store.hpp"
#include "keys/customer_masters.hpp"
#include "keys/dev_master_keys.hpp"
#include "keys/key_derivation.hpp"

using namespace meshsec;
using namespace meshsec::keys;

namespace {

using Bytes = std::vector<std::uint8_t>;

hsm::MemoryKeyStore::Options with_import() {
  hsm::MemoryKeyStore::Options o;
  o.allow_import = true;
  return o;
}

Bytes to_vector(std::span<const std::uint8_t> s) { return Bytes(s.begin(), s.end()); }

constexpr KeyPurpose kAll[] = {KeyPurpose::auth, KeyPurpose::enc, KeyPurpose::e2, KeyPurpose::net, KeyPurpose::blob};

void expect_sets_equal(const NodeKeySet& a, const NodeKeySet& b) {
  EXPECT_EQ(a.node_id, b.node_id);
  EXPECT_EQ(a.key_size, b.key_size);
  EXPECT_EQ(a.network_key_index, b.network_key_index);
  EXPECT_EQ(a.has_blob_decryption_key, b.has_blob_decryption_key);
  EXPECT_EQ(a.blob_verification_key, b.blob_verification_key);
  for (KeyPurpose p : kAll) EXPECT_EQ(to_vector(a.key(p)), to_vector(b.key(p))) << to_string(p);
  for (unsigned level = 0; level <= cover_depth; ++level) {
    EXPECT_EQ(a.cover_key(level).size(), key_bytes(a.key_size)) << "cover level " << level;
    EXPECT_EQ(to_vector(a.cover_key(level)), to_vector(b.cover_key(level))) << "cover level " << level;
  }
  EXPECT_EQ(to_vector(a.beacon_chain_seed.span()), to_vector(b.beacon_chain_seed.span())) << "chain seed";
}

}  // namespace

TEST(CustomerMasters, NoMasterCanBeReadOut) {
  for (Environment env : {Environment::dev, Environment::prod}) {
    hsm::MemoryKeyStore store(with_import());
    auto masters = provision_customer_masters(store, env, "acme");
    ASSERT_TRUE(masters.ok()) << to_string(env);
    for (KeyPurpose p : kAll) {
      auto value = store.export_secret(masters.value().master(p));
      ASSERT_FALSE(value.ok());
      EXPECT_EQ(value.error(), hsm::HsmError::not_permitted) << to_string(p);
    }
    EXPECT_EQ(store.export_secret(masters.value().blob_signing.private_key).error(), hsm::HsmError::not_permitted);
    EXPECT_EQ(store.object_info(masters.value().auth).value().label,
              env == Environment::dev ? "meshsec/dev/master/auth" : "meshsec/prod/acme/master/auth");
  }
}

TEST(CustomerMasters, ProductionMastersAreGeneratedInsideWithoutImport) {
  hsm::MemoryKeyStore store;  // imports disabled, as in production
  auto masters = provision_customer_masters(store, Environment::prod, "acme");
  ASSERT_TRUE(masters.ok());
  for (KeyPurpose p : kAll) EXPECT_TRUE(store.object_info(masters.value().master(p)).value().generated_inside);
  // Development masters are published bytes: they must be imported, which this store refuses.
  EXPECT_EQ(provision_customer_masters(store, Environment::dev, "acme").error(), hsm::HsmError::not_permitted);
}

TEST(CustomerMasters, ProvisioningIsIdempotentAndFindSeesTheSameObjects) {
  hsm::MemoryKeyStore store;
  EXPECT_EQ(find_customer_masters(store, Environment::prod, "acme").error(), hsm::HsmError::not_found);
  auto first = provision_customer_masters(store, Environment::prod, "acme");
  auto second = provision_customer_masters(store, Environment::prod, "acme");
  auto found = find_customer_masters(store, Environment::prod, "acme");
  ASSERT_TRUE(first.ok() && second.ok() && found.ok());
  for (KeyPurpose p : kAll) {
    EXPECT_EQ(first.value().master(p), second.value().master(p));
    EXPECT_EQ(first.value().master(p), found.value().master(p));
  }
  EXPECT_EQ(first.value().blob_signing.private_key, found.value().blob_signing.private_key);
  EXPECT_EQ(provision_customer_masters(store, Environment::prod, "bad/id").error(), hsm::HsmError::bad_argument);
}

TEST(CustomerMasters, RefusesMastersThatBreakCustodyRules) {
  // An extractable object planted under a master's label.
  {
    hsm::MemoryKeyStore store;
    hsm::KeyTemplate planted;
    planted.label = master_object_label(Environment::prod, "acme", KeyPurpose::enc);
    planted.type = hsm::KeyType::generic_secret;
    planted.usage.derive = true;
    planted.usage.sensitive = false;
    planted.usage.extractable = true;
    ASSERT_TRUE(store.generate_secret(planted).ok());
    EXPECT_EQ(provision_customer_masters(store, Environment::prod, "acme").error(), hsm::HsmError::not_permitted);
  }
  // A production master that was imported (its bytes existed outside custody).
  {
    hsm::MemoryKeyStore store(with_import());
    hsm::KeyTemplate imported;
    imported.label = master_object_label(Environment::prod, "acme", KeyPurpose::auth);
    imported.type = hsm::KeyType::generic_secret;
    imported.usage.derive = true;
    ASSERT_TRUE(store.import_secret(imported, insecure_dev_master(KeyPurpose::auth)).ok());
    EXPECT_EQ(provision_customer_masters(store, Environment::prod, "acme").error(), hsm::HsmError::not_permitted);
  }
  // Two objects under one master label: ambiguous, refused.
  {
    hsm::MemoryKeyStore store;
    ASSERT_TRUE(provision_customer_masters(store, Environment::prod, "acme").ok());
    hsm::KeyTemplate twin;
    twin.label = master_object_label(Environment::prod, "acme", KeyPurpose::net);
    twin.type = hsm::KeyType::generic_secret;
    twin.usage.derive = true;
    ASSERT_TRUE(store.generate_secret(twin).ok());
    EXPECT_EQ(find_customer_masters(store, Environment::prod, "acme").error(), hsm::HsmError::bad_template);
  }
}

// Cover keys included: every one of a node's 17 is derived inside and exported.
TEST(CustodyDerivation, InsideEqualsLiteralBytesForBothSizesAndGateways) {
  hsm::MemoryKeyStore store(with_import());
  auto masters = provision_customer_masters(store, Environment::dev, "acme");
  ASSERT_TRUE(masters.ok());
  MasterKeyMaterial literal;
  ASSERT_EQ(load_insecure_dev_masters(literal), KeyError::ok);
  for (KeySize size : {KeySize::bits128, KeySize::bits256}) {
    for (bool gateway : {false, true}) {
      const CustomerContext customer{"acme", Environment::dev, size};
      NodeKeyRequest request;
      request.node_id = 0xbeef;
      request.key_version = 2;
      request.network_id = 3;
      request.network_key_index = 4;
      request.gateway = gateway;
      auto custody = derive_node_key_set(store, masters.value(), customer, request);
      ASSERT_TRUE(custody.ok());
      NodeKeySet from_bytes;
      ASSERT_EQ(derive_node_key_set(literal, customer, request, from_bytes), KeyError::ok);
      expect_sets_equal(custody.value(), from_bytes);
      EXPECT_EQ(custody.value().key(KeyPurpose::auth).size(), key_bytes(size));
    }
  }
  // Exported node keys do not linger in custody.
  auto all = store.find_objects("meshsec/dev/master/auth");
  ASSERT_TRUE(all.ok());
  EXPECT_EQ(all.value().size(), 1u);
  NodeKeyRequest request;
  request.node_id = 0xbeef;
  request.network_id = 3;
  for (unsigned level : {0U, cover_depth}) {
    KeyId id{};
    ASSERT_EQ(compute_key_id(cover_key_input({"acme", Environment::dev, KeySize::bits256}, request, level), id),
              KeyError::ok);
    EXPECT_TRUE(store.find_objects(derived_object_label(id)).value().empty()) << "cover level " << level;
  }
}

TEST(CustodyDerivation, KeyKeptInsideIsTheSameKeyAsTheExportedOne) {
  // Production masters are unknown bytes; the two custody paths still agree: a node key
  // exported for personalisation opens what the same key derived inside sealed.
  hsm::MemoryKeyStore store;
  auto masters = provision_customer_masters(store, Environment::prod, "acme");
  ASSERT_TRUE(masters.ok());
  DerivationInput in;
  in.customer_id = "acme";
  in.environment = Environment::prod;
  in.purpose = KeyPurpose::e2;
  in.subject_id = 12;
  in.version = 1;
  hsm::KeyUsage usage;
  usage.encrypt = true;
  usage.extractable = true;  // ignored: kept inside means non-extractable
  usage.sensitive = false;
  auto inside = derive_key_in_custody(store, masters.value().e2, in, usage);
  ASSERT_TRUE(inside.ok());
  EXPECT_EQ(store.export_secret(inside.value()).error(), hsm::HsmError::not_permitted);
  KeyId id{};
  ASSERT_EQ(compute_key_id(in, id), KeyError::ok);
  EXPECT_EQ(store.object_info(inside.value()).value().label, derived_object_label(id));

  const Bytes nonce(13, 1), plaintext{1, 2, 3, 4, 5};
  auto sealed = store.aead_encrypt(inside.value(), hsm::AeadParams{crypto::AeadMode::ccm, nonce, {}, 8}, plaintext);
  ASSERT_TRUE(sealed.ok());
  auto exported = derive_key_for_export(store, masters.value().e2, in);
  ASSERT_TRUE(exported.ok());
  crypto::AesAead aead;
  ASSERT_EQ(aead.init(crypto::AeadMode::ccm, exported.value().span(), 8), crypto::Status::ok);
  Bytes opened(plaintext.size());
  ASSERT_EQ(aead.open(nonce, {}, std::span(sealed.value()).first(5), std::span(sealed.value()).subspan(5), opened),
            crypto::Status::ok);
  EXPECT_EQ(opened, plaintext);
}

TEST(CustodyDerivation, SeparatesEnvironmentsAndCustomers) {
  hsm::MemoryKeyStore store(with_import());
  const NodeKeyRequest request{};
  auto node_set = [&](Environment env, std::string_view customer) {
    auto masters = provision_customer_masters(store, env, customer);
    EXPECT_TRUE(masters.ok());
    auto set = derive_node_key_set(store, masters.value(), CustomerContext{customer, env, KeySize::bits256}, request);
    EXPECT_TRUE(set.ok());
    return to_vector(set.value().key(KeyPurpose::auth));
  };
  const Bytes dev_a = node_set(Environment::dev, "a"), dev_b = node_set(Environment::dev, "b");
  const Bytes prod_a = node_set(Environment::prod, "a"), prod_b = node_set(Environment::prod, "b");
  EXPECT_NE(dev_a, dev_b);  // shared development masters, different customers
  EXPECT_NE(dev_a, prod_a);
  EXPECT_NE(prod_a, prod_b);
  // Both development customers use the one set of shared development masters.
  EXPECT_EQ(store.find_objects("meshsec/dev/master/auth").value().size(), 1u);
}

TEST(CustodyDerivation, RefusesBadInputs) {
  hsm::MemoryKeyStore store;
  auto masters = provision_customer_masters(store, Environment::prod, "acme");
  ASSERT_TRUE(masters.ok());
  DerivationInput in;
  in.customer_id = "acme";
  in.purpose = KeyPurpose::blob;
  in.subject_id = 9;  // blob keys have no subject
  EXPECT_EQ(derive_key_for_export(store, masters.value().blob, in).error(), hsm::HsmError::bad_argument);
  in.subject_id = 0;
  EXPECT_EQ(derive_key_for_export(store, hsm::invalid_handle, in).error(), hsm::HsmError::not_found);
  // The blob signing key is not a derivation master.
  EXPECT_EQ(derive_key_for_export(store, masters.value().blob_signing.private_key, in).error(),
            hsm::HsmError::bad_mechanism);
  CustomerContext bad{"acme", Environment::prod, static_cast<KeySize>(100)};
  EXPECT_EQ(derive_node_key_set(store, masters.value(), bad, NodeKeyRequest{}).error(), hsm::HsmError::bad_argument);
  // A cover key names a subtree; 0 names none.
  in.purpose = KeyPurpose::cover;
  in.subject_id = 1;
  in.version = no_subtree;
  EXPECT_EQ(derive_key_for_export(store, masters.value().master(KeyPurpose::cover), in).error(),
            hsm::HsmError::bad_argument);
  // An id above the mesh's has no place in the cover tree.
  NodeKeyRequest beyond;
  beyond.node_id = max_mesh_node_id + 1;
  EXPECT_EQ(derive_node_key_set(store, masters.value(), CustomerContext{"acme", Environment::prod, KeySize::bits256},
                                beyond)
                .error(),
            hsm::HsmError::bad_argument);
}
