#include "sim/lower_bound.hpp"

#include <algorithm>
#include <limits>
#include <queue>
#include <utility>

namespace meshsec::sim {

std::vector<std::uint32_t> greedy_connected_dominating_set(const Topology& topology, const std::vector<bool>& alive) {
  const std::uint32_t n = topology.node_count();
  auto is_alive = [&](std::uint32_t i) { return i < n && (alive.empty() || alive[i]); };
  // Colours: 0 white (uncovered), 1 grey (covered, candidate), 2 black (member).
  std::vector<std::uint8_t> colour(n, 0);
  std::vector<std::uint32_t> members;
  // Only nodes reachable from the gateway can be dominated.
  const auto hops = topology.hop_distances(alive.empty() ? nullptr : &alive);
  std::uint64_t white = 0;
  for (std::uint32_t i = 0; i < n; ++i)
    if (is_alive(i) && hops[i] != std::numeric_limits<std::uint32_t>::max()) ++white;
  auto white_neighbours = [&](std::uint32_t g) {
    std::uint32_t w = 0;
    for (const auto& l : topology.links(g))
      if (is_alive(l.peer) && colour[l.peer] == 0) ++w;
    return w;
  };
  // Lazy max-heap of (gain, node), best = highest gain, then lowest index. A node's gain
  // only falls as nodes turn grey, so a stored gain is an upper bound: the top is re-counted
  // when popped and either taken (still exact, hence the maximum) or pushed back lowered.
  // Nodes with no white neighbour never gain one again and are dropped. Same picks as a
  // full rescan of the grey nodes per step, in O((n + m) log n) for bounded degree.
  using Entry = std::pair<std::uint32_t, std::uint32_t>;  // (gain, node)
  auto worse = [](const Entry& a, const Entry& b) {
    return a.first != b.first ? a.first < b.first : a.second > b.second;
  };
  std::priority_queue<Entry, std::vector<Entry>, decltype(worse)> heap(worse);
  std::vector<std::uint32_t> newly_grey;
  auto make_black = [&](std::uint32_t v) {
    if (colour[v] == 0) --white;
    colour[v] = 2;
    members.push_back(v);
    newly_grey.clear();
    for (const auto& l : topology.links(v)) {
      if (!is_alive(l.peer) || colour[l.peer] != 0) continue;
      colour[l.peer] = 1;
      --white;
      newly_grey.push_back(l.peer);
    }
    // Gains are counted once v's whole neighbourhood is grey, as a rescan would see them.
    for (auto g : newly_grey) {
      const auto w = white_neighbours(g);
      if (w > 0) heap.emplace(w, g);
    }
  };
  make_black(0);
  while (white > 0) {
    std::uint32_t best = std::numeric_limits<std::uint32_t>::max();
    while (!heap.empty()) {
      const auto [stored, g] = heap.top();
      heap.pop();
      if (colour[g] != 1) continue;
      const auto w = white_neighbours(g);
      if (w == stored) {
        best = g;
        break;
      }
      if (w > 0) heap.emplace(w, g);
    }
    if (best == std::numeric_limits<std::uint32_t>::max()) break;
    make_black(best);
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
