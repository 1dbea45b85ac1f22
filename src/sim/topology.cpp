#include "sim/topology.hpp"

#include <algorithm>
#include <cmath>
#include <deque>
#include <limits>
#include <numbers>
#include <unordered_map>

namespace meshsec::sim {
namespace {

double distance(const Position& a, const Position& b) { return std::hypot(a.x - b.x, a.y - b.y); }

}  // namespace

std::string Topology::kind_name(TopologyKind kind) {
  switch (kind) {
    case TopologyKind::grid: return "grid";
    case TopologyKind::random_geometric: return "random_geometric";
    case TopologyKind::line: return "line";
    case TopologyKind::clusters: return "clusters";
  }
  return "unknown";
}

bool Topology::parse_kind(const std::string& text, TopologyKind& out) {
  for (auto k : {TopologyKind::grid, TopologyKind::random_geometric, TopologyKind::line, TopologyKind::clusters}) {
    if (kind_name(k) == text) {
      out = k;
      return true;
    }
  }
  return false;
}

float Topology::loss_at(double d) const noexcept {
  const double f = d / range_;
  return static_cast<float>(std::min(0.95, spec_.loss_base + spec_.loss_edge * f * f * f * f));
}

Topology Topology::generate(const TopologySpec& spec, SimRng& rng) {
  Topology t;
  t.spec_ = spec;
  const std::uint32_t n = std::max<std::uint32_t>(spec.nodes, 2);
  t.node_count_ = n;
  t.positions_.resize(n);
  switch (spec.kind) {
    case TopologyKind::grid: {
      const auto side = static_cast<std::uint32_t>(std::ceil(std::sqrt(static_cast<double>(n))));
      for (std::uint32_t i = 0; i < n; ++i) t.positions_[i] = {static_cast<double>(i % side), static_cast<double>(i / side)};
      t.range_ = spec.grid_range;
      t.width_ = side;
      break;
    }
    case TopologyKind::line: {
      for (std::uint32_t i = 0; i < n; ++i) t.positions_[i] = {static_cast<double>(i), 0.0};
      t.range_ = spec.grid_range;
      t.width_ = n;
      break;
    }
    case TopologyKind::random_geometric:
    case TopologyKind::clusters: {
      // Unit density: the mean degree fixes the range (degree ≈ π r²).
      const double side = std::sqrt(static_cast<double>(n));
      t.width_ = side;
      t.range_ = std::sqrt(spec.mean_degree / std::numbers::pi);
      if (spec.kind == TopologyKind::random_geometric) {
        for (auto& p : t.positions_) p = {rng.uniform() * side, rng.uniform() * side};
      } else {
        const std::uint32_t k = std::max<std::uint32_t>(spec.clusters, 1);
        std::vector<Position> centres(k);
        for (auto& c : centres) c = {side * (0.15 + 0.7 * rng.uniform()), side * (0.15 + 0.7 * rng.uniform())};
        const double spread = side / (2.5 * std::sqrt(static_cast<double>(k)));
        for (std::uint32_t i = 0; i < n; ++i) {
          const auto& c = centres[i % k];
          t.positions_[i] = {std::clamp(rng.normal(c.x, spread), 0.0, side), std::clamp(rng.normal(c.y, spread), 0.0, side)};
        }
      }
      break;
    }
  }
  // The gateway is the node nearest the middle of the area (for a line: its start).
  if (spec.kind != TopologyKind::line) {
    const Position mid{t.width_ / 2, spec.kind == TopologyKind::grid ? t.width_ / 2 : t.width_ / 2};
    std::uint32_t best = 0;
    for (std::uint32_t i = 1; i < n; ++i)
      if (distance(t.positions_[i], mid) < distance(t.positions_[best], mid)) best = i;
    std::swap(t.positions_[0], t.positions_[best]);
  }
  t.build_links();
  // Connectivity: a node outside the gateway's component moves next to a connected one.
  for (int pass = 0; pass < 64; ++pass) {
    const auto hops = t.hop_distances();
    std::vector<std::uint32_t> connected, stranded;
    for (std::uint32_t i = 0; i < n; ++i) (hops[i] == std::numeric_limits<std::uint32_t>::max() ? stranded : connected).push_back(i);
    if (stranded.empty()) break;
    for (auto s : stranded) {
      const auto& anchor = t.positions_[connected[rng.below(connected.size())]];
      const double angle = rng.uniform() * 2 * std::numbers::pi;
      const double r = t.range_ * (0.3 + 0.5 * rng.uniform());
      t.positions_[s] = {anchor.x + r * std::cos(angle), anchor.y + r * std::sin(angle)};
    }
    t.build_links();
  }
  return t;
}

void Topology::build_links() {
  // Spatial hashing with cells of the range: each station compares with 9 cells only.
  const std::size_t count = positions_.size();
  links_.assign(count, {});
  auto cell_of = [this](const Position& p) {
    return std::pair<std::int64_t, std::int64_t>{static_cast<std::int64_t>(std::floor(p.x / range_)),
                                                 static_cast<std::int64_t>(std::floor(p.y / range_))};
  };
  std::unordered_map<std::int64_t, std::vector<std::uint32_t>> cells;
  auto key = [](std::int64_t cx, std::int64_t cy) { return (cx << 32) ^ (cy & 0xFFFFFFFF); };
  for (std::uint32_t i = 0; i < count; ++i) {
    const auto [cx, cy] = cell_of(positions_[i]);
    cells[key(cx, cy)].push_back(i);
  }
  for (std::uint32_t i = 0; i < count; ++i) {
    const auto [cx, cy] = cell_of(positions_[i]);
    for (std::int64_t dx = -1; dx <= 1; ++dx)
      for (std::int64_t dy = -1; dy <= 1; ++dy) {
        auto it = cells.find(key(cx + dx, cy + dy));
        if (it == cells.end()) continue;
        for (auto j : it->second) {
          if (j == i) continue;
          const double d = distance(positions_[i], positions_[j]);
          if (d <= range_ + 1e-9) links_[i].push_back({j, loss_at(d)});
        }
      }
    std::sort(links_[i].begin(), links_[i].end(), [](const Link& a, const Link& b) { return a.peer < b.peer; });
  }
}

std::uint32_t Topology::add_station(Position at) {
  const auto index = static_cast<std::uint32_t>(positions_.size());
  positions_.push_back(at);
  links_.emplace_back();
  for (std::uint32_t j = 0; j < index; ++j) {
    const double d = distance(at, positions_[j]);
    if (d <= range_ + 1e-9) {
      links_[index].push_back({j, loss_at(d)});
      links_[j].push_back({index, loss_at(d)});
    }
  }
  return index;
}

std::vector<std::uint32_t> Topology::hop_distances(const std::vector<bool>* alive) const {
  std::vector<std::uint32_t> hops(node_count_, std::numeric_limits<std::uint32_t>::max());
  std::deque<std::uint32_t> queue{0};
  hops[0] = 0;
  while (!queue.empty()) {
    const auto i = queue.front();
    queue.pop_front();
    for (const auto& l : links_[i]) {
      if (l.peer >= node_count_ || hops[l.peer] != std::numeric_limits<std::uint32_t>::max()) continue;
      if (alive != nullptr && !(*alive)[l.peer]) continue;
      hops[l.peer] = hops[i] + 1;
      queue.push_back(l.peer);
    }
  }
  return hops;
}

}  // namespace meshsec::sim
