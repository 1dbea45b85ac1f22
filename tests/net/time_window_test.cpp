// M5: global time, reconstruction of the 16 bits on air, and the acceptance window.
#include <gtest/gtest.h>

#include "net/global_clock.hpp"
#include "net_fixture.hpp"

using namespace meshsec;
using namespace meshsec::net;
using namespace meshsec::net::testing;

TEST(GlobalClock, CarriesTimeForwardWithTheLocalClock) {
  GlobalClock clock(1000);
  EXPECT_FALSE(clock.synced());
  clock.tick(5'000);
  clock.adopt(70'000);
  clock.tick(7'999);
  EXPECT_EQ(clock.now(), 70'002u);
  clock.tick(3'000);  // the local clock never goes back
  EXPECT_EQ(clock.now(), 70'002u);
}

TEST(GlobalClock, ReconstructsAcrossThe16BitWrap) {
  GlobalClock clock(1000);
  clock.adopt(0x2fffe);
  std::uint32_t full = 0;
  ASSERT_TRUE(clock.reconstruct(0x0001, full));
  EXPECT_EQ(full, 0x30001u);
  ASSERT_TRUE(clock.reconstruct(0xfff0, full));
  EXPECT_EQ(full, 0x2fff0u);
  clock.adopt(3);
  EXPECT_FALSE(clock.reconstruct(0xfff0, full));  // would lie before slot 0
}

TEST(TimeWindow, FrameTooOldOrFromTheFutureIsDropped) {
  auto tx = make_node(1, 5000);
  auto rx = make_node(2, 5000);
  // Past: sent at 5000, received when the receiver is 18 slots later (window 17).
  const Frame old_frame = send_frame(**tx, 2, kSensorToken);
  (*rx)->set_global_time(5018);
  EXPECT_EQ(deliver(**rx, old_frame).reason, DropReason::time_too_old);
  // The edge of the window still passes.
  auto rx2 = make_node(3, 5017);
  EXPECT_TRUE(deliver(**rx2, old_frame).accepted());
  // Future: a sender two slots ahead of a receiver (window 1 ahead).
  auto ahead = make_node(4, 6002);
  auto behind = make_node(5, 6000);
  EXPECT_EQ(deliver(**behind, send_frame(**ahead, 5, kSensorToken)).reason, DropReason::time_in_future);
  auto ahead1 = make_node(6, 6001);
  EXPECT_TRUE(deliver(**behind, send_frame(**ahead1, 5, kSensorToken)).accepted());
}

TEST(TimeWindow, UnsyncedNodeDropsDataFrames) {
  auto tx = make_node(1, 100);
  TestNode rx(config_for(2));
  const auto kek = kek_for(2);
  ASSERT_EQ(rx->provision(0, kNetKey, kek), SetupError::ok);
  EXPECT_EQ(deliver(*rx, send_frame(**tx, 2, kSensorToken)).reason, DropReason::not_synced);
  SendError e = SendError::ok;
  (void)send_frame(*rx, 1, kSensorToken, &e);
  EXPECT_EQ(e, SendError::not_synced);
}
