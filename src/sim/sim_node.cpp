#include "sim/sim_node.hpp"

#include "sim/simulator.hpp"

namespace meshsec::sim {

SimNode::SimNode(Simulator& sim, std::uint32_t station, std::int64_t drift_ppb, std::uint64_t boot_offset_us,
                 std::uint64_t seed, SharedChunkFlash& flash)
    : store(flash), sim_(sim), station_(station), drift_ppb_(drift_ppb), boot_offset_us_(boot_offset_us), rng_(seed) {}

std::uint64_t SimNode::local_us() const noexcept {
  const std::uint64_t t = sim_.now_us();
  const std::int64_t drift = static_cast<std::int64_t>(t) / 1000 * drift_ppb_ / 1'000'000;
  return boot_offset_us_ + static_cast<std::uint64_t>(static_cast<std::int64_t>(t) + drift);
}

std::uint64_t SimNode::to_sim_time(std::uint64_t local) const noexcept {
  if (local <= boot_offset_us_) return 0;
  const double span = static_cast<double>(local - boot_offset_us_);
  auto t = static_cast<std::uint64_t>(span / (1.0 + static_cast<double>(drift_ppb_) * 1e-9));
  // Correct the rounding so that local_us() at t is at least `local`.
  for (int i = 0; i < 4; ++i) {
    const std::int64_t drift = static_cast<std::int64_t>(t) / 1000 * drift_ppb_ / 1'000'000;
    if (boot_offset_us_ + static_cast<std::uint64_t>(static_cast<std::int64_t>(t) + drift) >= local) break;
    ++t;
  }
  return t;
}

bool SimNode::channel_clear(std::size_t frame_bytes) const noexcept {
  (void)frame_bytes;
  return alive && sim_.channel_clear(station_);
}

bool SimNode::transmit(std::span<const std::uint8_t> frame) noexcept {
  if (!alive) return false;
  return sim_.start_transmission(station_, frame, AttackKind::none);
}

bool SimNode::radio_busy() const noexcept { return sim_.radio_busy(station_); }

void SimNode::wake_at(std::uint64_t at_us) noexcept {
  if (!alive) return;
  sim_.schedule_wake(station_, to_sim_time(at_us));
}

}  // namespace meshsec::sim
