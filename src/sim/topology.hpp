// Where the stations stand and who hears whom: grid, random geometric, line and clusters
// generators over unit-disk links with a per-link loss rate that grows towards the edge of
// the range. Station 0 is the gateway; stations past node_count are attackers (placed by
// the scenario), linked like everyone else but never counted in the mesh's bounds.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include "sim/sim_rng.hpp"

namespace meshsec::sim {

enum class TopologyKind : std::uint8_t { grid, random_geometric, line, clusters };

struct TopologySpec {
  TopologyKind kind = TopologyKind::random_geometric;
  std::uint32_t nodes = 300;
  double mean_degree = 10.0;  // random geometric and clusters: sets the radio range
  double grid_range = 1.5;    // grid and line: range in units of the spacing
  std::uint32_t clusters = 6;
  double loss_base = 0.02;    // per-link loss at zero distance
  double loss_edge = 0.20;    // added at the edge of the range (∝ (d/r)^4)
};

struct Link {
  std::uint32_t peer = 0;
  float loss = 0;
};

struct Position {
  double x = 0, y = 0;
};

class Topology {
 public:
  // Generates a connected topology (stragglers are moved next to a connected node).
  [[nodiscard]] static Topology generate(const TopologySpec& spec, SimRng& rng);

  // Adds a station at `at` (an attacker); returns its index.
  std::uint32_t add_station(Position at);

  [[nodiscard]] std::uint32_t node_count() const noexcept { return node_count_; }
  [[nodiscard]] std::uint32_t station_count() const noexcept { return static_cast<std::uint32_t>(positions_.size()); }
  [[nodiscard]] const std::vector<Link>& links(std::uint32_t station) const { return links_[station]; }
  [[nodiscard]] const Position& position(std::uint32_t station) const { return positions_[station]; }
  [[nodiscard]] double range() const noexcept { return range_; }
  [[nodiscard]] double width() const noexcept { return width_; }
  // Mesh nodes only: hop distances from the gateway (UINT32_MAX: unreachable).
  [[nodiscard]] std::vector<std::uint32_t> hop_distances(const std::vector<bool>* alive = nullptr) const;
  [[nodiscard]] static std::string kind_name(TopologyKind kind);
  [[nodiscard]] static bool parse_kind(const std::string& text, TopologyKind& out);

 private:
  void build_links();
  [[nodiscard]] float loss_at(double distance) const noexcept;

  TopologySpec spec_{};
  std::uint32_t node_count_ = 0;
  double range_ = 1.0;
  double width_ = 1.0;
  std::vector<Position> positions_;
  std::vector<std::vector<Link>> links_;
};

}  // namespace meshsec::sim
