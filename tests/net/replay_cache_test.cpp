// The replay cache as a standalone type, driven by a numbered table of cases
// (docs/wire-format.md §8). Window: 17 slots back, 1 ahead.
#include "net/replay_cache.hpp"

#include <gtest/gtest.h>

#include <array>
#include <vector>

using namespace meshsec::net;

namespace {

struct Step {
  int number;
  std::uint16_t src;
  std::uint32_t time;
  std::uint8_t seq;
  std::uint32_t now;
  ReplayVerdict expect;
  const char* why;
};

// Each step is committed (after a check that must agree) in order on one cache of 4.
const std::vector<Step> kCases = {
    {1, 7, 1000, 0, 1000, ReplayVerdict::fresh, "first frame of a source"},
    {2, 7, 1000, 0, 1000, ReplayVerdict::duplicate, "exact replay"},
    {3, 7, 1000, 2, 1000, ReplayVerdict::fresh, "higher sequence, same slot"},
    {4, 7, 1000, 1, 1000, ReplayVerdict::fresh, "reordered: lower sequence not yet seen"},
    {5, 7, 1000, 1, 1000, ReplayVerdict::duplicate, "replay of the reordered frame"},
    {6, 7, 1001, 0, 1001, ReplayVerdict::fresh, "next slot"},
    {7, 7, 1000, 2, 1001, ReplayVerdict::duplicate, "older slot, beyond the 24-position bitmap"},
    {8, 8, 1001, 1, 1001, ReplayVerdict::fresh, "second source is independent"},
    {9, 7, 1001, 0, 1001, ReplayVerdict::duplicate, "first source still remembered"},
    {10, 9, 1001, 1, 1001, ReplayVerdict::fresh, "third source"},
    {11, 10, 1001, 1, 1001, ReplayVerdict::fresh, "fourth source fills the cache"},
    {12, 11, 1001, 5, 1001, ReplayVerdict::fresh, "fifth source evicts the oldest (source 7), floor rises to it"},
    {13, 7, 1000, 3, 1001, ReplayVerdict::below_floor, "evicted source: its old frame stays refused"},
    {14, 12, 1000, 9, 1001, ReplayVerdict::below_floor, "unknown source at or below the floor"},
    {15, 12, 1001, 1, 1001, ReplayVerdict::fresh, "unknown source above the floor (evicts again)"},
    {16, 11, 1001, 5, 1001, ReplayVerdict::duplicate, "the newcomer is remembered"},
    {17, 11, 1020, 0, 1020, ReplayVerdict::fresh, "later: the window moved"},
    {18, 13, 1019, 0, 1020, ReplayVerdict::fresh, "stale entries are reused, floor has expired"},
    {19, 13, 1019, 0, 1020, ReplayVerdict::duplicate, "and remember again"},
    {20, 11, 1020 + 65534, 0, 1020 + 65536, ReplayVerdict::duplicate,
     "16 stored time bits alias one epoch later: errs towards rejecting"},
};

}  // namespace

TEST(ReplayCache, NumberedCases) {
  std::array<ReplayEntry, 4> storage{};
  ReplayCache cache(storage, 17, 1);
  int evictions = 0;
  for (const Step& s : kCases) {
    EXPECT_EQ(cache.check(s.src, s.time, s.seq, s.now), s.expect) << "case " << s.number << ": " << s.why;
    bool evicted = false;
    EXPECT_EQ(cache.commit(s.src, s.time, s.seq, s.now, evicted), s.expect)
        << "case " << s.number << ": " << s.why;
    if (evicted) ++evictions;
  }
  EXPECT_EQ(evictions, 2);
}

TEST(ReplayCache, CheckNeverChangesState) {
  std::array<ReplayEntry, 2> storage{};
  ReplayCache cache(storage, 17, 1);
  for (int i = 0; i < 5; ++i) EXPECT_EQ(cache.check(3, 500, 0, 500), ReplayVerdict::fresh);
  EXPECT_EQ(cache.live_entries(500), 0u);
}

TEST(ReplayCache, BitmapCoversTwentyFourPositionsBelowTheHighest) {
  std::array<ReplayEntry, 1> storage{};
  ReplayCache cache(storage, 17, 1);
  bool evicted = false;
  ASSERT_EQ(cache.commit(5, 100, 30, 100, evicted), ReplayVerdict::fresh);
  // Positions 6..29 arrive late, once each: all accepted, then all refused.
  for (std::uint8_t s = 6; s < 30; ++s) EXPECT_EQ(cache.commit(5, 100, s, 100, evicted), ReplayVerdict::fresh) << +s;
  for (std::uint8_t s = 6; s <= 30; ++s) EXPECT_EQ(cache.check(5, 100, s, 100), ReplayVerdict::duplicate) << +s;
  EXPECT_EQ(cache.check(5, 100, 5, 100), ReplayVerdict::duplicate);  // 25 below: beyond the bitmap
}

TEST(ReplayCache, FullCacheNeverLetsAReplayThrough) {
  // Many sources, a tiny cache: every frame is replayed right after each newcomer; no
  // replay may ever be judged fresh.
  std::array<ReplayEntry, 3> storage{};
  ReplayCache cache(storage, 17, 1);
  std::vector<std::array<std::uint32_t, 3>> seen;  // src, time, seq
  bool evicted = false;
  int accepted = 0;
  for (std::uint32_t now = 2000; now < 2040; ++now) {
    for (std::uint16_t src = 1; src <= 9; ++src) {
      if (cache.commit(src, now, static_cast<std::uint8_t>(src), now, evicted) == ReplayVerdict::fresh) {
        ++accepted;
        seen.push_back({src, now, src});
      }
      for (const auto& f : seen) {
        if (f[1] + 17 < now) continue;  // outside the window the time check already drops it
        EXPECT_NE(cache.commit(static_cast<std::uint16_t>(f[0]), f[1], static_cast<std::uint8_t>(f[2]), now, evicted),
                  ReplayVerdict::fresh);
      }
    }
  }
  EXPECT_GT(accepted, 40);  // the cache keeps working while full
}

TEST(ReplayCache, CollidingAddressesNeverLetAReplayThrough) {
  // Power-of-two capacity (direct index by mask); every source has home slot 1, so all
  // lookups probe past each other, wrap round, and reuse expired or evicted slots.
  std::array<ReplayEntry, 4> storage{};
  ReplayCache cache(storage, 17, 1);
  std::vector<std::array<std::uint32_t, 3>> seen;  // src, time, seq
  bool evicted = false;
  int accepted = 0;
  for (std::uint32_t now = 3000; now < 3060; ++now) {
    for (std::uint16_t k = 0; k < 6; ++k) {
      if ((now + k) % 3 == 0) continue;  // sources come and go, so entries expire
      const auto src = static_cast<std::uint16_t>(1 + 4 * k);
      if (cache.commit(src, now, static_cast<std::uint8_t>(k), now, evicted) == ReplayVerdict::fresh) {
        ++accepted;
        seen.push_back({src, now, k});
      }
      for (const auto& f : seen) {
        if (f[1] + 17 < now) continue;  // outside the window the time check already drops it
        const auto s = static_cast<std::uint16_t>(f[0]);
        const auto q = static_cast<std::uint8_t>(f[2]);
        EXPECT_NE(cache.check(s, f[1], q, now), ReplayVerdict::fresh);
        EXPECT_NE(cache.commit(s, f[1], q, now, evicted), ReplayVerdict::fresh);
      }
    }
  }
  EXPECT_GT(accepted, 60);
  EXPECT_LE(cache.live_entries(3059), storage.size());
}
