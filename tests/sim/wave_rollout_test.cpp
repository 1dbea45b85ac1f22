// The firmware wave in the simulator: every reachable node activates, most of them from
// the wave alone; the plan's relays stay within a small factor of the connected
// dominating set; and a relay that dies in the middle of the wave only delays its
// listeners, which finish through repair (M10).
#include <gtest/gtest.h>

#include "sim/scenario.hpp"
#include "sim/simulator.hpp"

namespace {

using namespace meshsec;
using namespace meshsec::sim;

Scenario wave_scenario(std::uint32_t nodes, std::uint64_t seed) {
  Scenario s = default_scenario();
  s.seed = seed;
  s.topology.nodes = nodes;
  s.firmware.blob_kib = 8;
  s.phases.boot_s = 35;
  s.phases.commission = false;
  s.phases.readings_per_node = 0;
  s.phases.operate_s = 1;
  s.phases.fail_fraction = 0;
  s.phases.rollout_timeout_s = 120;
  s.phases.attacks = false;
  return s;
}

TEST(WaveRollout, EveryNodeActivatesMostlyFromTheWave) {
  Simulator sim(wave_scenario(150, 4));
  const auto r = sim.run();
  const auto& o = r.rollout;
  ASSERT_TRUE(o.wave);
  EXPECT_DOUBLE_EQ(o.coverage, 1.0);
  EXPECT_GE(o.nodes_complete_after_wave, o.nodes_targeted * 8 / 10);
  EXPECT_EQ(o.wave_conflicted, 0U);
  EXPECT_GE(o.wave_channels, 1U);
  EXPECT_LE(o.wave_channels, 15U);
  EXPECT_EQ(o.wave_items_rejected, 0U);
  // Relays: a connected dominating set, within 2x of the greedy estimate of the minimum.
  EXPECT_GE(o.wave_relays, o.cds_size * 9 / 10);
  EXPECT_LE(o.wave_relays, o.cds_size * 2);
  // Every wave frame carried data (no frame of the wave went out twice for one item).
  EXPECT_GT(o.wave_data_frames, 0U);
  EXPECT_LE(o.wave_data_frames, std::uint64_t{o.wave_relays} * o.wave_items * 15);
  for (const auto& [reason, count] : r.legit_defence_drops) ADD_FAILURE() << reason << ": " << count;
}

// A plan without conflicts, kept to by synchronised clocks, loses no wave frame to a
// collision, nor to a listener that leaves the channel before a frame ends. Relays of one level that hear each other miss each other's frames only
// while sending their own (half duplex), which costs nothing: they never listen then.
// (The planner knows every link here; from a survey it knows those the probes got
// through, and a link too lossy for any probe can still carry a colliding frame.)
TEST(WaveRollout, AConflictFreePlanLosesNoWaveFrameToCollisions) {
  std::uint64_t half_duplex = 0;
  for (const std::uint64_t seed : {1U, 2U, 5U}) {
    Scenario s = wave_scenario(300, seed);
    s.firmware.blob_kib = 4;
    s.mesh.wave_links = "model";
    Simulator sim(s);
    const auto r = sim.run();
    ASSERT_EQ(r.rollout.wave_conflicted, 0U) << "seed " << seed;
    const auto collisions = r.drops.find("wave_collision");
    EXPECT_EQ(collisions == r.drops.end() ? 0U : collisions->second, 0U) << "seed " << seed;
    if (const auto h = r.drops.find("wave_half_duplex"); h != r.drops.end()) half_duplex += h->second;
    EXPECT_EQ(r.drops.count("wave_retuned"), 0U) << "seed " << seed;
  }
  EXPECT_GT(half_duplex, 0U);  // the case above does arise
}

// The rollout's bounds assume lossless links, known to the planner. Where that holds, the
// wave must meet both goals: at most 1.5 x the transmission bound and 3 x the time bound.
// This guards the wave's pace and relay count; on the default radio (2-22 % loss per link)
// the gap is the parity that loss costs (docs/dissemination.md, "Where the wave stands").
TEST(WaveRollout, OnLosslessLinksTheWaveMeetsBothGoals) {
  for (const std::uint64_t seed : {1U, 4U}) {
    Scenario s = wave_scenario(300, seed);
    s.firmware.blob_kib = 32;
    s.topology.loss_base = 0;
    s.topology.loss_edge = 0;
    s.mesh.wave_links = "model";
    Simulator sim(s);
    const auto r = sim.run();
    const auto& o = r.rollout;
    ASSERT_TRUE(o.wave) << "seed " << seed;
    EXPECT_DOUBLE_EQ(o.coverage, 1.0) << "seed " << seed;
    EXPECT_EQ(o.nodes_complete_after_wave, o.nodes_targeted) << "seed " << seed;
    EXPECT_LE(o.transmissions_ratio, 1.5) << "seed " << seed;
    EXPECT_LE(o.time_ratio, 3.0) << "seed " << seed;
    // Nothing is lost: each relay sends the one parity fragment per item kept against
    // chance (wave_parity_for with no loss), and the header's three more.
    EXPECT_LE(o.wave_parity_frames, std::uint64_t{o.wave_relays} * (o.wave_items + 3)) << "seed " << seed;
  }
}

TEST(WaveRollout, ARelayDyingMidWaveOnlyDelaysItsListeners) {
  Scenario s = wave_scenario(150, 6);
  Simulator sim(s);
  sim.manufacture();
  sim.boot();
  sim.run_for(35'000'000);
  sim.begin_rollout();
  // A relay deep enough to have listeners of its own, killed a quarter into the wave.
  std::uint32_t victim = 0;
  for (std::uint32_t i = 1; i < sim.node_count(); ++i) {
    const auto& a = sim.node(i).mesh->wave().assignment();
    if (!a.relay || a.level < 2) continue;
    std::uint32_t listeners = 0;
    for (std::uint32_t j = 1; j < sim.node_count(); ++j)
      if (sim.node(j).mesh->wave().assignment().upstream == i + 1) ++listeners;
    if (listeners >= 2) {
      victim = i;
      break;
    }
  }
  ASSERT_NE(victim, 0U);
  const auto& announcement = sim.node(0).mesh->wave().announcement();
  sim.run_for(announcement.t0_us > sim.node(0).mesh->global_us() ? announcement.t0_us - sim.node(0).mesh->global_us() : 0);
  sim.run_for(sim.node(0).mesh->wave().period_us() * announcement.items / 2);
  sim.fail_node(victim);
  for (int i = 0; i < 480 && !sim.rollout_done(); ++i) sim.run_for(250'000);
  sim.finish_rollout();
  const auto& o = sim.report().rollout;
  // Every node still alive and reachable activates, the dead relay's listeners included.
  EXPECT_EQ(o.nodes_activated, sim.reachable_alive_count());
  for (std::uint32_t j = 1; j < sim.node_count(); ++j) {
    if (sim.node(j).mesh->wave().assignment().upstream != victim + 1 || !sim.node(j).alive) continue;
    EXPECT_TRUE(sim.node(j).mesh->dissemination().activated()) << j;
  }
}

// A join record that falls due while a firmware wave runs waits for the wave, and then goes
// out at a moment drawn within the join spread after it, not as the wave ends: at 3,000
// nodes every join the wave had held back went out at once and kept the mesh's uplinks
// storming for seconds. The test looks for that burst: joins in the wave's last instant
// (the first half second after it) and a large share within two seconds. (A share of a
// tenth within two seconds, counted in whole joins, failed at 3 of 29 when the beacon
// repeats moved this seed's run: they went out 0.9, 1.4 and 1.9 s after the wave.)
TEST(WaveRollout, JoinsTheWaveHeldBackGoOutSpreadAfterIt) {
  Scenario s = wave_scenario(150, 4);
  s.firmware.blob_kib = 32;    // a wave of some 10 s
  s.mesh.join_spread_s = 120;  // many first joins fall due during the rollout
  Simulator sim(s);
  sim.manufacture();
  sim.boot();
  sim.run_for(35'000'000);
  sim.begin_rollout();
  const auto& gateway = *sim.node(0).mesh;
  const std::uint64_t end = gateway.wave().end_us();
  ASSERT_GT(end, gateway.global_us());
  sim.run_for(end - gateway.global_us());
  std::vector<std::uint32_t> at_end;
  for (std::uint32_t i = 0; i < sim.node_count(); ++i) at_end.push_back(sim.node(i).mesh->joins_sent());
  auto joined_since_end = [&] {
    std::uint32_t n = 0;
    for (std::uint32_t i = 0; i < sim.node_count(); ++i) n += sim.node(i).mesh->joins_sent() - at_end[i];
    return n;
  };
  sim.run_for(500'000);
  const std::uint32_t first_half_second = joined_since_end();
  sim.run_for(1'500'000);
  const std::uint32_t first_two_seconds = joined_since_end();
  sim.run_for(130'000'000);
  const std::uint32_t after = joined_since_end();
  ASSERT_GE(after, 20U) << "joins sent after the wave";
  EXPECT_LE(first_half_second, 1U) << first_half_second << " of " << after << " in the first half second";
  EXPECT_LE(first_two_seconds * 100, after * 15) << first_two_seconds << " of " << after << " in the first two seconds";
}

}  // namespace
