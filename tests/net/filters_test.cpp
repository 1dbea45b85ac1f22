// M4: every security-enhancing filter, each shown to drop what it must, with its counter.
#include <gtest/gtest.h>

#include <set>
#include <string>

#include "net/watchdog.hpp"
#include "net_fixture.hpp"

using namespace meshsec;
using namespace meshsec::net;
using namespace meshsec::net::testing;

namespace {

class SteppingClock final : public MicroClock {
 public:
  std::uint64_t now_us() noexcept override { return now; }
  std::uint64_t now = 0;
};

// A token handler whose work takes `cost_us` of the stepping clock per token.
struct SlowHandler final : TokenHandler {
  SlowHandler(SteppingClock& c, std::uint64_t cost) : clock(c), cost_us(cost) {}
  void on_token(std::uint16_t, std::uint8_t type, std::span<const std::uint8_t>) noexcept override {
    clock.now += cost_us;
    types.push_back(type);
  }
  SteppingClock& clock;
  std::uint64_t cost_us;
  std::vector<std::uint8_t> types;
};

}  // namespace

TEST(Filters, AcceptedFrameDeliversItsTokens) {
  auto tx = make_node(1);
  auto rx = make_node(2);
  RecordingHandler h;
  const RxResult r = deliver(**rx, send_frame(**tx, 2, kSensorToken), &h);
  ASSERT_TRUE(r.accepted()) << to_string(r.reason);
  EXPECT_TRUE(r.for_us);
  EXPECT_FALSE(r.may_relay);  // unicast to us: nothing to relay
  ASSERT_EQ(h.types.size(), 1u);
  EXPECT_EQ(h.types[0], 0x21);
  EXPECT_EQ(h.last_src, 1);
  EXPECT_EQ((*rx)->counters().of(DropReason::none), 1u);
}

TEST(Filters, BadCrcIsDropped) {
  auto tx = make_node(1);
  auto rx = make_node(2);
  Frame f = send_frame(**tx, 2, kSensorToken);
  f[5] ^= 0x10;
  EXPECT_EQ(deliver(**rx, f).reason, DropReason::bad_crc);
  EXPECT_EQ((*rx)->counters().of(DropReason::bad_crc), 1u);
}

TEST(Filters, ForeignChannelAndDomainDieBeforeAnyCryptography) {
  // Same key, other channel / other domain: if any cryptography ran, the frame would
  // verify (same key) or fail its MIC (garbage tag); it must do neither.
  auto rx = make_node(2);
  for (int which = 0; which < 2; ++which) {
    NetConfig c = config_for(9);
    if (which == 0) c.channel = 4; else c.domain = 0x2a6;
    TestNode foreign(c);
    const auto kek = kek_for(9);
    ASSERT_EQ(foreign->provision(0, kNetKey, kek), SetupError::ok);
    foreign->set_global_time(1000);
    Frame f = send_frame(*foreign, 2, kSensorToken);
    f[f.size() - 3] ^= 0xff;  // garbage MIC too
    fix_crc(f);
    EXPECT_EQ(deliver(**rx, f).reason, which == 0 ? DropReason::foreign_channel : DropReason::foreign_domain);
  }
  EXPECT_EQ((*rx)->counters().of(DropReason::mac_failure), 0u);
  EXPECT_EQ((*rx)->counters().of(DropReason::foreign_channel), 1u);
  EXPECT_EQ((*rx)->counters().of(DropReason::foreign_domain), 1u);
}

TEST(Filters, MacFailureIsDropped) {
  auto tx = make_node(1);
  auto rx = make_node(2);
  Frame f = send_frame(**tx, 2, kSensorToken);
  f[12] ^= 0x01;
  fix_crc(f);
  EXPECT_EQ(deliver(**rx, f).reason, DropReason::mac_failure);
  EXPECT_EQ((*rx)->counters().of(DropReason::mac_failure), 1u);
}

TEST(Filters, NonWhitelistedTokenEndsProcessingOfTheFrame) {
  auto tx = make_node(1);
  auto rx = make_node(2);
  const std::array<std::uint8_t, 9> tokens{0x21, 0x01, 0xaa, 0x90, 0x01, 0xbb, 0x22, 0x01, 0xcc};
  RecordingHandler h;
  const RxResult r = deliver(**rx, send_frame(**tx, 2, tokens), &h);
  ASSERT_TRUE(r.accepted());
  EXPECT_EQ(r.token_stop, DropReason::token_not_whitelisted);
  EXPECT_EQ(r.tokens_processed, 1u);
  ASSERT_EQ(h.types.size(), 1u);  // 0x22 after the refused 0x90 is never seen
  EXPECT_EQ((*rx)->counters().of(DropReason::token_not_whitelisted), 1u);

  // The whitelist is configuration: allow 0x90 and all three arrive.
  NetConfig c = config_for(3);
  c.whitelist.allow(0x90);
  TestNode open_rx(c);
  const auto kek = kek_for(3);
  ASSERT_EQ(open_rx->provision(0, kNetKey, kek), SetupError::ok);
  open_rx->set_global_time(1000);
  RecordingHandler all;
  const RxResult r2 = deliver(*open_rx, send_frame(**tx, 3, tokens), &all);
  EXPECT_EQ(r2.token_stop, DropReason::none);
  EXPECT_EQ(all.types.size(), 3u);
}

TEST(Filters, MalformedTokensInAnAuthenticFrameDeliverNothing) {
  auto tx = make_node(1);
  auto rx = make_node(2);
  const std::array<std::uint8_t, 4> broken{0x21, 0x01, 0xaa, 0x22};
  RecordingHandler h;
  const RxResult r = deliver(**rx, send_frame(**tx, 2, broken), &h);
  EXPECT_EQ(r.token_stop, DropReason::bad_tokens);
  EXPECT_TRUE(h.types.empty());
}

TEST(Filters, TokenProcessingTimeIsCheckedAgainstTheRoundTime) {
  auto tx = make_node(1);
  auto rx = make_node(2);  // round time 1 s
  const std::array<std::uint8_t, 9> tokens{0x21, 0x01, 0xaa, 0x22, 0x01, 0xbb, 0x23, 0x01, 0xcc};
  SteppingClock clock;
  SlowHandler slow(clock, 600'000);  // 0.6 s per token: the third would start after 1.2 s
  const RxResult r = deliver(**rx, send_frame(**tx, 2, tokens), &slow, &clock);
  ASSERT_TRUE(r.accepted());
  EXPECT_EQ(r.token_stop, DropReason::token_time_overrun);
  EXPECT_EQ(slow.types.size(), 2u);
  EXPECT_EQ((*rx)->counters().of(DropReason::token_time_overrun), 1u);
  // A quick handler stays within the budget and is not counted.
  SlowHandler quick(clock, 1'000);
  const RxResult ok = deliver(**rx, send_frame(**tx, 2, tokens), &quick, &clock);
  EXPECT_EQ(ok.token_stop, DropReason::none);
  EXPECT_EQ(quick.types.size(), 3u);
  // The last token running past the budget is counted, though nothing is left to stop.
  SlowHandler last(clock, 1'100'000);
  const RxResult over = deliver(**rx, send_frame(**tx, 2, kSensorToken), &last, &clock);
  EXPECT_EQ(over.token_stop, DropReason::token_time_overrun);
  EXPECT_EQ((*rx)->counters().of(DropReason::token_time_overrun), 2u);
}

TEST(Filters, WatchdogResetsANodeThatStopsMakingProgress) {
  Watchdog dog(5'000);
  dog.arm(0);
  std::uint64_t progress = 0;
  for (std::uint64_t t = 0; t <= 20'000; t += 1'000) {
    dog.report_progress(++progress, t);
    EXPECT_EQ(dog.poll(t), WatchdogVerdict::healthy);
  }
  // The main loop hangs: the counter stops moving while time goes on.
  int resets = 0;
  for (std::uint64_t t = 21'000; t <= 31'000; t += 1'000) {
    dog.report_progress(progress, t);
    if (dog.poll(t) == WatchdogVerdict::reset) ++resets;
  }
  EXPECT_EQ(resets, 2);  // at 25 s and again 5 s later while still stuck
  EXPECT_EQ(dog.resets(), 2u);

  // In the node: a reset rebuilds the network layer from non-volatile memory, and the
  // node comes back unsynchronised with its keys.
  auto node = make_node(1);
  (void)send_frame(**node, 2, kSensorToken);
  ASSERT_TRUE(node->reboot(0));
  EXPECT_FALSE((*node)->synced());
  EXPECT_FALSE((*node)->keys().empty());
}

TEST(Filters, EveryDropReasonHasItsOwnCounterAndName) {
  NetCounters c;
  std::set<std::string> names;
  for (std::size_t i = 0; i < kDropReasonCount; ++i) {
    c.count(static_cast<DropReason>(i));
    names.insert(std::string(to_string(static_cast<DropReason>(i))));
  }
  EXPECT_EQ(names.size(), kDropReasonCount);
  EXPECT_EQ(names.count("unknown"), 0u);
  std::size_t visited = 0;
  c.for_each([&](std::string_view, std::uint32_t, bool is_drop) { visited += is_drop ? 1 : 0; });
  EXPECT_EQ(visited, kDropReasonCount - 1);
}

TEST(Filters, ShortMicIsAnExplicitOptIn) {
  NetConfig c = config_for(1);
  c.mic_length = 4;
  EXPECT_EQ(validate(c), ConfigError::short_mic_not_allowed);
  c.allow_short_mic = true;
  EXPECT_EQ(validate(c), ConfigError::ok);
  EXPECT_TRUE(weaker_than_default(c));
  NetConfig d = config_for(1);
  EXPECT_FALSE(weaker_than_default(d));
  d.mic_length = 6;
  EXPECT_EQ(validate(d), ConfigError::bad_mic_length);
  // A frame with another MIC length than the network's is refused before cryptography.
  auto rx = make_node(2);
  NetConfig long_mic = config_for(5);
  long_mic.mic_length = 16;
  TestNode tx(long_mic);
  const auto kek = kek_for(5);
  ASSERT_EQ(tx->provision(0, kNetKey, kek), SetupError::ok);
  tx->set_global_time(1000);
  EXPECT_EQ(deliver(**rx, send_frame(*tx, 2, kSensorToken)).reason, DropReason::mic_length_policy);
}
