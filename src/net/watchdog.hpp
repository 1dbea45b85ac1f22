// The node watchdog (M4): the node reports progress (a counter its main loop advances);
// when the counter has not moved for `timeout` units of the caller's clock, the watchdog
// fires: poll() says "reset", the reset is counted and the watchdog re-arms. On hardware
// poll() sits behind the chip's watchdog timer; in the simulator the caller resets the
// node (rebuilds it from its non-volatile state) when poll() says so.
#pragma once
#include <cstdint>

namespace meshsec::net {

enum class WatchdogVerdict : std::uint8_t { healthy, reset };

class Watchdog {
 public:
  explicit Watchdog(std::uint64_t timeout) noexcept : timeout_(timeout) {}

  // Starts (or restarts after a reset) the watch at `now`.
  void arm(std::uint64_t now) noexcept {
    last_progress_time_ = now;
    armed_ = true;
  }
  // The node's progress counter; only a changed value counts as progress.
  void report_progress(std::uint64_t counter, std::uint64_t now) noexcept {
    if (!armed_ || counter != last_counter_) {
      last_counter_ = counter;
      last_progress_time_ = now;
      armed_ = true;
    }
  }
  [[nodiscard]] WatchdogVerdict poll(std::uint64_t now) noexcept {
    if (!armed_ || now < last_progress_time_ || now - last_progress_time_ < timeout_)
      return WatchdogVerdict::healthy;
    ++resets_;
    last_progress_time_ = now;
    return WatchdogVerdict::reset;
  }
  [[nodiscard]] std::uint32_t resets() const noexcept { return resets_; }
  [[nodiscard]] std::uint64_t timeout() const noexcept { return timeout_; }

 private:
  std::uint64_t timeout_;
  std::uint64_t last_counter_ = 0;
  std::uint64_t last_progress_time_ = 0;
  std::uint32_t resets_ = 0;
  bool armed_ = false;
};

}  // namespace meshsec::net
