// The secure-element backend and native custody keys on a real SoftHSM2 token in a
// temporary directory: the PSK and the customer master never leave the token.
#include <gtest/gtest.h>

#include "hsm/pkcs11_test_token.hpp"
#include "signing/custody_peer_keys.hpp"
#include "signing/native_key.hpp"
#include "signing/secure_element_backend.hpp"
#include "signing/soft_atsha204_backend.hpp"
#include "signing_harness.hpp"

namespace meshsec::signing {
namespace {

TEST(SoftHsmToken, SecureElementBackendSignsInsideTheToken) {
  meshsec::testing::Pkcs11TestToken token;
  if (!token.ready()) GTEST_SKIP() << "SoftHSM2 not available: " << token.error();
  auto store = token.open(/*allow_import=*/true);
  ASSERT_NE(store, nullptr);
  const auto psk = testing::test_psk();
  auto handle = store->import_secret(psk_key_template("mysensors-psk"), psk);
  ASSERT_TRUE(handle.ok());
  EXPECT_FALSE(store->export_secret(handle.value()).ok());
  SecureElementBackend se(*store, handle.value());
  SoftAtsha204Backend soft;
  ASSERT_EQ(soft.init(psk), SigningError::ok);

  // A node with the token-held PSK talks to a soft MySensors-style gateway.
  SigningConfig n;
  n.node_id = 1;
  SigningNode node(n, se);
  node.set_peer_flags(0, mys::presentation_requires_signatures);
  SigningNode gateway(SigningConfig{}, soft);
  gateway.set_peer_flags(1, mys::presentation_requires_signatures);
  mys::Frame air;
  ASSERT_EQ(testing::exchange(node, gateway, testing::set_message(1, 0, {4, 2}), 10, air), SigningError::ok);
  EXPECT_EQ(testing::deliver(gateway, air, 11), SigningError::ok);
  // And the other way: the token verifies.
  ASSERT_EQ(testing::exchange(gateway, node, testing::set_message(0, 1, {1}), 20, air), SigningError::ok);
  EXPECT_EQ(testing::deliver(node, air, 21), SigningError::ok);
}

TEST(SoftHsmToken, NativeKeysDerivedInsideTheToken) {
  meshsec::testing::Pkcs11TestToken token;
  if (!token.ready()) GTEST_SKIP() << "SoftHSM2 not available: " << token.error();
  auto store = token.open(/*allow_import=*/true);
  ASSERT_NE(store, nullptr);
  std::array<std::uint8_t, 32> master{};
  master.fill(0x5A);
  hsm::KeyTemplate t;
  t.label = "customer-master";
  t.type = hsm::KeyType::generic_secret;
  t.length = 32;
  t.usage.derive = true;
  auto m = store->import_secret(t, master);
  ASSERT_TRUE(m.ok()) << hsm::to_string(m.error());
  CustodyPeerKeys keys(*store, m.value(), "acme");
  HmacKey* k5 = keys.key_for_peer(5);
  ASSERT_NE(k5, nullptr);
  std::array<std::uint8_t, 32> device_key{};
  ASSERT_EQ(derive_native_key(master, "acme", 5, 0, device_key), SigningError::ok);
  SoftHmacKey device;
  ASSERT_EQ(device.init(device_key), SigningError::ok);
  const std::array<std::uint8_t, 4> msg{1, 2, 3, 4};
  std::array<std::uint8_t, 32> a{}, b{};
  ASSERT_EQ(k5->hmac(msg, a), SigningError::ok);
  ASSERT_EQ(device.hmac(msg, b), SigningError::ok);
  EXPECT_EQ(a, b);
  EXPECT_FALSE(store->export_secret(keys.handle_for(5)).ok());
}

}  // namespace
}  // namespace meshsec::signing
