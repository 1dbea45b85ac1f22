// What a node keeps of a broadcast rekey and how it hands it on to a neighbour that missed
// it (wire-format.md §7.5): the first copy of each body of the newest epoch; an answer of
// list parts, commitment and the requester's sealed key, in that order; a random wait that
// stands down when another neighbour answers first; one answer per quiet period.
#include <gtest/gtest.h>

#include <vector>

#include "mesh/rekey_catch_up.hpp"
#include "mesh/rekey_message.hpp"

namespace {

using namespace meshsec;
using namespace meshsec::mesh;

std::vector<std::uint8_t> body(std::uint8_t kind, std::uint8_t tag) { return {kind, 0, 0, 0, 2, tag}; }

RekeyBundle whole_bundle(std::uint32_t epoch, std::uint8_t parts, keys::SubtreeIndex subset) {
  RekeyBundle b;
  for (std::uint8_t p = 0; p < parts; ++p) b.keep_part(epoch, p, parts, body(6, p));
  b.keep_commitment(epoch, body(8, 0xC0));
  b.keep_sealed_key(epoch, subset, body(7, 0x5E));
  return b;
}

TEST(RekeyBundle, KeepsTheFirstCopyOfTheNewestEpoch) {
  RekeyBundle b;
  b.keep_part(2, 0, 2, body(6, 1));
  b.keep_commitment(2, body(8, 1));
  EXPECT_FALSE(b.whole(2)) << "part 1 of 2 missing";
  b.keep_part(2, 1, 2, body(6, 2));
  EXPECT_TRUE(b.whole(2));
  EXPECT_FALSE(b.whole(1));
  // A second copy, or a part at odds with the count, changes nothing.
  b.keep_part(2, 0, 2, body(6, 9));
  b.keep_part(2, 0, 3, body(6, 9));
  b.keep_commitment(2, body(8, 9));
  EXPECT_EQ(b.part(0)[5], 1);
  EXPECT_EQ(b.commitment()[5], 1);
  b.keep_sealed_key(2, 5, body(7, 1));
  b.keep_sealed_key(2, 5, body(7, 9));
  EXPECT_EQ(b.sealed_key(5)[5], 1);
  // A copy the node checked (its own subset's, opened and matched to the commitment)
  // replaces an unchecked first one, which a node of that subset could have raced in.
  b.keep_sealed_key(2, 5, body(7, 4), true);
  EXPECT_EQ(b.sealed_key(5)[5], 4);
  EXPECT_TRUE(b.sealed_key(6).empty());
  // An older epoch is ignored; a newer one starts over.
  b.keep_commitment(1, body(8, 7));
  EXPECT_TRUE(b.whole(2));
  b.keep_commitment(3, body(8, 3));
  EXPECT_EQ(b.epoch(), 3U);
  EXPECT_FALSE(b.whole(3));
  EXPECT_TRUE(b.sealed_key(5).empty());
  // Bounded: sealed keys past the capacity are not kept.
  for (keys::SubtreeIndex s = 1; s <= RekeyBundle::max_sealed_keys + 4; ++s) b.keep_sealed_key(3, s, body(7, 0));
  EXPECT_FALSE(b.sealed_key(RekeyBundle::max_sealed_keys).empty());
  EXPECT_TRUE(b.sealed_key(RekeyBundle::max_sealed_keys + 1).empty());
}

TEST(RekeyCatchUp, AnswersWithTheListTheCommitmentAndTheRequestersKeyInOrder) {
  RekeyCatchUp c;
  EXPECT_FALSE(c.request(2, 9, 0, 0)) << "nothing kept";
  c.bundle() = whole_bundle(2, 2, 9);
  EXPECT_FALSE(c.request(2, keys::no_subtree, 0, 0)) << "a revoked requester lies in no subset";
  EXPECT_FALSE(c.request(2, 10, 0, 0)) << "no key kept for that subset";
  EXPECT_FALSE(c.request(1, 9, 0, 0)) << "an epoch not kept";
  ASSERT_TRUE(c.request(2, 9, 1'000, 50));
  EXPECT_EQ(c.due_us(), 1'050U);
  EXPECT_TRUE(c.next(1'049).empty()) << "waits its random moment";
  std::vector<std::vector<std::uint8_t>> sent;
  for (std::uint64_t t = 1'050; t < 1'060; ++t)
    if (const auto b = c.next(t); !b.empty()) sent.emplace_back(b.begin(), b.end());
  ASSERT_EQ(sent.size(), 4U);
  EXPECT_EQ(sent[0], body(6, 0));
  EXPECT_EQ(sent[1], body(6, 1));
  EXPECT_EQ(sent[2], body(8, 0xC0));
  EXPECT_EQ(sent[3], body(7, 0x5E));
  EXPECT_EQ(c.answers(), 1U);
  // Quiet for a while: forged requests cannot keep it sending.
  EXPECT_FALSE(c.request(2, 9, 1'060, 0));
  EXPECT_TRUE(c.request(2, 9, 1'060 + RekeyCatchUp::quiet_us, 0));
}

TEST(RekeyCatchUp, EveryBodySaysItsEpochFirst) {
  EXPECT_EQ(rekey_body_epoch(body(6, 1)), 2U);
  EXPECT_EQ(rekey_body_epoch(body(7, 1)), 2U);
  EXPECT_EQ(rekey_body_epoch(std::vector<std::uint8_t>{7, 0, 0, 1}), 0U) << "too short";
}

TEST(RekeyCatchUp, StandsDownWhenAnotherNeighbourAnswersFirst) {
  RekeyCatchUp c;
  c.bundle() = whole_bundle(2, 1, 9);
  ASSERT_TRUE(c.request(2, 9, 0, 100));
  c.heard(1);  // another epoch's hand-on: not the same answer
  EXPECT_NE(c.due_us(), UINT64_MAX);
  c.heard(2);
  EXPECT_EQ(c.due_us(), UINT64_MAX);
  EXPECT_TRUE(c.next(100).empty());
  EXPECT_EQ(c.answers(), 0U);
  // Once its own answer has begun, it finishes it (the requester is listening to it).
  ASSERT_TRUE(c.request(2, 9, 200, 0));
  EXPECT_FALSE(c.next(200).empty());
  c.heard(2);
  EXPECT_FALSE(c.next(200).empty());
  EXPECT_FALSE(c.next(200).empty());
  EXPECT_EQ(c.answers(), 1U);
}

}  // namespace
