// The boot chain's signing pairs in custody: labels, creation rules and the refusal of an
// object that breaks a custody rule.
#include <gtest/gtest.h>

#include <array>

#include "hsm/memory_key_store.hpp"
#include "keys/vendor_signing_keys.hpp"

namespace meshsec::keys {
namespace {

constexpr std::array<std::uint8_t, 32> kDevSeed{7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7,
                                                7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7};

hsm::MemoryKeyStore::Options importing() {
  hsm::MemoryKeyStore::Options o;
  o.allow_import = true;
  return o;
}

TEST(VendorSigningKeys, LabelsAreDistinctFromCustomerLabels) {
  EXPECT_EQ(vendor_signing_object_label(Environment::prod, VendorSigningKey::vendor_root, ""),
            "meshsec/vendor/prod/root");
  EXPECT_EQ(vendor_signing_object_label(Environment::dev, VendorSigningKey::vendor_root, "x"),
            "meshsec/vendor/dev/root");
  EXPECT_EQ(vendor_signing_object_label(Environment::prod, VendorSigningKey::app_signing, "acme"),
            "meshsec/prod/acme/app-signing");
  EXPECT_EQ(vendor_signing_object_label(Environment::dev, VendorSigningKey::app_signing, "acme"),
            "meshsec/dev/app-signing");
  EXPECT_TRUE(vendor_signing_object_label(Environment::prod, VendorSigningKey::app_signing, "a/b").empty());
}

TEST(VendorSigningKeys, ProdIsGeneratedInsideAndFoundAgain) {
  hsm::MemoryKeyStore store;
  EXPECT_EQ(find_vendor_signing_key(store, Environment::prod, VendorSigningKey::vendor_root, "").error(),
            hsm::HsmError::not_found);
  auto made = provision_vendor_signing_key(store, Environment::prod, VendorSigningKey::vendor_root, "", {});
  ASSERT_TRUE(made) << hsm::to_string(made.error());
  auto info = store.object_info(made.value().private_key);
  ASSERT_TRUE(info);
  EXPECT_TRUE(info.value().generated_inside);
  EXPECT_FALSE(info.value().usage.extractable);
  auto found = find_vendor_signing_key(store, Environment::prod, VendorSigningKey::vendor_root, "");
  ASSERT_TRUE(found);
  EXPECT_EQ(found.value().private_key, made.value().private_key);
  EXPECT_FALSE(store.export_secret(made.value().private_key));
}

TEST(VendorSigningKeys, DevIsImportedOnlyIntoAnImportingStore) {
  hsm::MemoryKeyStore closed;
  EXPECT_FALSE(provision_vendor_signing_key(closed, Environment::dev, VendorSigningKey::vendor_root, "", kDevSeed));
  hsm::MemoryKeyStore store(importing());
  auto made = provision_vendor_signing_key(store, Environment::dev, VendorSigningKey::app_signing, "acme", kDevSeed);
  ASSERT_TRUE(made);
  // Shared by every development customer (W9).
  auto other = find_vendor_signing_key(store, Environment::dev, VendorSigningKey::app_signing, "globex");
  ASSERT_TRUE(other);
  EXPECT_EQ(other.value().private_key, made.value().private_key);
}

TEST(VendorSigningKeys, ObjectBreakingACustodyRuleIsRefused) {
  hsm::MemoryKeyStore store(importing());
  hsm::KeyTemplate t;
  t.label = "meshsec/vendor/prod/root";
  t.type = hsm::KeyType::ed25519;
  t.usage.sign = true;
  // Imported, so not generated inside: refused as a production root.
  ASSERT_TRUE(store.import_key_pair(t, kDevSeed));
  EXPECT_EQ(find_vendor_signing_key(store, Environment::prod, VendorSigningKey::vendor_root, "").error(),
            hsm::HsmError::not_permitted);
  // An extractable private key is refused in any environment.
  t.label = "meshsec/vendor/dev/root";
  t.usage.extractable = true;
  t.usage.sensitive = false;
  ASSERT_TRUE(store.import_key_pair(t, kDevSeed));
  EXPECT_EQ(find_vendor_signing_key(store, Environment::dev, VendorSigningKey::vendor_root, "").error(),
            hsm::HsmError::not_permitted);
}

}  // namespace
}  // namespace meshsec::keys
