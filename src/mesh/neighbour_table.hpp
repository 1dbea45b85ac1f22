// What a node knows about its neighbours, learned from the header every message carries:
// hop distance to the gateway, chosen parent, backbone and blob flags, and from beacons
// and adverts the degree and blob progress. Fixed size; the stalest entry is replaced.
//
// From it the node derives its own hop distance and parent each beacon round (M10: a
// failed neighbour ages out and the gradient re-forms around it), and whether it is on the
// backbone (some live neighbour named it parent): the backbone relays floods and pushes
// firmware, and as the set of tree parents it is a connected dominating set.
#pragma once
#include <array>
#include <cstddef>
#include <cstdint>

#include "node/node_id.hpp"

namespace meshsec::mesh {

struct Neighbour {
  node::NodeId id = node::no_node;
  std::uint8_t hops = 0xFF;
  node::NodeId parent = node::no_node;
  std::uint8_t degree = 0;
  bool backbone = false;
  bool blob_complete = false;
  std::uint16_t blob_present = 0;
  std::uint32_t heard_round = 0;
  std::uint32_t beacon_round = 0;  // the round of the last beacon it passed on to us (0: none yet)
  // The fewest hops any of its beacon copies showed by the gateway's chain
  // (beacon_chain.hpp; 0xFF: none yet): it cannot claim fewer and be believed. The fewest
  // over every round, not the last: a copy passed on before a nearer one came in shows
  // more hops than the node has, and a count that climbed since is in its headers.
  std::uint8_t proven_hops = 0xFF;
  // What the gradient counts for it: its headers' hops, never fewer than proven.
  [[nodiscard]] std::uint8_t counted_hops() const noexcept {
    return proven_hops == 0xFF || hops > proven_hops ? hops : proven_hops;
  }
  // Link quality: the probes of link survey `probe_survey` heard from this neighbour.
  std::uint16_t probe_survey = 0;
  std::uint8_t probes_heard = 0;
};

class NeighbourTable {
 public:
  static constexpr std::size_t capacity = 40;
  // M10 (docs/simulator.md): an entry lives through two missed rounds and drops at the
  // third, so a live neighbour survives two lost beacons while a failed one leaves the
  // gradient at most three beacon periods (30 s by default) after it was last heard.
  static constexpr std::uint32_t expiry_rounds = 2;

  // Records a message from `id`; returns the entry (never null: replaces the stalest).
  Neighbour& heard(node::NodeId id, std::uint32_t round) noexcept;
  [[nodiscard]] const Neighbour* find(node::NodeId id) const noexcept;
  [[nodiscard]] Neighbour* find(node::NodeId id) noexcept;
  // Drops entries not heard for expiry_rounds rounds.
  void expire(std::uint32_t round) noexcept;
  [[nodiscard]] std::uint8_t live_count(std::uint32_t round) const noexcept;
  // The gradient (M10): 1 + the smallest hop count among the neighbours that lead towards
  // the gateway (0xFF when none), and the one of them to send through. Such a neighbour
  // - was heard this round or the last: a failed parent leaves the gradient a round after
  //   its last frame, not when its entry expires (two rounds more, while readings follow
  //   it into the hole and its stale count passes on from node to node);
  // - does not name `self` as its parent (split horizon: its count runs through us, and
  //   taking it up again is how counts chase each other upwards after a failure);
  // - takes part in the beacon floods (passed one on since it entered the table): a holder
  //   of the network key that never does cannot draw the gradient to itself by claiming a
  //   small hop count in its other frames. (Asking for a beacon in the last two rounds
  //   also left out genuine neighbours whose beacons collide, over the lossy links that
  //   may be all that is left around a hole.)
  // Each counts as many hops as it says, but no fewer than its last beacon copy showed by
  // the gateway's chain: a holder of the network key that does pass beacons on cannot
  // draw the gradient by claiming fewer hops than it has (docs/wire-format.md §6.5).
  // When none that meets the other two was heard this round or the last, those heard in
  // the last two rounds count (a node whose neighbours all went unheard for a round keeps
  // a way to the gateway).
  // The parent is one of them one hop closer: `current` while it still is one, else the
  // best by (backbone, degree, lowest id); no_node when none.
  struct Way {
    std::uint8_t hops = 0xFF;
    node::NodeId parent = node::no_node;
  };
  [[nodiscard]] Way way_to_gateway(std::uint32_t round, node::NodeId self, node::NodeId current) const noexcept {
    return way(round, self, current, true);
  }
  // The same, taking every neighbour's headers at their word: the way an honest mesh has,
  // and so the copy a node should wait for before it passes a beacon on (its neighbours
  // count it no nearer than that copy shows, MeshNode::beacon_copy_near_enough()).
  [[nodiscard]] Way way_by_headers(std::uint32_t round, node::NodeId self, node::NodeId current) const noexcept {
    return way(round, self, current, false);
  }
  [[nodiscard]] bool is_parent_of_someone(node::NodeId self, std::uint32_t round) const noexcept;
  // A live neighbour whose headers count more hops than `hops`: one a flood passed on by
  // this node still has to reach.
  [[nodiscard]] bool has_farther(std::uint8_t hops, std::uint32_t round) const noexcept;
  // A live neighbour holding the complete blob (parent first, then fewest hops); or the
  // one with the most chunks above `have`; no_node when none.
  [[nodiscard]] node::NodeId best_source(node::NodeId parent, std::uint16_t have, std::uint32_t round,
                                         std::uint32_t skip_rank) const noexcept;

  template <class F>
  void for_each(F&& f) const {
    for (const auto& n : entries_)
      if (n.id != node::no_node) f(n);
  }

 private:
  [[nodiscard]] static bool leads_to_gateway(const Neighbour& n, std::uint32_t round, node::NodeId self,
                                             std::uint32_t rounds) noexcept {
    return n.id != node::no_node && n.heard_round + rounds >= round && n.beacon_round != 0 && n.parent != self;
  }
  [[nodiscard]] std::uint32_t gradient_rounds(std::uint32_t round, node::NodeId self) const noexcept;
  [[nodiscard]] Way way(std::uint32_t round, node::NodeId self, node::NodeId current, bool proven) const noexcept;
  [[nodiscard]] bool live(const Neighbour& n, std::uint32_t round) const noexcept {
    return n.id != node::no_node && n.heard_round + expiry_rounds >= round;
  }
  std::array<Neighbour, capacity> entries_{};
};

}  // namespace meshsec::mesh
