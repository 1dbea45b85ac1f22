// A node's non-volatile state kept in RAM, the network layer's and its records' counters:
// what the simulator gives each node in place of flash (a device implements net::NvStore
// and RecordNvStore over its flash). Survives a simulated reboot because the simulator
// keeps the object while the node restarts.
#pragma once
#include "net/nv_state.hpp"
#include "node/record_nv_state.hpp"

namespace meshsec::node {

class NvRamStore final : public net::NvStore, public RecordNvStore {
 public:
  [[nodiscard]] bool store(const net::NetNvState& state) noexcept override {
    state_.copy_from(state);
    ++writes_;
    return true;
  }
  [[nodiscard]] bool store(const RecordNvState& state) noexcept override {
    if (fail_record_writes_) return false;
    records_ = state;
    ++record_writes_;
    return true;
  }
  [[nodiscard]] const net::NetNvState& state() const noexcept { return state_; }
  [[nodiscard]] const RecordNvState& records() const noexcept { return records_; }
  // A flash that no longer takes writes (worn out, or power failing as it writes).
  void fail_record_writes(bool fail) noexcept { fail_record_writes_ = fail; }
  [[nodiscard]] std::uint64_t writes() const noexcept { return writes_; }
  [[nodiscard]] std::uint64_t record_writes() const noexcept { return record_writes_; }

 private:
  net::NetNvState state_{};
  RecordNvState records_{};
  bool fail_record_writes_ = false;
  std::uint64_t writes_ = 0;
  std::uint64_t record_writes_ = 0;
};

}  // namespace meshsec::node
