// What a node's runtime needs from the hardware (or from the simulator): a local clock, a
// radio with carrier sense that sends one frame at a time, one wake-up timer and a random
// source. The node root object calls only this, so the same code runs on a device and in
// the simulator.
#pragma once
#include <cstddef>
#include <cstdint>
#include <span>

namespace meshsec::node {

class Platform {
 public:
  virtual ~Platform() = default;
  // Local monotonic clock in microseconds (drifts against other nodes' clocks).
  [[nodiscard]] virtual std::uint64_t local_us() const noexcept = 0;
  // Clear channel assessment: nothing on the air around us, our radio idle and the duty
  // cycle budget allows a frame of `frame_bytes`.
  [[nodiscard]] virtual bool channel_clear(std::size_t frame_bytes) const noexcept = 0;
  // Hands one frame to the radio (after channel_clear()); false when the radio refused it.
  // The node hears about the end through its on_radio_idle().
  [[nodiscard]] virtual bool transmit(std::span<const std::uint8_t> frame) noexcept = 0;
  [[nodiscard]] virtual bool radio_busy() const noexcept = 0;
  // Requests a wake-up at local time `at_us` (replaces any earlier request).
  virtual void wake_at(std::uint64_t at_us) noexcept = 0;
  [[nodiscard]] virtual std::uint32_t random_u32() noexcept = 0;
};

}  // namespace meshsec::node
