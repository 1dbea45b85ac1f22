#include "sim/lower_bound.hpp"

#include <algorithm>
#include <limits>

namespace meshsec::sim {

std::vector<std::uint32_t> greedy_connected_dominating_set(const Topology& topology, const std::vector<bool>& alive) {
  const std::uint32_t n = topology.node_count();
  auto is_alive = [&](std::uint32_t i) { return i < n && (alive.empty() || alive[i]); };
  // Colours: 0 white (uncovered), 1 grey (covered, candidate), 2 black (member).
  std::vector<std::uint8_t> colour(n, 0);
  std::vector<std::uint32_t> gain(n, 0);
  std::vector<std::uint32_t> members;
  // Only nodes reachable from the gateway can be dominated.
  const auto hops = topology.hop_distances(alive.empty() ? nullptr : &alive);
  std::uint64_t white = 0;
  for (std::uint32_t i = 0; i < n; ++i)
    if (is_alive(i) && hops[i] != std::numeric_limits<std::uint32_t>::max()) ++white;
  std::vector<std::uint32_t> grey;
  auto make_black = [&](std::uint32_t v) {
    if (colour[v] == 0) --white;
    colour[v] = 2;
    members.push_back(v);
    for (const auto& l : topology.links(v)) {
      if (!is_alive(l.peer) || colour[l.peer] != 0) continue;
      colour[l.peer] = 1;
      --white;
      grey.push_back(l.peer);
    }
  };
  make_black(0);
  while (white > 0) {
    // The grey node with the most white neighbours (lowest id on ties: deterministic).
    std::uint32_t best = std::numeric_limits<std::uint32_t>::max();
    std::uint32_t best_gain = 0;
    for (auto g : grey) {
      if (colour[g] != 1) continue;
      std::uint32_t w = 0;
      for (const auto& l : topology.links(g))
        if (is_alive(l.peer) && colour[l.peer] == 0) ++w;
      if (w > best_gain || (w == best_gain && w > 0 && g < best)) {
        best_gain = w;
        best = g;
      }
    }
    if (best == std::numeric_limits<std::uint32_t>::max()) break;
    make_black(best);
    grey.erase(std::remove_if(grey.begin(), grey.end(), [&](std::uint32_t g) { return colour[g] != 1; }), grey.end());
  }
  return members;
}

DisseminationBound dissemination_bound(const Topology& topology, const std::vector<bool>& alive,
                                       std::uint64_t frames, std::uint64_t frame_airtime_us) {
  DisseminationBound b;
  b.frames = frames;
  b.cds_size = greedy_connected_dominating_set(topology, alive).size();
  const auto hops = topology.hop_distances(alive.empty() ? nullptr : &alive);
  for (auto h : hops)
    if (h != std::numeric_limits<std::uint32_t>::max()) b.eccentricity = std::max(b.eccentricity, h);
  b.frame_airtime_us = frame_airtime_us;
  b.transmissions = frames * b.cds_size;
  const std::uint64_t steps = frames + (b.eccentricity > 0 ? b.eccentricity - 1 : 0);
  b.seconds = static_cast<double>(steps * frame_airtime_us) / 1e6;
  return b;
}

}  // namespace meshsec::sim
