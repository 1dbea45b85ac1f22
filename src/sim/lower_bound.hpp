// Lower bounds for firmware dissemination (docs/dissemination.md §Bounds):
//   transmissions ≥ F × |CDS|       every frame must be sent by a connected dominating
//                                   set of the graph at least once
//   time          ≥ (F + h − 1) × t  the last frame still needs h hops after the first F
// with F the data frames the image needs, h the gateway's eccentricity and t the airtime
// of one data frame. The minimum CDS is NP-hard; we use the greedy construction of Guha
// and Khuller (grow a tree from the gateway, always adding the node that covers the most
// uncovered nodes), a (ln Δ + 2)-approximation: the bound it gives is an estimate that can
// exceed the true minimum by that factor, which the report says.
#pragma once
#include <cstdint>
#include <vector>

#include "sim/topology.hpp"

namespace meshsec::sim {

// Greedy connected dominating set over the mesh nodes marked alive (all when empty),
// grown from the gateway (node 0), which is always a member. Returns the member list.
[[nodiscard]] std::vector<std::uint32_t> greedy_connected_dominating_set(const Topology& topology,
                                                                         const std::vector<bool>& alive);

struct DisseminationBound {
  std::uint64_t frames = 0;          // F
  std::uint64_t cds_size = 0;
  std::uint32_t eccentricity = 0;    // h
  std::uint64_t frame_airtime_us = 0;
  std::uint64_t transmissions = 0;   // F × |CDS|
  double seconds = 0;                // (F + h − 1) × t
};

[[nodiscard]] DisseminationBound dissemination_bound(const Topology& topology, const std::vector<bool>& alive,
                                                     std::uint64_t frames, std::uint64_t frame_airtime_us);

}  // namespace meshsec::sim
