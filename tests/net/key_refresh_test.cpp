// B1: network key refresh over the air and revocation. The distributor (address 1)
// wraps the new key for each node under that node's own key-encryption key; revoked
// node 4 gets nothing. After the old key is retired, a captured old-key frame and every
// frame from the revoked node are dropped, and the revoked node reads nothing.
#include <gtest/gtest.h>

#include "net/key_delivery_crypto.hpp"
#include "net_fixture.hpp"
#include "wire/bounded_writer.hpp"
#include "wire/key_delivery.hpp"
#include "wire/net_token.hpp"

using namespace meshsec;
using namespace meshsec::net;
using namespace meshsec::net::testing;

namespace {

Frame delivery_blob(std::uint16_t target, std::uint32_t epoch, std::uint8_t flags,
                    std::span<const std::uint8_t> new_key, std::uint16_t net_id,
                    std::span<const std::uint8_t> kek_bytes) {
  crypto::AesAead kek;
  EXPECT_EQ(init_key_encryption_key(kek, kek_bytes), crypto::Status::ok);
  Frame blob(wire::KeyDeliveryLayout::size_256);
  std::size_t n = 0;
  EXPECT_EQ(seal_key_delivery(kek, net_id, target, epoch, flags, new_key, blob, n), BuildError::ok);
  blob.resize(n);
  return blob;
}

Frame token(std::uint8_t type, std::span<const std::uint8_t> value) {
  Frame out(value.size() + 2);
  wire::BoundedWriter w(out);
  EXPECT_EQ(wire::write_token(w, type, value), wire::WireError::ok);
  return out;
}

Frame phase_token(std::uint32_t epoch, std::uint8_t phase) {
  const std::array<std::uint8_t, 5> v{static_cast<std::uint8_t>(epoch >> 24), static_cast<std::uint8_t>(epoch >> 16),
                                      static_cast<std::uint8_t>(epoch >> 8), static_cast<std::uint8_t>(epoch), phase};
  return token(wire::NetTokenType::key_phase, v);
}

struct Network {
  Network() {
    for (std::uint16_t a = 1; a <= 4; ++a) nodes.push_back(make_node(a, 1000));
  }
  NetworkLayer& at(std::uint16_t a) { return **nodes[a - 1]; }
  // Broadcast from `from` to every other node; returns the frame.
  Frame broadcast(std::uint16_t from, std::span<const std::uint8_t> tokens) {
    SendError e = SendError::ok;
    Frame f = send_frame(at(from), 0xffff, tokens, &e);
    EXPECT_EQ(e, SendError::ok);
    for (std::uint16_t a = 1; a <= 4; ++a)
      if (a != from) last[a] = deliver(at(a), f);
    return f;
  }
  std::vector<std::unique_ptr<TestNode>> nodes;
  RxResult last[5];
};

}  // namespace

TEST(KeyRefresh, RefreshRevokesANodeAndRetiresTheOldKey) {
  Network net;
  const std::uint16_t id = net.at(1).net_id();
  // Eve records a genuine old-key frame before the refresh.
  SendError e = SendError::ok;
  const Frame captured = send_frame(net.at(2), 0xffff, kSensorToken, &e);

  // Phase 1: the distributor stages epoch 1 and delivers it to nodes 2 and 3 only.
  ASSERT_EQ(net.at(1).stage_key(1, kNewNetKey), KeyChange::installed);
  for (const std::uint16_t target : {std::uint16_t{2}, std::uint16_t{3}}) {
    const auto kek = kek_for(target);
    const Frame blob = delivery_blob(target, 1, wire::KeyDeliveryLayout::flag_staged, kNewNetKey, id, kek);
    const Frame tok = token(wire::NetTokenType::key_delivery, blob);
    const Frame f = send_frame(net.at(1), target, tok, &e);
    ASSERT_EQ(e, SendError::ok);
    ASSERT_TRUE(deliver(net.at(target), f).accepted());
    EXPECT_EQ(net.at(target).keys().phase(), KeyPhase::staged);
    EXPECT_TRUE(net.at(target).keys().holds_epoch(1));
    EXPECT_EQ(net.at(target).keys().send_epoch(), 0u);  // still sending with the old key
  }
  EXPECT_FALSE(net.at(4).keys().holds_epoch(1));

  // The revoked node tries to end the transition early under the old key: refused.
  net.broadcast(4, phase_token(1, 3));
  EXPECT_EQ(net.at(2).keys().phase(), KeyPhase::staged);
  EXPECT_EQ(net.at(2).counters().of(DropReason::key_phase_rejected), 1u);

  // Phase 2: switch. The switch message is sealed under the new key itself.
  ASSERT_EQ(net.at(1).switch_key(1), KeyChange::installed);
  net.broadcast(1, phase_token(1, 2));
  for (const std::uint16_t a : {std::uint16_t{2}, std::uint16_t{3}}) EXPECT_EQ(net.at(a).keys().send_epoch(), 1u);
  EXPECT_EQ(net.last[4].reason, DropReason::unknown_key_index);
  // Both keys are accepted during the transition.
  net.at(2).tick(1'000);
  net.at(3).tick(1'000);
  net.at(4).tick(1'000);
  net.at(1).tick(1'000);
  net.broadcast(2, kSensorToken);  // new key
  EXPECT_TRUE(net.last[3].accepted());
  net.broadcast(4, kSensorToken);  // old key, still accepted for now
  EXPECT_TRUE(net.last[3].accepted());

  // Phase 3: retire the old key.
  ASSERT_EQ(net.at(1).retire_key(1), KeyChange::installed);
  net.broadcast(1, phase_token(1, 3));
  for (const std::uint16_t a : {std::uint16_t{2}, std::uint16_t{3}}) {
    EXPECT_EQ(net.at(a).keys().phase(), KeyPhase::normal);
    EXPECT_FALSE(net.at(a).keys().holds_epoch(0));
    EXPECT_EQ(net.at(a).counters().keys_retired, 1u);
  }

  // After the refresh: the captured old-key frame is dropped (node 3 never saw it, and it
  // is still inside the time window, so only the key can stop it).
  EXPECT_EQ(deliver(net.at(3), captured).reason, DropReason::unknown_key_index);
  // Every frame of the revoked node is dropped...
  net.broadcast(4, kSensorToken);
  for (const std::uint16_t a : {std::uint16_t{1}, std::uint16_t{2}, std::uint16_t{3}}) EXPECT_EQ(net.last[a].reason, DropReason::unknown_key_index);
  // ...and it can read nothing any more.
  net.broadcast(2, kSensorToken);
  EXPECT_TRUE(net.last[3].accepted());
  EXPECT_EQ(net.last[4].reason, DropReason::unknown_key_index);
}

TEST(KeyRefresh, DeliveryIsBoundToNodeEpochAndKey) {
  auto node = make_node(2, 1000);
  const std::uint16_t id = (*node)->net_id();
  const auto kek = kek_for(2);
  const auto wrong_kek = kek_for(3);
  auto bare = [&](const Frame& blob) {
    std::array<std::uint8_t, NetworkLayer::max_radio_frame> out{};
    std::size_t n = 0;
    auto sender = make_node(1, 1000);
    EXPECT_EQ((*sender)->make_key_delivery_frame(2, blob, out, n), SendError::ok);
    return deliver(**node, Frame(out.begin(), out.begin() + static_cast<std::ptrdiff_t>(n))).reason;
  };
  // Sealed under another node's key: refused.
  EXPECT_EQ(bare(delivery_blob(2, 1, 1, kNewNetKey, id, wrong_kek)), DropReason::key_delivery_mac_failure);
  // Addressed to another node: refused before any cryptography.
  EXPECT_EQ(bare(delivery_blob(3, 1, 1, kNewNetKey, id, kek)), DropReason::key_delivery_not_for_us);
  // Target or epoch changed in transit: the nonce and AAD bind them.
  Frame good = delivery_blob(2, 1, 1, kNewNetKey, id, kek);
  for (std::size_t i : {1u, 5u, 6u, 10u, 30u}) {
    Frame bad = good;
    bad[i] ^= (i == 6 ? 0x03 : 0x01);  // flags 1 -> 2 stays a valid value
    const DropReason r = bare(bad);
    EXPECT_TRUE(r == DropReason::key_delivery_mac_failure || r == DropReason::key_delivery_not_for_us ||
                r == DropReason::key_delivery_stale)
        << i;
  }
  // Another installation's delivery for the same node address and key: refused.
  EXPECT_EQ(bare(delivery_blob(2, 1, 1, kNewNetKey, static_cast<std::uint16_t>(id ^ 1), kek)),
            DropReason::key_delivery_mac_failure);
  EXPECT_FALSE((*node)->keys().holds_epoch(1));
  // The genuine one is taken once; its replay is stale.
  EXPECT_EQ(bare(good), DropReason::none);
  EXPECT_TRUE((*node)->keys().holds_epoch(1));
  EXPECT_EQ(bare(good), DropReason::key_delivery_stale);
  // An older epoch replayed later is stale too.
  EXPECT_EQ(bare(delivery_blob(2, 0, 2, kOtherNetKey, id, kek)), DropReason::key_delivery_stale);
}

TEST(KeyRefresh, RefreshToAn256BitKey) {
  auto dist = make_node(1, 1000);
  auto node = make_node(2, 1000);
  std::array<std::uint8_t, 32> key256{};
  for (std::size_t i = 0; i < key256.size(); ++i) key256[i] = static_cast<std::uint8_t>(0x80 + i);
  const auto kek = kek_for(2);
  const Frame blob = delivery_blob(2, 1, wire::KeyDeliveryLayout::flag_final, key256, (*node)->net_id(), kek);
  EXPECT_EQ(blob.size(), wire::KeyDeliveryLayout::size_256);
  const Frame f = send_frame(**dist, 2, token(wire::NetTokenType::key_delivery, blob));
  ASSERT_TRUE(deliver(**node, f).accepted());
  EXPECT_EQ((*node)->keys().send_epoch(), 1u);
  EXPECT_FALSE((*node)->keys().holds_epoch(0));  // "final": the only key from now on
  ASSERT_EQ((*dist)->stage_key(1, key256), KeyChange::installed);
  ASSERT_EQ((*dist)->retire_key(1), KeyChange::installed);
  EXPECT_TRUE(deliver(**node, send_frame(**dist, 2, kSensorToken)).accepted());
}

// §7.5: a neighbour hands a broadcast rekey on in a clear key delivery frame to the
// broadcast address. The network layer passes its body up unchecked (the mesh layer checks
// signatures, tag and commitment), and a key taken from it is installed as the only one.
TEST(KeyRefresh, HandedOnRekeyBodiesReachTheMeshLayerAndInstallAsTheOnlyKey) {
  Network net;
  const std::array<std::uint8_t, 5> body{7, 0, 0, 0, 1};
  std::array<std::uint8_t, NetworkLayer::max_radio_frame> out{};
  std::size_t n = 0;
  ASSERT_EQ(net.at(2).make_rekey_catch_up_frame(body, out, n), SendError::ok);
  const RxResult r = deliver(net.at(3), std::span<const std::uint8_t>(out).first(n));
  ASSERT_TRUE(r.accepted());
  EXPECT_EQ(r.header.type, wire::NetFrameType::key_delivery);
  EXPECT_TRUE(std::equal(r.rekey_catch_up.begin(), r.rekey_catch_up.end(), body.begin(), body.end()));
  // An empty hand-on is malformed; a delivery to one node still goes the §7.1 way.
  ASSERT_EQ(net.at(2).make_rekey_catch_up_frame({}, out, n), SendError::ok);
  EXPECT_EQ(deliver(net.at(3), std::span<const std::uint8_t>(out).first(n)).reason, DropReason::malformed);

  // Epochs only move forward; the epoch held is not taken again once normal...
  EXPECT_EQ(net.at(3).install_caught_up_key(0, kNewNetKey), KeyChange::unchanged);
  ASSERT_EQ(net.at(3).install_caught_up_key(1, kNewNetKey), KeyChange::installed);
  EXPECT_EQ(net.at(3).keys().phase(), KeyPhase::normal);
  EXPECT_FALSE(net.at(3).keys().holds_epoch(0)) << "the retired key goes: a revoked node's frames die here";
  EXPECT_EQ(net.at(3).install_caught_up_key(0, kNetKey), KeyChange::stale);
  EXPECT_EQ(net.at(3).install_caught_up_key(1, kNewNetKey), KeyChange::unchanged);
  // ...but a node that staged it and missed the switch or retirement is confirmed by it.
  ASSERT_EQ(net.at(4).stage_key(1, kNewNetKey), KeyChange::installed);
  ASSERT_EQ(net.at(4).install_caught_up_key(1, kNewNetKey), KeyChange::installed);
  EXPECT_EQ(net.at(4).keys().phase(), KeyPhase::normal);
  EXPECT_EQ(net.at(4).keys().send_epoch(), 1U);
  EXPECT_FALSE(net.at(4).keys().holds_epoch(0));
}
