// The simulator's only source of randomness: std::mt19937_64 seeded from the scenario
// seed, so a run is a pure function of (scenario, seed). Never std::random_device here.
#pragma once
#include <cstdint>
#include <random>

namespace meshsec::sim {

class SimRng {
 public:
  explicit SimRng(std::uint64_t seed) : engine_(seed) {}
  [[nodiscard]] std::uint64_t next() { return engine_(); }
  [[nodiscard]] std::uint32_t next_u32() { return static_cast<std::uint32_t>(engine_() >> 32); }
  // Uniform in [0, 1).
  [[nodiscard]] double uniform() { return static_cast<double>(engine_() >> 11) * 0x1.0p-53; }
  [[nodiscard]] std::uint64_t below(std::uint64_t bound) { return bound == 0 ? 0 : engine_() % bound; }
  [[nodiscard]] double normal(double mean, double sd) { return std::normal_distribution<double>(mean, sd)(engine_); }
  // A derived, independent stream (per node, per purpose).
  [[nodiscard]] SimRng fork(std::uint64_t salt) { return SimRng(engine_() ^ (salt * 0x9E3779B97F4A7C15ULL)); }

 private:
  std::mt19937_64 engine_;
};

}  // namespace meshsec::sim
