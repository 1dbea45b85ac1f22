#include "sim/lane_worker.hpp"

namespace meshsec::sim {
namespace {

// Spins this many times before giving the core up: a window's work on the other lane
// takes microseconds, a sleep and wake-up tens of them.
constexpr int spins = 4000;
constexpr int yields_before_sleep = 1000;  // about 0.1 s of spinning and yielding

// Spins until ready(); false if it still is not.
template <class Ready>
bool spin_until(Ready ready) noexcept {
  for (int i = 0; i < spins; ++i) {
    if (ready()) return true;
#if defined(__x86_64__) || defined(__i386__)
    __builtin_ia32_pause();
#endif
  }
  return ready();
}

}  // namespace

LaneWorker::LaneWorker(std::function<void(std::uint64_t)> job) : job_(std::move(job)), thread_([this] { loop(); }) {}

LaneWorker::~LaneWorker() {
  stop_.store(true, std::memory_order_release);
  started_.fetch_add(1, std::memory_order_release);
  started_.notify_one();
  thread_.join();
}

void LaneWorker::start(std::uint64_t argument) noexcept {
  argument_.store(argument, std::memory_order_relaxed);
  started_.fetch_add(1, std::memory_order_release);
  started_.notify_one();
}

void LaneWorker::wait() noexcept {
  const std::uint64_t target = started_.load(std::memory_order_relaxed);
  const auto done = [&] { return finished_.load(std::memory_order_acquire) == target; };
  // The main thread's waits are short (the other lane's share of one window): it yields.
  while (!spin_until(done)) std::this_thread::yield();
}

void LaneWorker::loop() noexcept {
  std::uint64_t done = 0;
  for (;;) {
    // Within a phase the next window comes within microseconds: spin, then yield; between
    // phases the worker may wait for seconds: then it sleeps.
    const auto handed = [&] { return started_.load(std::memory_order_acquire) != done; };
    bool ready = spin_until(handed);
    for (int i = 0; !ready && i < yields_before_sleep; ++i) {
      std::this_thread::yield();
      ready = spin_until(handed);
    }
    if (!ready) started_.wait(done, std::memory_order_acquire);
    ++done;
    if (stop_.load(std::memory_order_acquire)) return;
    job_(argument_.load(std::memory_order_relaxed));
    finished_.store(done, std::memory_order_release);
  }
}

}  // namespace meshsec::sim
