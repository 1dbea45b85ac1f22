// The beacon chain's signed checkpoints (docs/wire-format.md §6.5 "Checkpoints"): the
// layout and what the back office signs; a node whose check no longer reaches the beacons
// (over 65,536 rounds behind) checks them again from a checkpoint, and only forward; and
// how a node spreads a new checkpoint, answers a request and asks for one.
#include <gtest/gtest.h>

#include <array>
#include <cstdint>
#include <vector>

#include "mesh/beacon_chain.hpp"
#include "mesh/chain_catch_up.hpp"
#include "mesh/chain_checkpoint.hpp"

namespace meshsec::mesh {
namespace {

using Verdict = BeaconChainVerifier::Verdict;
constexpr std::uint32_t network = 7;

ChainCheckpoint checkpoint(std::uint32_t round, std::uint8_t fill = 0x3C) {
  ChainCheckpoint c;
  c.network_id = network;
  c.round = round;
  c.value.fill(fill);
  for (std::size_t i = 0; i < c.signature.size(); ++i) c.signature[i] = static_cast<std::uint8_t>(i);
  return c;
}

TEST(ChainCheckpoint, RoundTripsAndRefusesBadLengthsAndRoundZero) {
  const ChainCheckpoint c = checkpoint(123'456);
  std::array<std::uint8_t, chain_checkpoint_size + 1> out{};
  ASSERT_EQ(encode_chain_checkpoint(c, out), chain_checkpoint_size);
  ChainCheckpoint back;
  ASSERT_TRUE(parse_chain_checkpoint(std::span<const std::uint8_t>(out).first(chain_checkpoint_size), network, back));
  EXPECT_EQ(back, c);
  EXPECT_EQ(back.position(), std::uint64_t{123'456} * beacon_chain_hops);
  EXPECT_FALSE(parse_chain_checkpoint(out, network, back)) << "a trailing byte";
  EXPECT_FALSE(parse_chain_checkpoint(std::span<const std::uint8_t>(out).first(chain_checkpoint_size - 1), network, back));
  EXPECT_EQ(encode_chain_checkpoint(checkpoint(0), out), 0U);
  out.fill(0);
  EXPECT_FALSE(parse_chain_checkpoint(std::span<const std::uint8_t>(out).first(chain_checkpoint_size), network, back))
      << "round 0 is the anchor, which every node holds already";
  std::array<std::uint8_t, chain_checkpoint_size - 1> small{};
  EXPECT_EQ(encode_chain_checkpoint(c, small), 0U);
}

TEST(ChainCheckpoint, TheSignedBytesNameTheNetworkAndEveryField) {
  std::array<std::uint8_t, chain_checkpoint_signed_size> a{}, b{};
  const ChainCheckpoint c = checkpoint(9'000);
  ASSERT_EQ(chain_checkpoint_signed_message(c, a), chain_checkpoint_signed_size);
  EXPECT_TRUE(std::equal(chain_checkpoint_domain.begin(), chain_checkpoint_domain.end(), a.begin()));
  ChainCheckpoint other = c;
  other.network_id = network + 1;
  ASSERT_EQ(chain_checkpoint_signed_message(other, b), chain_checkpoint_signed_size);
  EXPECT_NE(a, b) << "a checkpoint of one network must not verify in another";
  other = c;
  other.round = 9'001;
  ASSERT_EQ(chain_checkpoint_signed_message(other, b), chain_checkpoint_signed_size);
  EXPECT_NE(a, b);
  other = c;
  other.value[15] ^= 1;
  ASSERT_EQ(chain_checkpoint_signed_message(other, b), chain_checkpoint_signed_size);
  EXPECT_NE(a, b);
}

TEST(ChainCheckpoint, ARequestIsTheRoundTrusted) {
  std::array<std::uint8_t, chain_request_size> out{};
  ASSERT_EQ(encode_chain_request(70'001, out), chain_request_size);
  std::uint32_t round = 0;
  ASSERT_TRUE(parse_chain_request(out, round));
  EXPECT_EQ(round, 70'001U);
  const std::array<std::uint8_t, 5> longer{};
  EXPECT_FALSE(parse_chain_request(longer, round));
  EXPECT_FALSE(parse_chain_request(std::span<const std::uint8_t>(out).first(3), round));
}

TEST(ChainCheckpoint, ANodeFarBehindChecksBeaconsAgainFromACheckpoint) {
  // 70,000 rounds (8.1 days of 10-s rounds) after the anchor: out of a check's reach.
  constexpr std::uint32_t now = 70'000;
  BeaconChainSource gateway;
  ChainValue seed{};
  seed.fill(0x5E);
  ASSERT_TRUE(gateway.init(network, seed, now + 100));
  BeaconChainVerifier node;
  ASSERT_TRUE(node.init(network, gateway.anchor()));
  ChainValue beacon{};
  ASSERT_TRUE(gateway.round_value(now, beacon));
  EXPECT_EQ(node.check(now, 0, beacon), Verdict::too_far);

  // The back office's checkpoint of a round a day before.
  ChainValue at_checkpoint{};
  ASSERT_TRUE(gateway.round_value(now - 8'640, at_checkpoint));
  ASSERT_TRUE(node.reanchor(chain_position(now - 8'640, 0), at_checkpoint));
  EXPECT_EQ(node.check(now, 0, beacon), Verdict::genuine);
  ChainValue forged = beacon;
  forged[0] ^= 1;
  EXPECT_EQ(node.check(now + 1, 0, forged), Verdict::forged);
  // Only forward: an older checkpoint (a replay) moves nothing.
  ChainValue older{};
  ASSERT_TRUE(gateway.round_value(now - 20'000, older));
  EXPECT_FALSE(node.reanchor(chain_position(now - 20'000, 0), older));
  EXPECT_EQ(node.trusted_position(), chain_position(now, 0));
}

TEST(ChainCatchUp, ANewCheckpointIsPassedOnOnceUnlessTwoCopiesComeFirst) {
  ChainCatchUp c;
  EXPECT_FALSE(c.holds());
  c.keep(checkpoint(10), 1'000, 300);
  EXPECT_TRUE(c.holds());
  EXPECT_EQ(c.due_us(), 1'300U);
  EXPECT_EQ(c.next(1'299), ChainCatchUp::Send::nothing);
  EXPECT_EQ(c.next(1'300), ChainCatchUp::Send::checkpoint);
  EXPECT_EQ(c.next(5'000), ChainCatchUp::Send::nothing) << "once";
  c.keep(checkpoint(9), 6'000, 0);
  EXPECT_EQ(c.held().round, 10U) << "an older one is not kept";
  EXPECT_EQ(c.due_us(), UINT64_MAX);

  c.keep(checkpoint(11), 10'000, 400);
  c.heard_copy(11);
  EXPECT_EQ(c.due_us(), 10'400U) << "one copy heard: still thin around us";
  c.heard_copy(10);
  EXPECT_EQ(c.due_us(), 10'400U) << "a copy of another round counts nothing";
  c.heard_copy(11);
  EXPECT_EQ(c.due_us(), UINT64_MAX) << "two copies heard: passing on adds little";
}

TEST(ChainCatchUp, ARequestIsAnsweredOnlyWithSomethingNewerAndOnlyOncePerQuietPeriod) {
  ChainCatchUp c;
  EXPECT_FALSE(c.request(0, 0, 100)) << "nothing held";
  c.keep(checkpoint(500), 0, 0);
  ASSERT_EQ(c.next(0), ChainCatchUp::Send::checkpoint);
  EXPECT_FALSE(c.request(500, 1'000, 100)) << "the asker holds it already";
  ASSERT_TRUE(c.request(499, 1'000, 100));
  EXPECT_FALSE(c.request(0, 1'010, 100)) << "answering already";
  // Another neighbour answers first: this one stands down.
  c.heard_copy(500);
  EXPECT_EQ(c.due_us(), UINT64_MAX);
  ASSERT_TRUE(c.request(0, 2'000, 100));
  EXPECT_EQ(c.next(2'100), ChainCatchUp::Send::checkpoint);
  EXPECT_EQ(c.answers(), 1U);
  // Forged requests make it answer at most once per quiet period.
  for (std::uint64_t t = 3'000; t < 2'100 + ChainCatchUp::quiet_us; t += 100'000) EXPECT_FALSE(c.request(0, t, 100));
  EXPECT_TRUE(c.request(0, 2'100 + ChainCatchUp::quiet_us, 100));
}

TEST(ChainCatchUp, AForgedCheckpointPausesSignatureChecks) {
  ChainCatchUp c;
  EXPECT_TRUE(c.may_verify(0));
  c.forged(1'000);
  EXPECT_FALSE(c.may_verify(1'000));
  EXPECT_FALSE(c.may_verify(1'000 + ChainCatchUp::verify_quiet_us - 1));
  EXPECT_TRUE(c.may_verify(1'000 + ChainCatchUp::verify_quiet_us));
}

TEST(ChainCatchUp, WhatCouldNotGoOutIsTriedAgainAsIfNotTaken) {
  // After a reboot the network layer sends nothing sealed in the slots it had reserved (up
  // to 64 s): requests refused meanwhile must not push the next one a minute away.
  ChainCatchUp c;
  c.stale(0, 0);
  for (std::uint64_t t = 0; t < 60'000'000; t += 250'000) {
    if (c.next(t) == ChainCatchUp::Send::request) c.not_sent(ChainCatchUp::Send::request, t + 250'000);
  }
  EXPECT_EQ(c.requests(), 0U);
  EXPECT_EQ(c.due_us(), 60'000'000U) << "still asking every quarter second, not backed off";
  ASSERT_EQ(c.next(60'000'000), ChainCatchUp::Send::request);
  EXPECT_EQ(c.due_us(), 60'000'000U + ChainCatchUp::first_ask_retry_us);
  // An answer refused is still owed, and counts only once it goes out.
  c.keep(checkpoint(3), 0, 0);
  ASSERT_EQ(c.next(60'000'001), ChainCatchUp::Send::checkpoint);
  ASSERT_TRUE(c.request(0, 60'000'002, 0));
  ASSERT_EQ(c.next(60'000'002), ChainCatchUp::Send::checkpoint);
  EXPECT_EQ(c.answers(), 1U);
  c.not_sent(ChainCatchUp::Send::checkpoint, 60'100'000);
  EXPECT_EQ(c.answers(), 0U);
  EXPECT_EQ(c.due_us(), 60'100'000U);
  EXPECT_EQ(c.next(60'100'000), ChainCatchUp::Send::checkpoint);
  EXPECT_EQ(c.answers(), 1U);
}

TEST(ChainCatchUp, AStaleNodeAsksAtADoublingIntervalUntilFresh) {
  ChainCatchUp c;
  c.stale(1'000, 500);
  c.stale(1'200, 0);  // asking already: the first request's time stays
  EXPECT_EQ(c.due_us(), 1'500U);
  std::vector<std::uint64_t> asked;
  for (std::uint64_t t = 0; t < 400'000'000 && asked.size() < 8; t += 1'000)
    if (c.next(t) == ChainCatchUp::Send::request) asked.push_back(t);
  ASSERT_EQ(asked.size(), 8U);
  EXPECT_EQ(asked[0], 2'000U);
  EXPECT_EQ(asked[1] - asked[0], ChainCatchUp::first_ask_retry_us);
  EXPECT_EQ(asked[2] - asked[1], 2 * ChainCatchUp::first_ask_retry_us);
  EXPECT_EQ(asked[7] - asked[6], ChainCatchUp::max_ask_retry_us);
  EXPECT_EQ(c.requests(), 8U);
  c.fresh();
  EXPECT_FALSE(c.asking());
  EXPECT_EQ(c.due_us(), UINT64_MAX);
}

}  // namespace
}  // namespace meshsec::mesh
