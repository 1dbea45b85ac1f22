// The network layer's non-volatile state kept in RAM: what the simulator gives each node
// in place of flash (a device implements net::NvStore over its flash). Survives a
// simulated reboot because the simulator keeps the object while the node restarts.
#pragma once
#include "net/nv_state.hpp"

namespace meshsec::node {

class NvRamStore final : public net::NvStore {
 public:
  [[nodiscard]] bool store(const net::NetNvState& state) noexcept override {
    state_.copy_from(state);
    ++writes_;
    return true;
  }
  [[nodiscard]] const net::NetNvState& state() const noexcept { return state_; }
  [[nodiscard]] std::uint64_t writes() const noexcept { return writes_; }

 private:
  net::NetNvState state_{};
  std::uint64_t writes_ = 0;
};

}  // namespace meshsec::node
