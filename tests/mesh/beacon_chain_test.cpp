// The beacon chain (docs/wire-format.md §6.5): genuine copies of every round and hop check
// out, over gaps of many rounds too; a forged value, a later round, fewer hops than the copy
// heard, another network's chain and a claim too far ahead do not. The anchor computed on
// its own (the factory's) is the gateway's.
#include "mesh/beacon_chain.hpp"
#include "mesh/flood_window.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <array>
#include <cstdint>
#include <vector>

namespace meshsec::mesh {
namespace {

using Verdict = BeaconChainVerifier::Verdict;

constexpr std::uint16_t net_id = 0xB123;

ChainValue seed_of(std::uint8_t b) {
  ChainValue s{};
  s.fill(b);
  return s;
}

struct Chain {
  BeaconChainSource source;
  BeaconChainVerifier node;
  explicit Chain(std::uint32_t rounds, std::uint16_t id = net_id) {
    const ChainValue seed = seed_of(0x5E);
    EXPECT_TRUE(source.init(id, seed, rounds));
    EXPECT_TRUE(node.init(id, source.anchor()));
  }
  // Round r's copy `hops` hops out, as the flood carries it.
  ChainValue copy(std::uint32_t round, std::uint32_t hops) {
    ChainValue v{};
    EXPECT_TRUE(source.round_value(round, v));
    // Each relay on the way checks the copy it heard and passes it on one step further.
    for (std::uint32_t h = 0; h < hops; ++h) {
      BeaconChainVerifier relay;
      EXPECT_TRUE(relay.init(net_id, source.anchor()));
      EXPECT_EQ(relay.check(round, h, v), Verdict::genuine);
      std::uint8_t next_hops = 0;
      EXPECT_TRUE(relay.pass_on(round, next_hops, v));
      EXPECT_EQ(next_hops, h + 1);
    }
    return v;
  }
};

TEST(BeaconChain, EveryRoundAndHopOfTheFloodChecksOut) {
  Chain c(40);
  EXPECT_GE(c.source.rounds(), 40U);
  for (std::uint32_t round = 1; round <= 12; ++round) {
    // Farthest copies first: a nearer one later is still genuine, and moves the trust on.
    EXPECT_EQ(c.node.check(round, 9, c.copy(round, 9)), Verdict::genuine) << round;
    EXPECT_EQ(c.node.check(round, 2, c.copy(round, 2)), Verdict::genuine) << round;
    EXPECT_EQ(c.node.trusted_position(), chain_position(round, 2));
    EXPECT_EQ(c.node.check(round, 5, c.copy(round, 5)), Verdict::genuine) << "behind what is trusted: " << round;
  }
  // A node that slept through 25 rounds checks the next one it hears.
  EXPECT_EQ(c.node.check(38, 4, c.copy(38, 4)), Verdict::genuine);
}

TEST(BeaconChain, ForgedLaterAndCloserClaimsAreRefused) {
  Chain c(20);
  ASSERT_EQ(c.node.check(3, 4, c.copy(3, 4)), Verdict::genuine);
  const std::uint64_t trusted = c.node.trusted_position();
  // A value of the attacker's own for the next round.
  EXPECT_EQ(c.node.check(4, 0, seed_of(0xAB)), Verdict::forged);
  // Round 3's genuine copy passed off as round 4's (the next round, not yet begun).
  EXPECT_EQ(c.node.check(4, 4, c.copy(3, 4)), Verdict::forged);
  // Heard 6 hops out, claimed 5 or 0 hops out: it would take a preimage.
  const ChainValue six = c.copy(5, 6);
  EXPECT_EQ(c.node.check(5, 5, six), Verdict::forged);
  EXPECT_EQ(c.node.check(5, 0, six), Verdict::forged);
  EXPECT_EQ(c.node.trusted_position(), trusted) << "nothing refused moves the trust";
  // Repeating the copy heard, with its own count, is all a holder of it can do.
  EXPECT_EQ(c.node.check(5, 6, six), Verdict::genuine);
  // One bit off.
  ChainValue flipped = c.copy(6, 1);
  flipped[7] ^= 0x10;
  EXPECT_EQ(c.node.check(6, 1, flipped), Verdict::forged);
  // No round 0, no copy M hops out.
  EXPECT_EQ(c.node.check(0, 0, c.source.anchor()), Verdict::forged);
  EXPECT_EQ(c.node.check(6, beacon_chain_hops, c.copy(6, 1)), Verdict::forged);
}

TEST(BeaconChain, NoCopyGoesMHopsOut) {
  Chain c(4);
  ChainValue v = c.copy(2, beacon_chain_hops - 1);
  BeaconChainVerifier last;
  ASSERT_TRUE(last.init(net_id, c.source.anchor()));
  ASSERT_EQ(last.check(2, beacon_chain_hops - 1, v), Verdict::genuine);
  std::uint8_t hops = 0;
  EXPECT_FALSE(last.pass_on(2, hops, v));
  EXPECT_FALSE(last.pass_on(3, hops, v)) << "nothing of a round not heard";
}

TEST(BeaconChain, AnotherNetworksChainAndFarClaimsDoNotCount) {
  Chain ours(8);
  Chain theirs(8, static_cast<std::uint16_t>(net_id + 1));
  // Same seed, same round and hop: another network's value all the same.
  ChainValue v{};
  ASSERT_TRUE(theirs.source.round_value(3, v));
  EXPECT_EQ(ours.node.check(3, 0, v), Verdict::forged);
  // A claim more steps ahead than a node ever hashes is not even tried.
  const auto far_round = static_cast<std::uint32_t>(BeaconChainVerifier::max_steps / beacon_chain_hops + 2);
  EXPECT_EQ(ours.node.check(far_round, 0, v), Verdict::too_far);
}

TEST(BeaconChain, TheGatewayRunsOutOnlyPastItsRounds) {
  Chain c(1500);  // two segments of checkpoints
  const std::uint32_t per_segment = BeaconChainSource::segment / beacon_chain_hops;
  ASSERT_EQ(c.source.rounds(), 2 * per_segment);
  ChainValue v{};
  EXPECT_FALSE(c.source.round_value(c.source.rounds() + 1, v));
  EXPECT_FALSE(c.source.round_value(0, v));
  // Round by round across the segments' border, and back into the first segment: the
  // checkpoints give the values the chain has, each checked from the one before.
  for (std::uint32_t round = per_segment - 2; round <= per_segment + 2; ++round) {
    ASSERT_TRUE(c.source.round_value(round, v)) << round;
    EXPECT_EQ(c.node.check(round, 0, v), Verdict::genuine) << round;
  }
  ASSERT_TRUE(c.source.round_value(3, v));
  BeaconChainVerifier fresh;
  ASSERT_TRUE(fresh.init(net_id, c.source.anchor()));
  EXPECT_EQ(fresh.check(3, 0, v), Verdict::genuine);
  ASSERT_TRUE(c.source.round_value(c.source.rounds(), v));
  EXPECT_EQ(c.node.check(c.source.rounds(), 0, v), Verdict::genuine);
  // The gateway checks copies passed back to it from its own end.
  EXPECT_TRUE(c.source.genuine(7, 3, c.copy(7, 3)));
  EXPECT_FALSE(c.source.genuine(7, 2, c.copy(7, 3)));
  EXPECT_FALSE(c.source.genuine(8, 3, c.copy(7, 3)));
  EXPECT_FALSE(c.source.genuine(7, beacon_chain_hops, c.copy(7, 3)));
}

// The anchor the factory computes once per network (chain_anchor) is the one the gateway's
// chain ends at, for rounds inside one segment, on its border and past it; the walk reports
// its progress piece by piece up to the whole.
TEST(BeaconChain, TheFactorysAnchorIsTheGatewaysAnchor) {
  const std::uint32_t per_segment = BeaconChainSource::segment / beacon_chain_hops;
  for (const std::uint32_t rounds : {1U, 40U, per_segment, per_segment + 1, 3 * per_segment - 5}) {
    for (const std::uint32_t network : {0x00000007U, 0xB123U, 0xFFFFFFFFU}) {
      const ChainValue seed = seed_of(static_cast<std::uint8_t>(rounds));
      BeaconChainSource source;
      ASSERT_TRUE(source.init(network, seed, rounds));
      std::vector<std::uint64_t> walked;
      std::uint64_t total = 0;
      ChainValue anchor{};
      ASSERT_TRUE(chain_anchor(network, seed, rounds, anchor, [&](std::uint64_t w, std::uint64_t t) {
        walked.push_back(w);
        total = t;
      }));
      EXPECT_EQ(anchor, source.anchor()) << rounds << " rounds, network " << network;
      EXPECT_EQ(source.rounds(), chain_rounds(rounds));
      EXPECT_EQ(total, std::uint64_t{chain_rounds(rounds)} * beacon_chain_hops);
      ASSERT_FALSE(walked.empty());
      EXPECT_EQ(walked.size(), total / BeaconChainSource::segment);
      EXPECT_TRUE(std::is_sorted(walked.begin(), walked.end()));
      EXPECT_EQ(walked.back(), total);
    }
  }
}

TEST(BeaconChain, ChainsAreBuiltForWholeSegmentsWithin32BitPositions) {
  EXPECT_EQ(chain_rounds(0), 0U);
  EXPECT_EQ(chain_rounds(1), 1024U);
  EXPECT_EQ(chain_rounds(1024), 1024U);
  EXPECT_EQ(chain_rounds(1025), 2048U);
  EXPECT_EQ(chain_rounds(31'536'000), 31'536'128U);  // ten years of 10-s rounds
  EXPECT_EQ(chain_rounds(keys::max_beacon_chain_rounds), std::uint32_t{1} << 26);
  EXPECT_EQ(chain_rounds(keys::max_beacon_chain_rounds + 1), 0U);
  // Nothing is built or computed for no rounds or too many.
  const ChainValue seed = seed_of(0x5E);
  ChainValue anchor{};
  anchor.fill(0xAA);
  EXPECT_FALSE(chain_anchor(net_id, seed, 0, anchor));
  EXPECT_EQ(anchor, ChainValue{});
  EXPECT_FALSE(chain_anchor(net_id, seed, keys::max_beacon_chain_rounds + 1, anchor));
  BeaconChainSource source;
  EXPECT_FALSE(source.init(net_id, seed, 0));
  EXPECT_FALSE(source.init(net_id, seed, keys::max_beacon_chain_rounds + 1));
}

TEST(FloodWindow, TheTagOfARoundNeedsThatRoundsValueWhichNodesComputeFromAnyCopy) {
  // The gateway keys round w's tag with round w's copy M − 1 hops out; a node that took any
  // copy of round w computes the same value, and before it, only what earlier rounds show
  // is trusted: the value is out of reach (docs/wire-format.md §6.6).
  Chain c(40);
  const std::uint32_t w = 7;
  ChainValue at_gateway{};
  ASSERT_TRUE(c.source.value_at(w, flood_window_key_hops, at_gateway));
  ASSERT_EQ(c.node.check(w - 1, 3, c.copy(w - 1, 3)), Verdict::genuine);
  ChainValue early{};
  EXPECT_FALSE(c.node.value_at(w, flood_window_key_hops, early)) << "round w's value, before round w";
  ASSERT_EQ(c.node.check(w, 5, c.copy(w, 5)), Verdict::genuine);
  ChainValue at_node{};
  ASSERT_TRUE(c.node.value_at(w, flood_window_key_hops, at_node));
  EXPECT_EQ(at_node, at_gateway);
  EXPECT_EQ(at_node, c.copy(w, flood_window_key_hops));

  FloodWindowTag tag{};
  ASSERT_TRUE(flood_window_tag(net_id, w, at_gateway, tag));
  FloodWindowTag again{};
  ASSERT_TRUE(flood_window_tag(net_id, w, at_node, again));
  EXPECT_EQ(tag, again);
  // Another round, network or key gives another tag.
  FloodWindowTag other{};
  ASSERT_TRUE(flood_window_tag(net_id, w + 1, at_gateway, other));
  EXPECT_NE(other, tag);
  ASSERT_TRUE(flood_window_tag(net_id + 1U, w, at_gateway, other));
  EXPECT_NE(other, tag);
  ChainValue previous{};
  ASSERT_TRUE(c.node.value_at(w - 1, flood_window_key_hops, previous));
  ASSERT_TRUE(flood_window_tag(net_id, w, previous, other));
  EXPECT_NE(other, tag);
}

}  // namespace
}  // namespace meshsec::mesh
