#include "mesh/route_table.hpp"

#include <algorithm>

namespace meshsec::mesh {
namespace {

template <typename Entries>
auto find(Entries& entries, node::NodeId destination) noexcept {
  return std::lower_bound(entries.begin(), entries.end(), destination,
                          [](const auto& e, node::NodeId d) { return e.destination < d; });
}

}  // namespace

void RouteTable::learn(node::NodeId origin, node::NodeId via, bool replace) {
  if (origin == node::no_node || via == node::no_node) return;
  const auto it = find(entries_, origin);
  if (it != entries_.end() && it->destination == origin) {
    if (replace) it->via = via;
    return;
  }
  if (entries_.size() >= capacity_) return;
  entries_.insert(it, Entry{origin, via});
}

node::NodeId RouteTable::next_hop(node::NodeId destination) const noexcept {
  const auto it = find(entries_, destination);
  return it != entries_.end() && it->destination == destination ? it->via : node::no_node;
}

void RouteTable::forget_via(node::NodeId via) noexcept {
  std::erase_if(entries_, [via](const Entry& e) { return e.via == via; });
}

}  // namespace meshsec::mesh
