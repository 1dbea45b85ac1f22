// M3: nonces never repeat, also across reboot and power loss (docs/wire-format.md §9).
#include <gtest/gtest.h>

#include <set>
#include <utility>

#include "net_fixture.hpp"
#include "wire/net_frame.hpp"

using namespace meshsec;
using namespace meshsec::net;
using namespace meshsec::net::testing;

namespace {

std::pair<std::uint32_t, std::uint8_t> nonce_of(NetworkLayer& layer, const Frame& f) {
  wire::BoundedReader in(f);
  wire::NetHeader h;
  EXPECT_EQ(wire::read_net_header(in, h), wire::WireError::ok);
  std::uint32_t full = 0;
  EXPECT_TRUE(layer.clock().reconstruct(static_cast<std::uint16_t>(h.time), full));
  return {full, h.seq};
}

}  // namespace

TEST(Reboot, PowerLossInTheMiddleOfASlotNeverReusesANonce) {
  auto node = make_node(1, 5000);  // reserves 8 slots ahead per write
  std::set<std::pair<std::uint32_t, std::uint8_t>> used;
  SendError e = SendError::ok;
  for (int i = 0; i < 3; ++i) {
    const Frame f = send_frame(**node, 2, kSensorToken, &e);
    ASSERT_EQ(e, SendError::ok);
    ASSERT_TRUE(used.insert(nonce_of(**node, f)).second);
  }
  EXPECT_EQ(node->nv->saved.reserved_until, 5008u);
  // Power lost in the middle of slot 5000, RAM gone (no chance to write anything more).
  // The node boots 200 ms later, still inside slot 5000.
  ASSERT_TRUE(node->reboot(200));
  EXPECT_FALSE((*node)->synced());
  EXPECT_TRUE(send_frame(**node, 2, kSensorToken, &e).empty());
  EXPECT_EQ(e, SendError::not_synced);  // never sends before re-syncing global time
  // Global time re-synced: still slot 5000. Every slot up to the stored reservation is
  // refused, including the one it rebooted in.
  (*node)->set_global_time(5000);
  for (std::uint32_t t = 5000; t <= 5008; ++t) {
    (*node)->set_global_time(t);
    EXPECT_TRUE(send_frame(**node, 2, kSensorToken, &e).empty()) << t;
    EXPECT_TRUE(e == SendError::time_behind_last_send || e == SendError::slot_exhausted) << to_string(e);
  }
  (*node)->set_global_time(5009);
  const Frame after = send_frame(**node, 2, kSensorToken, &e);
  ASSERT_EQ(e, SendError::ok);
  EXPECT_TRUE(used.insert(nonce_of(**node, after)).second);
  EXPECT_EQ(node->nv->saved.reserved_until, 5017u);
}

TEST(Reboot, ManyRandomPowerCutsNeverRepeatANonce) {
  auto node = make_node(1, 10'000);
  std::set<std::pair<std::uint32_t, std::uint8_t>> used;
  std::uint32_t slot = 10'000;
  std::uint32_t rng = 12345;
  auto next = [&] { rng = rng * 1103515245U + 12345U; return rng >> 16; };
  int sent = 0;
  for (int round = 0; round < 300; ++round) {
    const std::uint32_t action = next() % 10;
    if (action == 0) {
      ASSERT_TRUE(node->reboot(0));
      // It re-syncs to a time at most a few slots on (it was quick to boot) or even
      // a little behind (a lagging neighbour answered).
      slot = slot + (next() % 3) - 1;
      (*node)->set_global_time(slot);
    } else if (action <= 2) {
      slot += next() % 3;
      (*node)->set_global_time(slot);
    } else {
      SendError e = SendError::ok;
      const Frame f = send_frame(**node, 2, kSensorToken, &e);
      if (e == SendError::ok) {
        ++sent;
        EXPECT_TRUE(used.insert(nonce_of(**node, f)).second) << "nonce reused at round " << round;
      }
    }
  }
  EXPECT_GT(sent, 30);
}

TEST(Reboot, KeysReceivedOverTheAirSurviveAReboot) {
  auto node = make_node(1, 100);
  ASSERT_EQ((*node)->stage_key(1, kNewNetKey), KeyChange::installed);
  ASSERT_EQ((*node)->switch_key(1), KeyChange::installed);
  ASSERT_TRUE(node->reboot(0));
  EXPECT_EQ((*node)->keys().send_epoch(), 1u);
  EXPECT_EQ((*node)->keys().phase(), KeyPhase::switched);
  EXPECT_TRUE((*node)->keys().holds_epoch(0));
}
