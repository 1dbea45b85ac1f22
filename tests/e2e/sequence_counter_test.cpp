// Sequence numbers survive reboots without a write per message (docs/e2e.md §4).
#include <gtest/gtest.h>

#include <set>

#include "e2e/memory_sequence_store.hpp"
#include "e2e/sequence_counter.hpp"

namespace meshsec::e2e {
namespace {

TEST(SequenceCounter, OneWritePerBlockAndNoRepeatAcrossReboots) {
  MemorySequenceStore store;
  std::set<std::uint32_t> seen;
  std::uint32_t last = 0;
  for (int boot = 0; boot < 5; ++boot) {
    SequenceCounter counter;
    ASSERT_EQ(counter.start(store, 16), E2eError::ok);
    const std::uint32_t writes_at_boot = store.writes();
    for (int i = 0; i < 40; ++i) {  // 40 messages, then power is cut
      std::uint32_t s = 0;
      ASSERT_EQ(counter.next(s), E2eError::ok);
      EXPECT_TRUE(seen.insert(s).second) << "sequence " << s << " repeated";
      if (s != *seen.begin()) {
        EXPECT_GT(s, last);
      }
      last = s;
      EXPECT_LT(s, store.limit()) << "handed out a number not covered by the stored limit";
    }
    // 40 messages with a block of 16: the boot write plus two refills.
    EXPECT_EQ(store.writes() - writes_at_boot, 2u);
  }
  EXPECT_EQ(store.writes(), 5u * 3u);
}

TEST(SequenceCounter, BootJumpsOverTheReservedBlock) {
  MemorySequenceStore store;
  SequenceCounter first;
  ASSERT_EQ(first.start(store, 100), E2eError::ok);
  std::uint32_t s = 0;
  ASSERT_EQ(first.next(s), E2eError::ok);
  EXPECT_EQ(s, 0u);
  SequenceCounter after_reboot;
  ASSERT_EQ(after_reboot.start(store, 100), E2eError::ok);
  ASSERT_EQ(after_reboot.next(s), E2eError::ok);
  EXPECT_EQ(s, 100u);
}

TEST(SequenceCounter, StoreFailureHandsOutNothing) {
  MemorySequenceStore store;
  store.set_failing(true);
  SequenceCounter counter;
  EXPECT_EQ(counter.start(store, 8), E2eError::store_failed);
  std::uint32_t s = 0;
  EXPECT_EQ(counter.next(s), E2eError::not_ready);

  store.set_failing(false);
  ASSERT_EQ(counter.start(store, 2), E2eError::ok);
  ASSERT_EQ(counter.next(s), E2eError::ok);
  ASSERT_EQ(counter.next(s), E2eError::ok);
  store.set_failing(true);  // the refill cannot be persisted: stop rather than risk a repeat
  EXPECT_EQ(counter.next(s), E2eError::store_failed);
}

TEST(SequenceCounter, ExhaustionAtTheTopOfTheRange) {
  MemorySequenceStore store;
  store.overwrite(0xfffffffdU);
  SequenceCounter counter;
  ASSERT_EQ(counter.start(store, 256), E2eError::ok);
  std::uint32_t s = 0;
  EXPECT_EQ(counter.next(s), E2eError::ok);
  EXPECT_EQ(s, 0xfffffffdU);
  EXPECT_EQ(counter.next(s), E2eError::ok);
  EXPECT_EQ(s, 0xfffffffeU);
  EXPECT_EQ(counter.next(s), E2eError::sequence_exhausted);
}

}  // namespace
}  // namespace meshsec::e2e
