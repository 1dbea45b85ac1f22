// Downward routes, learned from the uplinks a node carries (reverse-path routing, like
// RPL's storing mode): an uplink from `origin` that reached us from neighbour `via` means
// `via` leads back to `origin`. The gateway uses them to send one node a message along a
// path of single hops (MessageType::routed) instead of flooding the whole backbone for it.
//
// One 4-byte entry per node below us, kept sorted by destination (binary search). The
// table grows on demand up to its capacity: a device sizes it from its RAM budget; a node
// deep in the tree learns few routes. When full, new destinations are not learned and the
// gateway's message for them meets a node without a route (dropped as no_route; the back
// office then floods it). The latest uplink wins: a node that moved to another parent is
// reached along its new path as soon as one of its uplinks has come through it; a route
// through a relay that failed stays until then (the back office's retries end in a flood).
#pragma once
#include <cstddef>
#include <cstdint>
#include <vector>

#include "node/node_id.hpp"

namespace meshsec::mesh {

class RouteTable {
 public:
  explicit RouteTable(std::size_t capacity) noexcept : capacity_(capacity) {}

  // `origin`'s uplink came to us from neighbour `via`; with `replace` false, only when we
  // know no route to `origin` yet. False when the route could not be stored (full, or no
  // memory for it).
  bool learn(node::NodeId origin, node::NodeId via, bool replace = true) noexcept;
  // The neighbour leading to `destination`, or node::no_node.
  [[nodiscard]] node::NodeId next_hop(node::NodeId destination) const noexcept;

  [[nodiscard]] std::size_t size() const noexcept { return entries_.size(); }
  [[nodiscard]] std::size_t capacity() const noexcept { return capacity_; }

 private:
  struct Entry {
    node::NodeId destination;
    node::NodeId via;
  };
  static_assert(sizeof(Entry) == 4);
  std::size_t capacity_;
  std::vector<Entry> entries_;
};

}  // namespace meshsec::mesh
