// The replay window as a numbered table of cases (STYLE.md §7).
#include <gtest/gtest.h>

#include "e2e/replay_window.hpp"

namespace meshsec::e2e {
namespace {

using V = ReplayWindow::Verdict;

struct Case {
  int id;
  std::uint32_t sequence;
  V expected;
  bool commit;  // commit after check (only a fresh number is committed)
};

TEST(ReplayWindow, Table) {
  const Case cases[] = {
      {1, 10, V::fresh, true},        // first message
      {2, 10, V::duplicate, false},   // exact replay
      {3, 12, V::fresh, true},        // gap
      {4, 11, V::fresh, true},        // late, inside the window
      {5, 11, V::duplicate, false},   // late replay
      {6, 9, V::fresh, true},         // older than the first seen but inside the window
      {7, 100, V::fresh, true},       // big jump
      {8, 37, V::fresh, false},       // 63 behind: last slot of the window
      {9, 36, V::too_old, false},     // 64 behind: outside
      {10, 12, V::too_old, false},    // old accepted number, now outside
      {11, 100, V::duplicate, false}, // highest again
      {12, 200, V::fresh, true},      // jump of 100 clears the bitmap
      {13, 150, V::fresh, true},      // inside, unseen
      {14, 150, V::duplicate, false},
  };
  ReplayWindow w;
  for (const Case& c : cases) {
    EXPECT_EQ(w.check(c.sequence), c.expected) << "case " << c.id;
    if (c.commit) w.commit(c.sequence);
  }
}

TEST(ReplayWindow, StrictRefusesAnyReordering) {
  ReplayWindow w(true);
  EXPECT_EQ(w.check(5), V::fresh);
  w.commit(5);
  EXPECT_EQ(w.check(4), V::too_old);
  EXPECT_EQ(w.check(5), V::duplicate);
  EXPECT_EQ(w.check(6), V::fresh);
}

TEST(ReplayWindow, CheckAloneChangesNothing) {
  ReplayWindow w;
  EXPECT_EQ(w.check(7), V::fresh);
  EXPECT_TRUE(w.empty());
  EXPECT_EQ(w.check(7), V::fresh);
}

}  // namespace
}  // namespace meshsec::e2e
