// Counts of every reception that did not pass, kept as plain arrays by reason while the
// simulation runs (a busy run drops millions of frames) and named only for the report.
#pragma once
#include <array>
#include <cstddef>
#include <cstdint>
#include <map>
#include <string>

#include "net/drop_reason.hpp"
#include "node/drop_reason.hpp"

namespace meshsec::sim {

// What the radio medium itself loses, on the control channel or on a wave channel.
// retuned: the receiver's radio moved to another channel before the frame ended.
enum class MediumDrop : std::uint8_t { collision, half_duplex, radio_loss, retuned, count_ };

class DropTally {
 public:
  void net(net::DropReason r) noexcept { ++net_[index(r)]; }
  void node(node::DropReason r) noexcept { ++node_[index(r)]; }
  void medium(MediumDrop r, bool wave) noexcept { ++medium_[wave ? 1 : 0][index(r)]; }
  // Adds the named counts into `out` (zero counts are left out).
  void merge_into(std::map<std::string, std::uint64_t>& out) const;

 private:
  template <class E>
  static constexpr std::size_t index(E e) noexcept { return static_cast<std::size_t>(e); }
  std::array<std::uint64_t, static_cast<std::size_t>(net::DropReason::count_)> net_{};
  std::array<std::uint64_t, node::drop_reason_count> node_{};
  std::array<std::array<std::uint64_t, static_cast<std::size_t>(MediumDrop::count_)>, 2> medium_{};
};

}  // namespace meshsec::sim
