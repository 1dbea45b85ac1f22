// M5 + B1: a node powered off for three days — through three 16-bit time epochs and a
// key refresh with retirement — rejoins on its own: it asks for the time in the clear,
// receives the new key wrapped under its own key, then takes the time from an answer
// bound to its fresh challenge. Nothing old can be replayed into it on the way.
#include <gtest/gtest.h>

#include "net/key_delivery_crypto.hpp"
#include "net_fixture.hpp"
#include "wire/key_delivery.hpp"

using namespace meshsec;
using namespace meshsec::net;
using namespace meshsec::net::testing;

namespace {

Frame radio(std::span<const std::uint8_t> out, std::size_t n) {
  return Frame(out.begin(), out.begin() + static_cast<std::ptrdiff_t>(n));
}

}  // namespace

TEST(Rejoin, NodeAsleepForDaysThroughEpochsAndAKeyRefreshRejoins) {
  auto gateway = make_node(1, 1000);  // also the key distributor
  auto neighbour = make_node(2, 1000);
  auto sleeper = make_node(3, 1000);
  std::array<std::uint8_t, NetworkLayer::max_radio_frame> out{};
  std::size_t n = 0;

  const Frame old_frame = send_frame(**sleeper, 2, kSensorToken);
  ASSERT_TRUE(deliver(**neighbour, old_frame).accepted());
  const Frame old_neighbour_frame = send_frame(**neighbour, 3, kSensorToken);
  // Power off.
  const std::uint32_t three_days = 1000 + 3 * 86'400;
  (*gateway)->set_global_time(three_days - 100);
  (*neighbour)->set_global_time(three_days - 100);
  // Meanwhile: refresh to epoch 1 (final delivery to the neighbour), old key retired.
  ASSERT_EQ((*gateway)->stage_key(1, kNewNetKey), KeyChange::installed);
  ASSERT_EQ((*gateway)->retire_key(1), KeyChange::installed);
  {
    crypto::AesAead kek;
    const auto kek_bytes = kek_for(2);
    ASSERT_EQ(init_key_encryption_key(kek, kek_bytes), crypto::Status::ok);
    std::array<std::uint8_t, 64> blob{};
    std::size_t bn = 0;
    ASSERT_EQ(seal_key_delivery(kek, (*gateway)->net_id(), 2, 1, wire::KeyDeliveryLayout::flag_final, kNewNetKey,
                                blob, bn),
              BuildError::ok);
    ASSERT_EQ((*gateway)->make_key_delivery_frame(2, std::span(blob).first(bn), out, n), SendError::ok);
    ASSERT_TRUE(deliver(**neighbour, radio(out, n)).accepted());
  }
  (*gateway)->set_global_time(three_days);
  (*neighbour)->set_global_time(three_days);

  // Power on, three days later: no time, old key.
  ASSERT_TRUE(sleeper->reboot(0));
  EXPECT_FALSE((*sleeper)->synced());
  // Old traffic replayed at it now goes nowhere.
  EXPECT_EQ(deliver(**sleeper, old_neighbour_frame).reason, DropReason::not_synced);
  SendError e = SendError::ok;
  EXPECT_TRUE(send_frame(**sleeper, 2, kSensorToken, &e).empty());
  EXPECT_EQ(e, SendError::not_synced);

  // 1. It asks for the time (clear, one hop), saying which key epoch it holds.
  ASSERT_EQ((*sleeper)->make_sync_request(out, n), SendError::ok);
  const Frame request = radio(out, n);
  const RxResult at_neighbour = deliver(**neighbour, request);
  ASSERT_TRUE(at_neighbour.accepted());
  EXPECT_EQ(at_neighbour.sync_request.key_epoch, 0u);
  // The neighbour's answer is under the new key: the sleeper cannot open it yet.
  ASSERT_EQ((*neighbour)->answer_sync_request(at_neighbour, out, n), SendError::ok);
  EXPECT_EQ(deliver(**sleeper, radio(out, n)).reason, DropReason::unknown_key_index);
  EXPECT_FALSE((*sleeper)->synced());

  // 2. The distributor sees the stale epoch in the same request and sends the new key,
  //    wrapped under the sleeper's own key (it would not for a revoked node).
  const RxResult at_gateway = deliver(**gateway, request);
  ASSERT_TRUE(at_gateway.accepted());
  ASSERT_LT(at_gateway.sync_request.key_epoch, (*gateway)->keys().send_epoch());
  {
    crypto::AesAead kek;
    const auto kek_bytes = kek_for(3);
    ASSERT_EQ(init_key_encryption_key(kek, kek_bytes), crypto::Status::ok);
    std::array<std::uint8_t, 64> blob{};
    std::size_t bn = 0;
    ASSERT_EQ(seal_key_delivery(kek, (*gateway)->net_id(), 3, 1, wire::KeyDeliveryLayout::flag_final, kNewNetKey,
                                blob, bn),
              BuildError::ok);
    ASSERT_EQ((*gateway)->make_key_delivery_frame(3, std::span(blob).first(bn), out, n), SendError::ok);
  }
  ASSERT_TRUE(deliver(**sleeper, radio(out, n)).accepted());
  EXPECT_EQ((*sleeper)->keys().send_epoch(), 1u);
  EXPECT_FALSE((*sleeper)->keys().holds_epoch(0));

  // 3. A new request; the answer (next slot: one answer per slot) now opens, carries the
  //    full 32-bit time and echoes the challenge.
  (*neighbour)->tick(1'000);
  ASSERT_EQ((*sleeper)->make_sync_request(out, n), SendError::ok);
  const RxResult second = deliver(**neighbour, radio(out, n));
  ASSERT_TRUE(second.accepted());
  ASSERT_EQ((*neighbour)->answer_sync_request(second, out, n), SendError::ok);
  const Frame answer = radio(out, n);
  const RxResult synced = deliver(**sleeper, answer);
  ASSERT_TRUE(synced.accepted()) << to_string(synced.reason);
  EXPECT_TRUE((*sleeper)->synced());
  EXPECT_EQ((*sleeper)->clock().now(), three_days + 1);
  // The answer cannot be replayed (its challenge is spent)...
  EXPECT_EQ(deliver(**sleeper, answer).reason, DropReason::unexpected_sync_response);

  // Back in the network: it sends and receives under the new key at the current time.
  (*gateway)->tick(1'000);
  const Frame hello = send_frame(**sleeper, 1, kSensorToken, &e);
  ASSERT_EQ(e, SendError::ok);
  EXPECT_TRUE(deliver(**gateway, hello).accepted());
  EXPECT_TRUE(deliver(**sleeper, send_frame(**neighbour, 3, kSensorToken)).accepted());
  // ...and three-day-old traffic is still dead.
  EXPECT_EQ(deliver(**sleeper, old_neighbour_frame).reason, DropReason::unknown_key_index);
  EXPECT_EQ(deliver(**neighbour, old_frame).reason, DropReason::unknown_key_index);
}

TEST(Rejoin, SyncAnswersAreBoundToTheChallengeAndToTheRequester) {
  auto a = make_node(1, 7000);
  auto b = make_node(2, 7000);
  TestNode lost(config_for(3));
  const auto kek = kek_for(3);
  ASSERT_EQ(lost->provision(0, kNetKey, kek), SetupError::ok);
  std::array<std::uint8_t, NetworkLayer::max_radio_frame> out{};
  std::size_t n = 0;
  // An answer nobody asked for is refused.
  ASSERT_EQ((*b)->make_sync_request(out, n), SendError::ok);
  const RxResult req_b = deliver(**a, radio(out, n));
  ASSERT_EQ((*a)->answer_sync_request(req_b, out, n), SendError::ok);
  EXPECT_EQ(deliver(*lost, radio(out, n)).reason, DropReason::unexpected_sync_response);
  // An answer to someone else's challenge, re-addressed by an attacker: the MIC covers
  // the destination.
  ASSERT_EQ(lost->make_sync_request(out, n), SendError::ok);
  Frame forged(out.begin(), out.begin() + static_cast<std::ptrdiff_t>(n));
  (*a)->tick(1'000);
  ASSERT_EQ((*a)->make_sync_request(out, n), SendError::ok);  // a asks b, attacker watches
  const RxResult req_a = deliver(**b, radio(out, n));
  ASSERT_EQ((*b)->answer_sync_request(req_a, out, n), SendError::ok);
  Frame readdressed = radio(out, n);
  readdressed[5] = 0x00;
  readdressed[6] = 0x03;
  fix_crc(readdressed);
  EXPECT_EQ(deliver(*lost, readdressed).reason, DropReason::mac_failure);
  EXPECT_FALSE(lost->synced());
  // Sync requests are one hop only, and a node answers once per slot.
  const RxResult req_lost = deliver(**a, forged);
  ASSERT_TRUE(req_lost.accepted());
  ASSERT_EQ((*a)->answer_sync_request(req_lost, out, n), SendError::ok);
  EXPECT_EQ((*a)->answer_sync_request(req_lost, out, n), SendError::rate_limited);
  forged[10] = 3;  // TTL
  fix_crc(forged);
  EXPECT_EQ(deliver(**a, forged).reason, DropReason::sync_not_allowed);
}

TEST(Rejoin, AnAnswerHeldBackPastTheRequestsLifetimeIsRefused) {
  // A node asks for the time; an attacker keeps the answer from it and captures it. The
  // node gets its time another way and stops asking; the captured answer, sent later,
  // still matches its last challenge, but is refused: answers count for two slots only.
  auto a = make_node(1, 7000);
  TestNode late(config_for(3));
  ASSERT_EQ(late->provision(0, kNetKey, kek_for(3)), SetupError::ok);
  std::array<std::uint8_t, NetworkLayer::max_radio_frame> out{};
  std::size_t n = 0;
  ASSERT_EQ(late->make_sync_request(out, n), SendError::ok);
  const RxResult request = deliver(**a, radio(out, n));
  ASSERT_TRUE(request.accepted());
  ASSERT_EQ((*a)->answer_sync_request(request, out, n), SendError::ok);
  const Frame captured = radio(out, n);
  late->set_global_time(7000);
  late->tick(20'000);  // 20 s later
  EXPECT_EQ(deliver(*late, captured).reason, DropReason::unexpected_sync_response);
  // The same answer on time is taken (same request, a fresh node state).
  TestNode prompt(config_for(3));
  ASSERT_EQ(prompt->provision(0, kNetKey, kek_for(3)), SetupError::ok);
  ASSERT_EQ(prompt->make_sync_request(out, n), SendError::ok);
  (*a)->tick(1'000);
  const RxResult again = deliver(**a, radio(out, n));
  ASSERT_EQ((*a)->answer_sync_request(again, out, n), SendError::ok);
  prompt->tick(500);
  EXPECT_TRUE(deliver(*prompt, radio(out, n)).accepted());
  EXPECT_TRUE(prompt->synced());
}
