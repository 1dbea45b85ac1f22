#include "mesh/neighbour_table.hpp"

namespace meshsec::mesh {

Neighbour& NeighbourTable::heard(node::NodeId id, std::uint32_t round) noexcept {
  Neighbour* stalest = &entries_[0];
  for (auto& n : entries_) {
    if (n.id == id) {
      n.heard_round = round;
      return n;
    }
    if (n.id == node::no_node) {
      if (stalest->id != node::no_node) stalest = &n;
    } else if (stalest->id != node::no_node && n.heard_round < stalest->heard_round) {
      stalest = &n;
    }
  }
  *stalest = Neighbour{};
  stalest->id = id;
  stalest->heard_round = round;
  return *stalest;
}

const Neighbour* NeighbourTable::find(node::NodeId id) const noexcept {
  for (const auto& n : entries_)
    if (n.id == id) return &n;
  return nullptr;
}

Neighbour* NeighbourTable::find(node::NodeId id) noexcept {
  for (auto& n : entries_)
    if (n.id == id) return &n;
  return nullptr;
}

void NeighbourTable::expire(std::uint32_t round) noexcept {
  for (auto& n : entries_)
    if (n.id != node::no_node && !live(n, round)) n = Neighbour{};
}

std::uint8_t NeighbourTable::live_count(std::uint32_t round) const noexcept {
  std::uint8_t count = 0;
  for (const auto& n : entries_)
    if (live(n, round)) ++count;
  return count;
}

std::uint32_t NeighbourTable::gradient_rounds(std::uint32_t round, node::NodeId self) const noexcept {
  for (const auto& n : entries_)
    if (leads_to_gateway(n, round, self, 1) && n.counted_hops() < 0xFE) return 1;
  return 2;
}

NeighbourTable::Way NeighbourTable::way(std::uint32_t round, node::NodeId self, node::NodeId current,
                                        bool proven) const noexcept {
  const std::uint32_t rounds = gradient_rounds(round, self);
  Way way;
  const Neighbour* best = nullptr;  // the best ranked of those at way.hops - 1
  bool current_qualifies = false;
  for (const auto& n : entries_) {
    const std::uint8_t hops = proven ? n.counted_hops() : n.hops;
    if (!leads_to_gateway(n, round, self, rounds) || hops >= 0xFE || hops + 1 > way.hops) continue;
    if (hops + 1 < way.hops) {
      way.hops = static_cast<std::uint8_t>(hops + 1);
      best = nullptr;
      current_qualifies = false;
    }
    if (n.id == current) current_qualifies = true;  // hysteresis: an eligible parent stays
    if (best == nullptr || (n.backbone && !best->backbone) ||
        (n.backbone == best->backbone && (n.degree > best->degree || (n.degree == best->degree && n.id < best->id))))
      best = &n;
  }
  if (best != nullptr) way.parent = current_qualifies ? current : best->id;
  return way;
}

bool NeighbourTable::is_parent_of_someone(node::NodeId self, std::uint32_t round) const noexcept {
  for (const auto& n : entries_)
    if (live(n, round) && n.parent == self) return true;
  return false;
}

bool NeighbourTable::has_farther(std::uint8_t hops, std::uint32_t round) const noexcept {
  for (const auto& n : entries_)
    if (live(n, round) && n.hops != 0xFF && n.hops > hops) return true;
  return false;
}

node::NodeId NeighbourTable::best_source(node::NodeId parent, std::uint16_t have, std::uint32_t round,
                                         std::uint32_t skip_rank) const noexcept {
  // Rank candidates: complete holders (parent first, then fewer hops), then partial holders
  // with more chunks than we have. skip_rank rotates through them after failed requests.
  std::array<const Neighbour*, capacity> ranked{};
  std::size_t count = 0;
  for (const auto& n : entries_)
    if (live(n, round) && (n.blob_complete || n.blob_present > have)) ranked[count++] = &n;
  if (count == 0) {
    // Nobody we heard lately said it holds more (complete neighbours may have been quiet
    // since the wave): ask the live neighbours anyway, closest to the gateway first. An
    // asked neighbour without the chunks simply sends nothing.
    for (const auto& n : entries_)
      if (live(n, round)) ranked[count++] = &n;
    if (count == 0) return node::no_node;
  }
  auto better = [parent](const Neighbour* a, const Neighbour* b) {
    if (a->blob_complete != b->blob_complete) return a->blob_complete;
    if ((a->id == parent) != (b->id == parent)) return a->id == parent;
    if (a->blob_present != b->blob_present) return a->blob_present > b->blob_present;
    if (a->hops != b->hops) return a->hops < b->hops;
    return a->id < b->id;
  };
  for (std::size_t i = 1; i < count; ++i)
    for (std::size_t j = i; j > 0 && better(ranked[j], ranked[j - 1]); --j) {
      const Neighbour* t = ranked[j];
      ranked[j] = ranked[j - 1];
      ranked[j - 1] = t;
    }
  return ranked[skip_rank % count]->id;
}

}  // namespace meshsec::mesh
