// A second core for the simulator's event loop: one thread that runs a job for each
// window the main thread hands it, and a hand-off cheap enough for windows of 192 µs of
// simulated time (hundreds of thousands per run), so it spins briefly before it sleeps.
#pragma once
#include <atomic>
#include <cstdint>
#include <functional>
#include <thread>

namespace meshsec::sim {

class LaneWorker {
 public:
  // `job(argument)` runs on the worker thread for every start(argument).
  explicit LaneWorker(std::function<void(std::uint64_t)> job);
  ~LaneWorker();
  LaneWorker(const LaneWorker&) = delete;
  LaneWorker& operator=(const LaneWorker&) = delete;

  void start(std::uint64_t argument) noexcept;
  void wait() noexcept;  // until the job start() handed over has finished

 private:
  void loop() noexcept;

  std::function<void(std::uint64_t)> job_;
  std::atomic<std::uint64_t> argument_{0};
  std::atomic<std::uint64_t> started_{0};   // jobs handed over
  std::atomic<std::uint64_t> finished_{0};  // jobs done
  std::atomic<bool> stop_{false};
  std::thread thread_;
};

}  // namespace meshsec::sim
