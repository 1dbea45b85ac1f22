// The wave planner on small known graphs (line, grid with diagonals, random geometric):
// every listener has an adjacent relay one level up on the channel it tunes to, relays form
// a tree to the gateway, enough channels leave no listener in conflict, dead nodes take no
// part, and the same input gives the same plan.
#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <iostream>
#include <random>
#include <vector>

#include "mesh/wave_plan.hpp"

namespace {

using namespace meshsec::mesh;

void link(WavePlanInput& in, std::uint32_t a, std::uint32_t b, float loss) {
  in.links[a].push_back({b, loss});
  in.links[b].push_back({a, loss});
}

WavePlanInput line(std::uint32_t n, float loss = 0.02f) {
  WavePlanInput in;
  in.links.resize(n);
  for (std::uint32_t i = 0; i + 1 < n; ++i) link(in, i, i + 1, loss);
  return in;
}

// side × side grid, 8 neighbours (range 1.5 spacings); diagonals lossier than the sides.
WavePlanInput grid(std::uint32_t side) {
  WavePlanInput in;
  in.links.resize(side * side);
  for (std::uint32_t y = 0; y < side; ++y)
    for (std::uint32_t x = 0; x < side; ++x) {
      const auto i = y * side + x;
      if (x + 1 < side) link(in, i, i + 1, 0.03f);
      if (y + 1 < side) link(in, i, i + side, 0.03f);
      if (x + 1 < side && y + 1 < side) link(in, i, i + side + 1, 0.08f);
      if (x > 0 && y + 1 < side) link(in, i, i + side - 1, 0.08f);
    }
  return in;
}

// Unit-disk graph in a square sized for the wanted mean degree; loss grows towards the edge
// of the range (0.02 + 0.20 (d/r)^4, so the outer part is worse than good_link_loss).
WavePlanInput random_geometric(std::uint32_t n, double mean_degree, std::uint32_t seed) {
  std::mt19937 rng(seed);
  std::uniform_real_distribution<double> unit(0.0, 1.0);
  const double range = 1.0;
  const double side = std::sqrt(static_cast<double>(n) * 3.14159265358979 * range * range / mean_degree);
  std::vector<double> xs(n), ys(n);
  for (std::uint32_t i = 0; i < n; ++i) {
    xs[i] = unit(rng) * side;
    ys[i] = unit(rng) * side;
  }
  xs[0] = side / 2;  // the gateway in the middle
  ys[0] = side / 2;
  // Cells of one range: a node's neighbours are in its own or the 8 adjacent cells.
  const auto cells = static_cast<std::uint32_t>(std::ceil(side / range));
  std::vector<std::vector<std::uint32_t>> cell(static_cast<std::size_t>(cells) * cells);
  auto cell_of = [&](double v) { return std::min(cells - 1, static_cast<std::uint32_t>(v / range)); };
  for (std::uint32_t i = 0; i < n; ++i) cell[cell_of(ys[i]) * cells + cell_of(xs[i])].push_back(i);
  WavePlanInput in;
  in.links.resize(n);
  for (std::uint32_t i = 0; i < n; ++i) {
    const auto cx = cell_of(xs[i]);
    const auto cy = cell_of(ys[i]);
    for (std::uint32_t y = cy > 0 ? cy - 1 : 0; y <= std::min(cells - 1, cy + 1); ++y)
      for (std::uint32_t x = cx > 0 ? cx - 1 : 0; x <= std::min(cells - 1, cx + 1); ++x)
        for (const auto j : cell[y * cells + x]) {
          if (j <= i) continue;
          const double d = std::hypot(xs[i] - xs[j], ys[i] - ys[j]);
          if (d > range) continue;
          link(in, i, j, static_cast<float>(0.02 + 0.20 * std::pow(d / range, 4)));
        }
  }
  return in;
}

bool adjacent(const WavePlanInput& in, std::uint32_t a, std::uint32_t b) {
  for (const auto& l : in.links[a])
    if (l.peer == b) return true;
  return false;
}

bool alive(const WavePlanInput& in, std::uint32_t i) { return in.alive.empty() || in.alive[i]; }

// The invariants every plan must hold, whatever the graph.
void check_plan(const WavePlanInput& in, const WavePlan& plan) {
  const auto n = static_cast<std::uint32_t>(in.links.size());
  ASSERT_EQ(plan.roles.size(), n);
  std::uint32_t relays = 0, unreachable = 0, channels_mask_bits = 0;
  std::vector<bool> channel_seen(256, false);
  const std::uint32_t channels = std::max<std::uint32_t>(1, in.channels);
  for (std::uint32_t i = 0; i < n; ++i) {
    const auto& r = plan.roles[i];
    if (!alive(in, i)) {
      EXPECT_FALSE(r.in_plan) << i;
      EXPECT_FALSE(r.relay) << i;
      continue;
    }
    if (!r.in_plan) {
      EXPECT_FALSE(r.relay) << i;
      ++unreachable;
      continue;
    }
    if (r.relay) {
      ++relays;
      ASSERT_LT(r.tx_channel, channels) << i;
      if (!channel_seen[r.tx_channel]) ++channels_mask_bits;
      channel_seen[r.tx_channel] = true;
    } else {
      EXPECT_EQ(r.tx_channel, wave_no_channel) << i;
    }
    if (i == 0) {
      EXPECT_EQ(r.level, 0);
      EXPECT_TRUE(r.relay);
      EXPECT_EQ(r.upstream, wave_no_upstream);
      continue;
    }
    ASSERT_NE(r.upstream, wave_no_upstream) << i;
    ASSERT_LT(r.upstream, n) << i;
    const auto& up = plan.roles[r.upstream];
    EXPECT_TRUE(up.in_plan) << i;
    EXPECT_TRUE(up.relay) << i;
    EXPECT_TRUE(alive(in, r.upstream)) << i;
    EXPECT_EQ(up.level + 1, r.level) << i;
    EXPECT_TRUE(adjacent(in, i, r.upstream)) << i;
    EXPECT_EQ(r.rx_channel, up.tx_channel) << i;
    // The upstream chain reaches the gateway in exactly `level` steps.
    std::uint32_t at = i, steps = 0;
    while (at != 0 && steps <= r.level) {
      at = plan.roles[at].upstream;
      ++steps;
    }
    EXPECT_EQ(at, 0u) << i;
    EXPECT_EQ(steps, r.level) << i;
  }
  EXPECT_EQ(plan.relays, relays);
  EXPECT_EQ(plan.unreachable, unreachable);
  EXPECT_EQ(plan.channels_used, channels_mask_bits);
}

// Counts the listeners that hear a relay of their upstream's period parity on their channel.
std::uint32_t conflicted(const WavePlanInput& in, const WavePlan& plan) {
  std::uint32_t count = 0;
  for (std::uint32_t i = 1; i < in.links.size(); ++i) {
    const auto& r = plan.roles[i];
    if (!r.in_plan) continue;
    const auto& up = plan.roles[r.upstream];
    for (const auto& l : in.links[i]) {
      const auto& v = plan.roles[l.peer];
      if (l.peer == r.upstream || !v.relay || !alive(in, l.peer)) continue;
      if (((v.level ^ up.level) & 1) == 0 && v.tx_channel == up.tx_channel) {
        ++count;
        break;
      }
    }
  }
  return count;
}

bool same(const WavePlan& a, const WavePlan& b) {
  if (a.roles.size() != b.roles.size() || a.relays != b.relays || a.max_level != b.max_level ||
      a.channels_used != b.channels_used || a.conflicted_receivers != b.conflicted_receivers ||
      a.unreachable != b.unreachable)
    return false;
  for (std::size_t i = 0; i < a.roles.size(); ++i) {
    const auto& x = a.roles[i];
    const auto& y = b.roles[i];
    if (x.in_plan != y.in_plan || x.level != y.level || x.relay != y.relay || x.tx_channel != y.tx_channel ||
        x.rx_channel != y.rx_channel || x.upstream != y.upstream)
      return false;
  }
  return true;
}

TEST(WavePlan, LineOfTenRelaysAllButTheLast) {
  const auto in = line(10);
  const auto plan = plan_wave(in);
  check_plan(in, plan);
  for (std::uint32_t i = 0; i < 10; ++i) {
    EXPECT_TRUE(plan.roles[i].in_plan);
    EXPECT_EQ(plan.roles[i].level, i);
    EXPECT_EQ(plan.roles[i].relay, i < 9) << i;
    if (i > 0) {
      EXPECT_EQ(plan.roles[i].upstream, i - 1);
    }
  }
  EXPECT_EQ(plan.relays, 9u);
  EXPECT_EQ(plan.max_level, 9);
  EXPECT_EQ(plan.unreachable, 0u);
  EXPECT_EQ(plan.conflicted_receivers, 0u);
  EXPECT_EQ(conflicted(in, plan), 0u);
}

TEST(WavePlan, GridHoldsInvariantsAndOneChannelConflicts) {
  auto in = grid(12);
  const auto plan = plan_wave(in);
  check_plan(in, plan);
  EXPECT_EQ(plan.conflicted_receivers, conflicted(in, plan));
  EXPECT_EQ(plan.conflicted_receivers, 0u);
  EXPECT_EQ(plan.max_level, 11);  // Chebyshev distance to the far corner
  EXPECT_LT(plan.relays, 144u / 2);
  in.channels = 1;
  const auto one = plan_wave(in);
  check_plan(in, one);
  EXPECT_EQ(one.channels_used, 1u);
  EXPECT_GT(one.conflicted_receivers, 0u);
  EXPECT_EQ(one.conflicted_receivers, conflicted(in, one));
}

TEST(WavePlan, RandomGeometricFifteenChannelsNoConflicts) {
  for (const std::uint32_t seed : {1u, 2u, 3u}) {
    const auto in = random_geometric(400, 10.0, seed);
    const auto plan = plan_wave(in);
    check_plan(in, plan);
    EXPECT_EQ(plan.conflicted_receivers, 0u) << seed;
    EXPECT_EQ(conflicted(in, plan), 0u) << seed;
    EXPECT_LE(plan.channels_used, 15u);
    EXPECT_GT(plan.max_level, 2);
    std::uint32_t in_plan = 0;
    for (const auto& r : plan.roles) in_plan += r.in_plan ? 1U : 0U;
    EXPECT_EQ(in_plan + plan.unreachable, 400u);
    EXPECT_LT(plan.relays, in_plan / 2) << seed;
  }
}

TEST(WavePlan, GoodLinksSetTheLevels) {
  // 0 —good— 1 —good— 2, and a lossy shortcut 0 — 2: node 2 stays at level 2.
  // Node 3 is heard only over a lossy link from 1: level 2 through it.
  WavePlanInput in;
  in.links.resize(4);
  link(in, 0, 1, 0.02f);
  link(in, 1, 2, 0.02f);
  link(in, 0, 2, 0.40f);
  link(in, 1, 3, 0.50f);
  const auto plan = plan_wave(in);
  check_plan(in, plan);
  EXPECT_EQ(plan.roles[1].level, 1);
  EXPECT_EQ(plan.roles[2].level, 2);
  EXPECT_EQ(plan.roles[3].level, 2);
  EXPECT_EQ(plan.roles[3].upstream, 1u);
  EXPECT_TRUE(plan.roles[1].relay);
  EXPECT_EQ(plan.relays, 2u);
}

TEST(WavePlan, LossyLinksOnlyWhereNoGoodCover) {
  // Level 1: nodes 1 and 2. Node 3 hears 1 well and 2 badly; node 4 hears 2 badly only.
  // Good-link cover picks 1 for 3; 4 then needs 2 over its lossy link; 3 keeps the better 1.
  WavePlanInput in;
  in.links.resize(5);
  link(in, 0, 1, 0.02f);
  link(in, 0, 2, 0.02f);
  link(in, 1, 3, 0.05f);
  link(in, 2, 3, 0.30f);
  link(in, 2, 4, 0.30f);
  const auto plan = plan_wave(in);
  check_plan(in, plan);
  EXPECT_TRUE(plan.roles[1].relay);
  EXPECT_TRUE(plan.roles[2].relay);
  EXPECT_EQ(plan.roles[3].upstream, 1u);
  EXPECT_EQ(plan.roles[4].upstream, 2u);
}

TEST(WavePlan, DeadNodesTakeNoPart) {
  auto in = random_geometric(400, 10.0, 7);
  in.alive.assign(400, true);
  std::mt19937 rng(11);
  for (int k = 0; k < 40; ++k) in.alive[1 + rng() % 399] = false;
  const auto plan = plan_wave(in);
  check_plan(in, plan);
  for (std::uint32_t i = 0; i < 400; ++i)
    if (!in.alive[i]) {
      EXPECT_FALSE(plan.roles[i].in_plan);
      EXPECT_FALSE(plan.roles[i].relay);
    }
  EXPECT_EQ(plan.conflicted_receivers, conflicted(in, plan));
}

TEST(WavePlan, NodeBehindDeadCutVertexIsUnreachable) {
  auto in = line(6);
  in.alive.assign(6, true);
  in.alive[3] = false;
  const auto plan = plan_wave(in);
  check_plan(in, plan);
  EXPECT_EQ(plan.unreachable, 2u);
  EXPECT_FALSE(plan.roles[3].in_plan);
  EXPECT_FALSE(plan.roles[4].in_plan);
  EXPECT_FALSE(plan.roles[5].in_plan);
  EXPECT_EQ(plan.max_level, 2);
  EXPECT_FALSE(plan.roles[2].relay);  // nobody left for it to serve
  EXPECT_EQ(plan.relays, 2u);
}

TEST(WavePlan, DeadGatewayReachesNobody) {
  auto in = line(4);
  in.alive = {false, true, true, true};
  const auto plan = plan_wave(in);
  EXPECT_EQ(plan.unreachable, 3u);
  EXPECT_EQ(plan.relays, 0u);
  for (const auto& r : plan.roles) EXPECT_FALSE(r.in_plan);
}

TEST(WavePlan, SameInputSamePlan) {
  const auto in = random_geometric(400, 10.0, 5);
  const auto a = plan_wave(in);
  const auto b = plan_wave(in);
  EXPECT_TRUE(same(a, b));
  auto one = grid(9);
  one.channels = 2;
  EXPECT_TRUE(same(plan_wave(one), plan_wave(one)));
}

TEST(WavePlan, TenThousandNodesSmoke) {
  const auto in = random_geometric(10'000, 10.0, 42);
  const auto start = std::chrono::steady_clock::now();
  const auto plan = plan_wave(in);
  const auto ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
  check_plan(in, plan);
  std::cout << "plan_wave 10000 nodes: " << ms << " ms, relays " << plan.relays << ", levels " << plan.max_level
            << ", channels " << plan.channels_used << ", conflicted " << plan.conflicted_receivers
            << ", unreachable " << plan.unreachable << "\n";
}

}  // namespace

namespace {

// A measured link's parity follows its upper bound, its place in the plan the estimate:
// the same line, once with bounds, keeps its levels and relays and asks more parity.
TEST(WavePlan, ParityFollowsTheLinksUpperBoundAndTheRestItsEstimate) {
  WavePlanInput plain = line(6, 0.05f);
  WavePlanInput bounded = plain;
  for (auto& links : bounded.links)
    for (auto& l : links) l.parity_loss = 0.15f;
  const WavePlan a = plan_wave(plain);
  const WavePlan b = plan_wave(bounded);
  ASSERT_EQ(a.roles.size(), b.roles.size());
  for (std::size_t i = 0; i < a.roles.size(); ++i) {
    EXPECT_EQ(a.roles[i].level, b.roles[i].level) << i;
    EXPECT_EQ(a.roles[i].relay, b.roles[i].relay) << i;
    EXPECT_EQ(a.roles[i].upstream, b.roles[i].upstream) << i;
    if (!a.roles[i].relay) continue;
    auto worst = [](const WaveRole& r) { return std::max(r.worst_relay_listener_loss, r.worst_leaf_listener_loss); };
    EXPECT_FLOAT_EQ(worst(a.roles[i]), 0.05f) << i;
    EXPECT_FLOAT_EQ(worst(b.roles[i]), 0.15f) << i;
  }
  // A bound below the estimate is no bound: the estimate stands.
  for (auto& links : bounded.links)
    for (auto& l : links) l.parity_loss = 0.01f;
  const WavePlan c = plan_wave(bounded);
  EXPECT_FLOAT_EQ(std::max(c.roles[0].worst_relay_listener_loss, c.roles[0].worst_leaf_listener_loss), 0.05f);
}

}  // namespace
