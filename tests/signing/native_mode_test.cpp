// meshsec-native mode: per-node keys from the customer master (in custody on the gateway),
// several nonces per sender, 64-bit minimum MAC, authenticated echoes, whitelist
// administration over the air, and the attacks native mode exists to stop.
#include <gtest/gtest.h>

#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "hsm/memory_key_store.hpp"
#include "signing/custody_peer_keys.hpp"
#include "signing/frame_signature.hpp"
#include "signing/native_key.hpp"
#include "signing/soft_atsha204_backend.hpp"
#include "signing/whitelist_file.hpp"
#include "signing_harness.hpp"

namespace meshsec::signing {
namespace {
using testing::deliver;
using testing::exchange;
using testing::set_message;

constexpr const char* customer = "acme";

class FileSink final : public WhitelistSink {
 public:
  FileSink(std::filesystem::path path, HmacKey& key) : path_(std::move(path)), key_(key) {}
  SigningError persist(const Whitelist& list) noexcept override { return save_whitelist_file(path_, list, key_); }

 private:
  std::filesystem::path path_;
  HmacKey& key_;
};

class NativeNetwork : public ::testing::Test {
 protected:
  void SetUp() override {
    master.fill(0x5A);
    hsm::KeyTemplate t;
    t.label = "customer-master";
    t.type = hsm::KeyType::generic_secret;
    t.length = 32;
    t.usage.derive = true;
    auto h = store.import_secret(t, master);
    ASSERT_TRUE(h.ok());
    gateway_keys = std::make_unique<CustodyPeerKeys>(store, h.value(), customer);
    const auto psk = testing::test_psk();
    ASSERT_EQ(backend.init(psk), SigningError::ok);
    gateway = std::make_unique<SigningNode>(config(0), backend, gateway_keys.get());
    for (std::uint8_t id : {std::uint8_t{5}, std::uint8_t{7}}) {
      std::array<std::uint8_t, 32> k{};
      ASSERT_EQ(derive_native_key(master, customer, id, 0, k), SigningError::ok);
      ASSERT_EQ(node_keys[id == 5 ? 0 : 1].add(0, k), SigningError::ok);
    }
    node5 = std::make_unique<SigningNode>(config(5), backend, &node_keys[0]);
    node7 = std::make_unique<SigningNode>(config(7), backend, &node_keys[1]);
    // Presentations: everyone speaks native.
    const std::uint8_t flags = mys::presentation_requires_signatures | mys::presentation_native;
    for (std::uint8_t id : {std::uint8_t{5}, std::uint8_t{7}}) gateway->set_peer_flags(id, flags);
    node5->set_peer_flags(0, flags);
    node7->set_peer_flags(0, flags);
  }
  static SigningConfig config(std::uint8_t id) {
    SigningConfig c;
    c.node_id = id;
    c.native = true;
    return c;
  }
  std::array<std::uint8_t, 32> master{};
  hsm::MemoryKeyStore store{hsm::MemoryKeyStore::Options{.allow_import = true}};
  std::unique_ptr<CustodyPeerKeys> gateway_keys;
  std::array<NodePeerKeys, 2> node_keys;
  SoftAtsha204Backend backend;
  std::unique_ptr<SigningNode> gateway, node5, node7;
};

TEST_F(NativeNetwork, CustodyDerivationEqualsDeviceDerivation) {
  std::array<std::uint8_t, 32> k5{};
  ASSERT_EQ(derive_native_key(master, customer, 5, 0, k5), SigningError::ok);
  SoftHmacKey soft;
  ASSERT_EQ(soft.init(k5), SigningError::ok);
  std::array<std::uint8_t, 32> a{}, b{};
  const std::array<std::uint8_t, 3> msg{1, 2, 3};
  ASSERT_EQ(soft.hmac(msg, a), SigningError::ok);
  ASSERT_EQ(gateway_keys->key_for_peer(5)->hmac(msg, b), SigningError::ok);
  EXPECT_EQ(a, b);
  // The derived object never leaves custody.
  EXPECT_FALSE(store.export_secret(gateway_keys->handle_for(5)).ok());
}

TEST_F(NativeNetwork, BothDirectionsVerify) {
  mys::Frame air;
  ASSERT_EQ(exchange(*node5, *gateway, set_message(5, 0, {1, 2}), 10, air), SigningError::ok);
  EXPECT_EQ(signature_identifier(air), static_cast<std::uint8_t>(Scheme::native));
  EXPECT_EQ(deliver(*gateway, air, 11), SigningError::ok);
  ASSERT_EQ(exchange(*gateway, *node5, set_message(0, 5, {3}), 20, air), SigningError::ok);
  EXPECT_EQ(deliver(*node5, air, 21), SigningError::ok);
  EXPECT_EQ(deliver(*node5, air, 22), SigningError::no_nonce);  // replay
}

TEST_F(NativeNetwork, StolenNodeKeyCannotSignAsAnotherNode) {
  // The thief holds node 5's key and claims to be node 7.
  NodePeerKeys stolen;
  std::array<std::uint8_t, 32> k5{};
  ASSERT_EQ(derive_native_key(master, customer, 5, 0, k5), SigningError::ok);
  ASSERT_EQ(stolen.add(0, k5), SigningError::ok);
  SigningNode thief(config(7), backend, &stolen);
  thief.set_peer_flags(0, mys::presentation_requires_signatures | mys::presentation_native);
  mys::Frame air;
  ASSERT_EQ(exchange(thief, *gateway, set_message(7, 0, {1}), 10, air), SigningError::ok);
  EXPECT_EQ(deliver(*gateway, air, 11), SigningError::bad_signature);
  // Nor can the network PSK (compat scheme) stand in for a native peer: no downgrade.
  SigningNode compat_thief(SigningConfig{.node_id = 7}, backend);
  compat_thief.set_peer_flags(0, mys::presentation_requires_signatures);
  ASSERT_EQ(exchange(compat_thief, *gateway, set_message(7, 0, {1}), 20, air), SigningError::ok);
  EXPECT_EQ(deliver(*gateway, air, 21), SigningError::bad_identifier);
  EXPECT_EQ(deliver(*gateway, set_message(7, 0, {1}), 22), SigningError::not_signed);
}

TEST_F(NativeNetwork, BurstOfCommandsToOneNodeAllArrive) {
  // MySensors issues #1458/#1512: four commands in a row, nonces requested back to back.
  std::array<mys::Frame, 4> requests{};
  for (std::uint8_t i = 0; i < 4; ++i) {
    bool awaiting = false;
    ASSERT_EQ(gateway->begin_send(set_message(0, 5, {i}), 100, requests[i], awaiting), SigningError::ok);
    ASSERT_TRUE(awaiting);
  }
  std::array<mys::Frame, 4> responses{};
  for (std::size_t i = 0; i < 4; ++i) ASSERT_EQ(node5->on_nonce_request(requests[i], 101, responses[i]), SigningError::ok);
  std::array<mys::Frame, 4> signed_frames{};
  for (std::size_t i = 0; i < 4; ++i) ASSERT_EQ(gateway->on_nonce_response(responses[i], 102, signed_frames[i]), SigningError::ok);
  // Delivered out of order: each finds its own nonce.
  for (std::size_t i : {2U, 0U, 3U, 1U}) EXPECT_EQ(deliver(*node5, signed_frames[i], 103), SigningError::ok);
  // A fifth request would exceed the per-destination bound.
  bool awaiting = false;
  mys::Frame out;
  for (std::uint8_t i = 0; i < 4; ++i) ASSERT_EQ(gateway->begin_send(set_message(0, 5, {i}), 200, out, awaiting), SigningError::ok);
  EXPECT_EQ(gateway->begin_send(set_message(0, 5, {9}), 200, out, awaiting), SigningError::pool_full);
}

TEST_F(NativeNetwork, NeverFewerThan64MacBits) {
  bool awaiting = false;
  mys::Frame out;
  EXPECT_EQ(node5->begin_send(set_message(5, 0, std::vector<std::uint8_t>(17, 1)), 0, out, awaiting),
            SigningError::payload_too_long);
  mys::Frame air;
  ASSERT_EQ(exchange(*node5, *gateway, set_message(5, 0, std::vector<std::uint8_t>(16, 1)), 10, air), SigningError::ok);
  EXPECT_EQ(air.trailer().size() - 1, native_min_mac_bytes);
  EXPECT_EQ(deliver(*gateway, air, 11), SigningError::ok);
}

TEST_F(NativeNetwork, EchoesAreAuthenticated) {
  // MySensors issue #296: an unsigned echo would slip through; native peers must sign it.
  EXPECT_EQ(deliver(*node5, set_message(0, 5, {1}, 3, /*is_echo=*/true), 10), SigningError::not_signed);
  mys::Frame air;
  ASSERT_EQ(exchange(*gateway, *node5, set_message(0, 5, {1}, 3, true), 20, air), SigningError::ok);
  EXPECT_TRUE(air.is_signed());
  EXPECT_EQ(deliver(*node5, air, 21), SigningError::ok);
}

TEST_F(NativeNetwork, WhitelistAdministeredOverTheAirAndPersisted) {
  const auto dir = std::filesystem::temp_directory_path() / ("meshsec-signing-" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  std::array<std::uint8_t, 32> storage_key{};
  storage_key.fill(0x33);
  SoftHmacKey storage;
  ASSERT_EQ(storage.init(storage_key), SigningError::ok);
  FileSink sink(dir / "whitelist.bin", storage);
  SigningNode node(config(5), backend, &node_keys[0], &sink);
  node.set_peer_flags(0, mys::presentation_requires_signatures | mys::presentation_native);

  // Gateway adds node 7, then revokes it: each a signed admin frame, single use.
  const Serial serial7{7, 7, 7, 7, 7, 7, 7, 7, 7};
  mys::Frame air;
  ASSERT_EQ(exchange(*gateway, node, make_whitelist_admin(5, {AdminOperation::add, 7, serial7}), 10, air),
            SigningError::ok);
  ASSERT_EQ(deliver(node, air, 11), SigningError::ok);
  ASSERT_NE(node.whitelist().find(7), nullptr);
  EXPECT_EQ(deliver(node, air, 12), SigningError::no_nonce);  // replayed admin frame
  ASSERT_EQ(exchange(*gateway, node, make_whitelist_admin(5, {AdminOperation::revoke, 7, {}}), 20, air),
            SigningError::ok);
  ASSERT_EQ(deliver(node, air, 21), SigningError::ok);
  EXPECT_TRUE(node.whitelist().is_revoked(7));

  // Persisted: a fresh load sees the revocation; a tampered file is refused.
  Whitelist loaded;
  ASSERT_EQ(load_whitelist_file(dir / "whitelist.bin", storage, loaded), SigningError::ok);
  EXPECT_TRUE(loaded.is_revoked(7));
  EXPECT_EQ(loaded.generation(), node.whitelist().generation());
  {
    std::fstream f(dir / "whitelist.bin", std::ios::in | std::ios::out | std::ios::binary);
    f.seekp(12);
    f.put('\x01');
  }
  Whitelist tampered;
  EXPECT_EQ(load_whitelist_file(dir / "whitelist.bin", storage, tampered), SigningError::corrupt_store);
  std::filesystem::remove_all(dir);

  // An admin frame from anyone but the gateway, or unsigned, does nothing.
  mys::Frame fake = make_whitelist_admin(5, {AdminOperation::add, 9, serial7});
  fake.bytes[1] = 7;
  EXPECT_EQ(deliver(node, fake, 30), SigningError::not_authorised);
  EXPECT_EQ(deliver(node, make_whitelist_admin(5, {AdminOperation::add, 9, serial7}), 31), SigningError::not_authorised);
  EXPECT_EQ(node.whitelist().find(9), nullptr);
}

TEST_F(NativeNetwork, RevokedNativeNodeIsRefused) {
  mys::Frame air;
  ASSERT_EQ(exchange(*node5, *gateway, set_message(5, 0, {1}), 10, air), SigningError::ok);
  ASSERT_EQ(gateway->apply_admin({AdminOperation::revoke, 5, {}}), SigningError::ok);
  EXPECT_EQ(deliver(*gateway, air, 11), SigningError::revoked);
}

TEST_F(NativeNetwork, MySensorsNodesKeepWorkingBesideNativeOnes) {
  SigningNode legacy(SigningConfig{.node_id = 3}, backend);
  legacy.set_peer_flags(0, mys::presentation_requires_signatures);  // the gateway's reply
  gateway->set_peer_flags(3, mys::presentation_requires_signatures);
  mys::Frame air;
  ASSERT_EQ(exchange(legacy, *gateway, set_message(3, 0, {1}), 10, air), SigningError::ok);
  EXPECT_EQ(signature_identifier(air), static_cast<std::uint8_t>(Scheme::mysensors));
  EXPECT_EQ(deliver(*gateway, air, 11), SigningError::ok);
}

}  // namespace
}  // namespace meshsec::signing
