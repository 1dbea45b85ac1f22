#include "mesh/route_table.hpp"

#include <algorithm>
#include <new>

namespace meshsec::mesh {
namespace {

template <typename Entries>
auto find(Entries& entries, node::NodeId destination) noexcept {
  return std::lower_bound(entries.begin(), entries.end(), destination,
                          [](const auto& e, node::NodeId d) { return e.destination < d; });
}

}  // namespace

bool RouteTable::learn(node::NodeId origin, node::NodeId via, bool replace) noexcept {
  if (origin == node::no_node || via == node::no_node) return false;
  const auto it = find(entries_, origin);
  if (it != entries_.end() && it->destination == origin) {
    if (replace) it->via = via;
    return true;
  }
  if (entries_.size() >= capacity_) return false;
  try {
    entries_.insert(it, Entry{origin, via});
  } catch (const std::bad_alloc&) {
    return false;  // the node carries on without this route
  }
  return true;
}

node::NodeId RouteTable::next_hop(node::NodeId destination) const noexcept {
  const auto it = find(entries_, destination);
  return it != entries_.end() && it->destination == destination ? it->via : node::no_node;
}


}  // namespace meshsec::mesh
