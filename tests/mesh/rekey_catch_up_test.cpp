// What a node keeps of a broadcast rekey and how it hands it on to a neighbour that missed
// it (wire-format.md §7.5): the first copy of each body of the newest epoch; an answer of
// list parts, commitment and the requester's sealed key, in that order; a random wait that
// stands down when another neighbour answers first; one answer per quiet period.
#include <gtest/gtest.h>

#include <array>
#include <span>
#include <vector>

#include "crypto/aead.hpp"

#include "mesh/rekey_catch_up.hpp"
#include "mesh/rekey_message.hpp"

namespace {

using namespace meshsec;
using namespace meshsec::mesh;

std::vector<std::uint8_t> body(std::uint8_t kind, std::uint8_t tag) { return {kind, 0, 0, 0, 2, tag}; }

constexpr std::uint16_t net_id = 0x123;
const std::array<std::uint8_t, 16> next_key{0x4E, 0x58};

// The sealed key of `subset` as the back office makes it: under the subset key `fill`
// (any key: the bundle never opens another subset's), with the check of `key`.
std::vector<std::uint8_t> sealed(std::uint32_t epoch, keys::SubtreeIndex subset,
                                 std::span<const std::uint8_t> key = next_key, std::uint8_t fill = 0x5E) {
  crypto::AesAead aead;
  const std::array<std::uint8_t, 16> subset_key{fill};
  EXPECT_EQ(init_cover_key(aead, subset_key), crypto::Status::ok);
  std::vector<std::uint8_t> out(cover_key_max_size);
  out.resize(seal_cover_key(aead, net_id, epoch, subset, key, out));
  EXPECT_FALSE(out.empty());
  return out;
}

RekeyBundle::Kept keep(RekeyBundle& b, const std::vector<std::uint8_t>& bytes, bool opened = false) {
  CoverKeyView v;
  EXPECT_TRUE(parse_cover_key(bytes, v));
  return b.keep_sealed_key(bytes, v, opened);
}

std::vector<std::uint8_t> copy(std::span<const std::uint8_t> s) { return {s.begin(), s.end()}; }

RekeyBundle whole_bundle(std::uint32_t epoch, std::uint8_t parts, keys::SubtreeIndex subset) {
  RekeyBundle b;
  for (std::uint8_t p = 0; p < parts; ++p) b.keep_part(epoch, p, parts, body(6, p));
  b.keep_commitment(epoch, body(8, 0xC0));
  keep(b, sealed(epoch, subset), true);
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
  // A sealed key this node opened (its own subset's, matched to the commitment) is kept
  // checked; a second copy changes nothing.
  const auto own = sealed(2, 5);
  EXPECT_EQ(keep(b, own, true), RekeyBundle::Kept::checked);
  EXPECT_EQ(keep(b, sealed(2, 5, next_key, 0x77), true), RekeyBundle::Kept::checked);
  EXPECT_EQ(copy(b.sealed_key(5)), own);
  EXPECT_TRUE(b.sealed_key(6).empty());
  // An older epoch is ignored; a newer one starts over.
  b.keep_commitment(1, body(8, 7));
  EXPECT_TRUE(b.whole(2));
  b.keep_commitment(3, body(8, 3));
  EXPECT_EQ(b.epoch(), 3U);
  EXPECT_FALSE(b.whole(3));
  EXPECT_TRUE(b.sealed_key(5).empty());
  EXPECT_EQ(b.sealed_count(), 0U);
}

TEST(RekeyBundle, HandsOnAnotherSubsetsKeyOnlyOnceItsCheckPasses) {
  RekeyBundle b;
  // A revoked node (it holds the network key the broadcast travels under) races a forged
  // sealed key for subset 9 ahead of the genuine one; the node cannot check it yet.
  const auto forged = sealed(2, 9, std::array<std::uint8_t, 16>{0xBA, 0xD});
  const auto genuine = sealed(2, 9);
  EXPECT_EQ(keep(b, forged), RekeyBundle::Kept::unchecked);
  EXPECT_EQ(keep(b, forged), RekeyBundle::Kept::ignored) << "the same bytes again";
  EXPECT_EQ(keep(b, genuine), RekeyBundle::Kept::unchecked) << "a second, different copy";
  EXPECT_EQ(keep(b, sealed(2, 9, std::array<std::uint8_t, 16>{0xBA, 0xE})), RekeyBundle::Kept::ignored)
      << "two unchecked copies at most";
  EXPECT_TRUE(b.sealed_key(9).empty()) << "unchecked: never handed on";
  // Two forged copies first: the genuine one finds no place before the check key.
  const auto forged_again = sealed(2, 11, std::array<std::uint8_t, 16>{0xBA, 0xF});
  EXPECT_EQ(keep(b, forged_again), RekeyBundle::Kept::unchecked);
  EXPECT_EQ(keep(b, sealed(2, 11, std::array<std::uint8_t, 16>{0xBB})), RekeyBundle::Kept::unchecked);
  EXPECT_EQ(keep(b, sealed(2, 11)), RekeyBundle::Kept::ignored);
  EXPECT_EQ(keep(b, sealed(2, 10)), RekeyBundle::Kept::unchecked);
  // The node opens its own subset's key: the forged copies go, the genuine ones are checked.
  ASSERT_TRUE(b.set_check_key(net_id, 2, next_key));
  EXPECT_EQ(copy(b.sealed_key(9)), genuine);
  EXPECT_EQ(copy(b.sealed_key(10)), sealed(2, 10));
  EXPECT_TRUE(b.sealed_key(11).empty());
  EXPECT_EQ(b.sealed_count(), 2U);
  // The next pass of the broadcast brings subset 11's genuine copy, checked as it comes;
  // forgeries from now on are dropped (and not carried on).
  EXPECT_EQ(keep(b, forged_again), RekeyBundle::Kept::forged);
  EXPECT_EQ(keep(b, sealed(2, 11)), RekeyBundle::Kept::checked);
  EXPECT_EQ(copy(b.sealed_key(11)), sealed(2, 11));
  EXPECT_EQ(keep(b, forged), RekeyBundle::Kept::forged);
  EXPECT_EQ(copy(b.sealed_key(9)), genuine);
  EXPECT_EQ(keep(b, forged), RekeyBundle::Kept::forged);
  EXPECT_EQ(keep(b, genuine), RekeyBundle::Kept::checked) << "another copy of what is held";
  EXPECT_EQ(copy(b.sealed_key(9)), genuine);
  // A check is bound to its epoch, its subset and every byte of the body.
  auto moved = sealed(2, 11);
  moved[8] = 12;  // the subset field's low byte: subset 11's key relabelled for subset 12
  EXPECT_EQ(keep(b, moved), RekeyBundle::Kept::forged);
  auto later = sealed(2, 11);
  later[4] = 3;  // the epoch field
  RekeyBundle fresh;
  ASSERT_TRUE(fresh.set_check_key(net_id, 3, next_key));
  EXPECT_EQ(keep(fresh, later), RekeyBundle::Kept::forged);
  auto flipped = sealed(2, 11);
  flipped[12] ^= 0x80;  // the ciphertext
  EXPECT_EQ(keep(b, flipped), RekeyBundle::Kept::forged);
  EXPECT_FALSE(b.set_check_key(net_id, 1, next_key)) << "an older epoch";
}

TEST(RekeyBundle, ASecondCopyGivesWayToAnotherSubsetsFirstWhenFull) {
  RekeyBundle b;
  const std::array<std::uint8_t, 16> junk_key{0x11};
  for (keys::SubtreeIndex s = 1; s < RekeyBundle::max_sealed_keys; ++s) (void)keep(b, sealed(3, s, junk_key));
  EXPECT_EQ(keep(b, sealed(3, 1)), RekeyBundle::Kept::unchecked) << "subset 1's second copy takes the last place";
  EXPECT_EQ(b.sealed_count(), RekeyBundle::max_sealed_keys);
  EXPECT_EQ(keep(b, sealed(3, 200)), RekeyBundle::Kept::unchecked) << "a first copy displaces a second";
  EXPECT_EQ(keep(b, sealed(3, 201)), RekeyBundle::Kept::ignored) << "no second copy left to displace";
  ASSERT_TRUE(b.set_check_key(net_id, 3, next_key));
  EXPECT_EQ(b.sealed_count(), 1U);
  EXPECT_FALSE(b.sealed_key(200).empty());
}

TEST(RekeyBundle, JunkAheadOfTheBroadcastCannotKeepGenuineKeysOut) {
  RekeyBundle b;
  const std::array<std::uint8_t, 16> junk_key{0x11};
  for (keys::SubtreeIndex s = 1; s <= RekeyBundle::max_sealed_keys + 4; ++s) (void)keep(b, sealed(3, s, junk_key));
  EXPECT_EQ(b.sealed_count(), RekeyBundle::max_sealed_keys) << "bounded";
  // Before the check key a checked copy (its own) still finds a place.
  EXPECT_EQ(keep(b, sealed(3, 100), true), RekeyBundle::Kept::checked);
  EXPECT_EQ(b.sealed_count(), RekeyBundle::max_sealed_keys);
  ASSERT_TRUE(b.set_check_key(net_id, 3, next_key));
  EXPECT_EQ(b.sealed_count(), 1U) << "every junk copy fails its check";
  for (keys::SubtreeIndex s = 1; s <= RekeyBundle::max_sealed_keys + 4; ++s) (void)keep(b, sealed(3, s));
  EXPECT_EQ(b.sealed_count(), RekeyBundle::max_sealed_keys);
  EXPECT_FALSE(b.sealed_key(RekeyBundle::max_sealed_keys - 1).empty());
  EXPECT_TRUE(b.sealed_key(RekeyBundle::max_sealed_keys).empty()) << "past the capacity";
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
  EXPECT_EQ(sent[3], sealed(2, 9));
  EXPECT_EQ(c.answers(), 1U);
  // Quiet for a while: forged requests cannot keep it sending.
  EXPECT_FALSE(c.request(2, 9, 1'060, 0));
  EXPECT_TRUE(c.request(2, 9, 1'060 + RekeyCatchUp::quiet_us, 0));
}

TEST(RekeyCatchUp, EveryBodySaysItsEpochFirst) {
  EXPECT_EQ(rekey_body_epoch(body(6, 1)), 2U);
  EXPECT_EQ(rekey_body_epoch(sealed(2, 1)), 2U);
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
