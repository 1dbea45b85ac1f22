// Per-node downlinks from the back office (commissioning, a network key refresh). A node
// the gateway has a route to (its join record or any later uplink taught the way) gets its
// message routed, hop by hop: a few frames along one path instead of a flood over the
// whole backbone. A node without a route gets it in a flood once it has had time to join,
// and so does one whose routed copies went unanswered four times (its path broke, e.g. a
// relay failed). A node that answers none of four floods (cut off by failed nodes, or
// asleep) is flooded for again after 10, 20, 40 and 40 s, and then left: each flood costs
// the whole backbone's frames, and at 3,000 nodes one silent node, flooded for every
// round until the phase's time ran out, cost a phase some 250,000 frames. A revocation's
// key deliveries keep flooding every round instead: a node without the new key is one the
// revoked node can still talk to.
#include <algorithm>
#include <cstdio>
#include <cstdlib>

#include "sim/simulator.hpp"

namespace meshsec::sim {

std::uint32_t Simulator::send_per_node(const std::string& phase, std::uint64_t limit_us, std::uint64_t join_wait_us,
                                       const std::function<bool(node::NodeId)>& done, const BodiesFor& bodies_for,
                                       SilentNodes silent) {
  constexpr std::uint8_t routed_attempts = 4;
  constexpr std::uint8_t flood_attempts = 8;
  constexpr std::uint8_t prompt_floods = 4;  // sent round after round before the waits begin
  constexpr std::uint64_t first_flood_wait_us = 10'000'000;
  constexpr std::uint64_t max_flood_wait_us = 40'000'000;
  const std::uint64_t start = now_;
  auto& gateway = *nodes_[0]->mesh;
  std::vector<std::uint8_t> routed_tries(node_count() + 1, 0);
  std::vector<std::uint8_t> flood_tries(node_count() + 1, 0);
  std::vector<std::uint64_t> next_flood_at(node_count() + 1, 0);
  auto pending = [&] {
    std::vector<node::NodeId> out;
    for (std::uint32_t i = 1; i < node_count(); ++i)
      if (nodes_[i]->alive && !done(static_cast<node::NodeId>(i + 1))) out.push_back(static_cast<node::NodeId>(i + 1));
    return out;
  };
  // Whom the back office still tries: routed copies left, or floods.
  auto still_tried = [&](node::NodeId id) {
    return silent == SilentNodes::keep_flooding || flood_tries[id] < flood_attempts ||
           (routed_tries[id] < routed_attempts && gateway.routes().next_hop(id) != node::no_node);
  };
  auto queue_flood = [&](node::NodeId id, std::vector<node::NodeId>& flood) {
    if (silent == SilentNodes::keep_flooding) {
      flood.push_back(id);
      return;
    }
    if (flood_tries[id] >= flood_attempts || now_ < next_flood_at[id]) return;
    ++flood_tries[id];
    if (flood_tries[id] >= prompt_floods)
      next_flood_at[id] = now_ + std::min(max_flood_wait_us, first_flood_wait_us << (flood_tries[id] - prompt_floods));
    flood.push_back(id);
  };
  const auto total = static_cast<double>(std::max<std::size_t>(1, pending().size()));
  auto in_time = [&] { return now_ - start < limit_us; };
  // The gateway holds a routed message until it hears the next hop carry it: when all its
  // slots wait, give it about a frame's time.
  const std::uint64_t frame = airtime_us(128);
  std::size_t sent = 0;
  while (in_time()) {
    const auto targets = pending();
    if (std::none_of(targets.begin(), targets.end(), still_tried)) break;
    // Nodes without a route get their message in a flood no relay can check: the gateway
    // opens the coming two rounds for such floods on every pass that still has nodes to
    // reach (mesh/flood_window.hpp), and closes them when the phase ends. Kept open for six
    // rounds instead, they were open more often when the attack window followed the
    // rollout: the stolen node's forgeries were carried at 18 of 20 demo seeds (547 frames
    // on average) instead of 12 of 24 (310).
    gateway.expect_unchecked_floods();
    std::vector<node::NodeId> flood;
    for (std::size_t i = 0; i < targets.size() && in_time(); ++i) {
      const node::NodeId id = targets[i];
      if (routed_tries[id] < routed_attempts && gateway.routes().next_hop(id) != node::no_node) {
        const auto body = bodies_for({id}).front();
        // The gateway may give up a route while we wait for a free slot (its next hop
        // stopped answering): then this node's message goes in the flood.
        bool queued = false;
        while (in_time() && gateway.routes().next_hop(id) != node::no_node && !(queued = gateway.send_routed(id, body)))
          run_for(frame);
        if (!queued) {
          queue_flood(id, flood);
          continue;
        }
        ++routed_tries[id];
        if (++sent % 64 == 0) progress(phase, static_cast<double>(sent) / total / routed_attempts);
      } else if (routed_tries[id] >= routed_attempts || now_ - start >= join_wait_us) {
        queue_flood(id, flood);
      }
    }
    if (std::getenv("MESHSEC_SIM_TRACE") != nullptr)
      std::fprintf(stderr, "%s: round at %.1f s, %zu pending, %zu routed so far, %zu flooded now, %zu routes at the gateway\n",
                   phase.c_str(), static_cast<double>(now_ - start) / 1e6, targets.size(), sent, flood.size(),
                   gateway.routes().size());
    const auto bodies = bodies_for(flood);
    for (std::size_t i = 0; i < bodies.size() && in_time(); ++i) {
      while (!gateway.send_downlink(bodies[i]) && in_time()) run_for(10 * frame);
      run_for(10 * frame);
    }
    // Let the messages and the answers drain before the next round.
    run_until([&] { return pending().empty(); }, 5'000'000, 250'000);
    progress(phase, 1.0 - static_cast<double>(pending().size()) / total);
  }
  gateway.close_flood_windows();
  const auto left = pending().size();
  return static_cast<std::uint32_t>(total - static_cast<double>(left));
}

}  // namespace meshsec::sim
