#include <gtest/gtest.h>
#include <cstdio>
#include <map>
#include "sim/simulator.hpp"
#include "sim/scenario.hpp"
using namespace meshsec;
using namespace meshsec::sim;
TEST(Scratch, ChainVsGradient) {
  Scenario s = default_scenario();
  s.seed = 3;
  Simulator sim(s);
  sim.manufacture();
  sim.boot();
  for (int k = 0; k < 12; ++k) {
    sim.run_for(8'000'000);
    std::map<int, int> hist;
    for (std::uint32_t i = 1; i < sim.node_count(); ++i) {
      const auto& m = *sim.node(i).mesh;
      if (m.hops() == 0xFF || m.round() == 0) { hist[999]++; continue; }
      const long best = static_cast<long>(mesh::chain_position(m.round(), 0)) - static_cast<long>(m.beacon_chain().trusted_position());
      hist[static_cast<int>(best + 1 - m.hops())]++;
    }
    std::printf("t=%d:", (k + 1) * 8);
    for (auto [d, c] : hist) std::printf(" %d:%d", d, c);
    std::printf("\n");
  }
}
