// MeshNode's routed messages (docs/simulator.md §Mesh "Routed"): per-node downlinks carried
// hop by hop along the routes the uplinks taught, and their answers.
#include "mesh/mesh_node.hpp"

#include <algorithm>

namespace meshsec::mesh {

RoutedAddresses MeshNode::routed_addresses_of(const FloodSlot& slot) noexcept {
  return routed_addresses(std::span<const std::uint8_t>(body_of(slot)).first(slot.length));
}

void MeshNode::routed_carried(node::NodeId origin, std::uint16_t seq, node::NodeId by) noexcept {
  for (auto& s : slots())
    if (s.used && s.header.type == MessageType::routed && s.header.origin == origin && s.header.seq == seq &&
        routed_addresses_of(s).via == by)
      s = FloodSlot{};
}

MeshNode::FloodSlot* MeshNode::carry_routed(const MeshHeader& h, node::NodeId via, const AppBody& app,
                                            std::uint64_t due) noexcept {
  FloodSlot* slot = free_slot();
  if (slot == nullptr) return nullptr;
  RoutedBody b;
  b.via = via;
  b.app = app;
  std::array<std::uint8_t, max_message_size> buffer{};
  const std::size_t len = encode_routed(h, b, buffer);
  if (len <= mesh_header_size) return nullptr;
  fill_slot(*slot, h, std::span<const std::uint8_t>(buffer).subspan(mesh_header_size, len - mesh_header_size), due);
  return slot;
}

bool MeshNode::send_routed(node::NodeId destination, std::span<const std::uint8_t> body) noexcept {
  if (config_.role != Role::gateway || body.empty() || body.size() > max_routed_payload) return false;
  const node::NodeId via = routes_.next_hop(destination);
  if (via == node::no_node) return false;
  MeshHeader h = own_header(MessageType::routed);
  h.seq = static_cast<std::uint16_t>(seq_ + 1);
  h.ttl = config_.flood_ttl;
  AppBody app;
  app.destination = destination;
  app.length = static_cast<std::uint16_t>(body.size());
  std::copy(body.begin(), body.end(), app.payload.begin());
  const FloodSlot* slot = carry_routed(h, via, app, platform_.local_us());
  if (slot == nullptr) return false;
  ++seq_;
  (void)duplicates_.insert(flood_key(h, std::span<const std::uint8_t>(body_of(*slot)).first(slot->length)));
  schedule();
  return true;
}

void MeshNode::handle_routed(node::NodeId sender, const MeshHeader& h, std::span<const std::uint8_t> body) noexcept {
  RoutedBody b;
  if (!parse_routed(body, b)) {
    drop(node::DropReason::malformed);
    return;
  }
  // Implicit acknowledgement: the neighbour we handed it to carries it on (also while we
  // wait to retry: it got an earlier copy).
  routed_carried(h.origin, h.seq, sender);
  if (b.via != id_ || config_.role == Role::gateway) return;  // overheard: not ours to carry
  const auto payload = std::span<const std::uint8_t>(b.app.payload).first(b.app.length);
  if (!duplicates_.insert(flood_key(h, body))) {
    // A repeat: the hop before us missed our carrying it on (or, at the destination, our
    // answer). Unless we still hold it, tell it so in an acknowledgement; carrying it on
    // again would send every hop after us round again too.
    drop(node::DropReason::duplicate);
    for (const auto& s : slots())
      if (s.used && s.header.type == MessageType::routed && s.header.origin == h.origin && s.header.seq == h.seq) return;
    queue_ack(h.origin, h.seq);
    return;
  }
  if (b.app.destination == id_) {
    if (payload.empty()) drop(node::DropReason::malformed);
    else deliver(payload, true);
    return;
  }
  if (h.ttl == 0) {
    drop(node::DropReason::ttl_expired);
    return;
  }
  const node::NodeId next = routes_.next_hop(b.app.destination);
  if (next == node::no_node) {
    drop(node::DropReason::no_route);
    return;
  }
  MeshHeader fwd = h;
  fwd.ttl = static_cast<std::uint8_t>(h.ttl - 1);
  fwd.flags = 0;
  if (carry_routed(fwd, next, b.app, platform_.local_us() + backoff_us(0, config_.backoff_slots)) == nullptr)
    drop(node::DropReason::queue_full);
}

}  // namespace meshsec::mesh
