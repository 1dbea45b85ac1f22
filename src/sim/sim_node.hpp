// One simulated device: the node::Platform the simulator offers it (a drifting local
// clock, the shared radio medium, one wake-up timer, its own random stream), its flash
// (chunks and the network layer's NV state) and the real mesh::MeshNode root object.
#pragma once
#include <cstdint>
#include <memory>

#include "mesh/mesh_node.hpp"
#include "node/nv_ram_store.hpp"
#include "node/platform.hpp"
#include "sim/shared_chunk_flash.hpp"
#include "sim/sim_rng.hpp"

namespace meshsec::sim {

class Simulator;

class SimNode final : public node::Platform {
 public:
  SimNode(Simulator& sim, std::uint32_t station, std::int64_t drift_ppb, std::uint64_t boot_offset_us,
          std::uint64_t seed, SharedChunkFlash& flash);

  [[nodiscard]] std::uint64_t local_us() const noexcept override;
  [[nodiscard]] bool channel_clear(std::size_t frame_bytes) const noexcept override;
  [[nodiscard]] bool transmit(std::span<const std::uint8_t> frame) noexcept override;
  [[nodiscard]] bool radio_busy() const noexcept override;
  void wake_at(std::uint64_t at_us) noexcept override;
  [[nodiscard]] std::uint32_t random_u32() noexcept override { return rng_.next_u32(); }

  // Local time → simulator time (the earliest simulator instant whose local time ≥ it).
  [[nodiscard]] std::uint64_t to_sim_time(std::uint64_t local) const noexcept;

  std::unique_ptr<mesh::MeshNode> mesh;
  NodeChunkStore store;
  node::NvRamStore nv;
  bool alive = true;
  std::uint64_t wake_generation = 0;
  // The wake-up the node asked for last, and the time of the one event queued for it
  // (UINT64_MAX: none). A later request keeps the queued event, which re-arms itself when
  // it fires early, so rescheduling after every frame does not flood the event queue.
  std::uint64_t wake_requested = UINT64_MAX;
  std::uint64_t wake_queued = UINT64_MAX;
  std::uint64_t activated_at_us = 0;  // simulator time of activation (0: not yet)
  std::uint64_t wakes = 0;            // timer wake-ups that ran the node's code

 private:
  Simulator& sim_;
  std::uint32_t station_;
  std::int64_t drift_ppb_;
  std::uint64_t boot_offset_us_;
  SimRng rng_;
};

}  // namespace meshsec::sim
