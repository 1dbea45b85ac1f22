// The simulator's only source of randomness, seeded from the scenario seed, so a run is a
// pure function of (scenario, seed). Never std::random_device here.
//
// The generator is xoshiro256** (Blackman and Vigna) seeded through splitmix64: 32 bytes
// of state. Every simulated node owns a stream; std::mt19937_64 would carry 2.5 KB per
// node (25 MB at 10,000 nodes) and rewrite all of it every 312 draws.
#pragma once
#include <array>
#include <cstdint>
#include <limits>
#include <random>

namespace meshsec::sim {

class SimRng {
 public:
  explicit SimRng(std::uint64_t seed) noexcept {
    for (auto& word : engine_.state) word = splitmix64(seed);
  }
  [[nodiscard]] std::uint64_t next() noexcept { return engine_(); }
  [[nodiscard]] std::uint32_t next_u32() noexcept { return static_cast<std::uint32_t>(engine_() >> 32); }
  // Uniform in [0, 1).
  [[nodiscard]] double uniform() noexcept { return static_cast<double>(engine_() >> 11) * 0x1.0p-53; }
  [[nodiscard]] std::uint64_t below(std::uint64_t bound) noexcept { return bound == 0 ? 0 : engine_() % bound; }
  [[nodiscard]] double normal(double mean, double sd) { return std::normal_distribution<double>(mean, sd)(engine_); }
  // A derived, independent stream (per node, per purpose).
  [[nodiscard]] SimRng fork(std::uint64_t salt) noexcept { return SimRng(engine_() ^ (salt * 0x9E3779B97F4A7C15ULL)); }

 private:
  // splitmix64 spreads one seed over the four state words (never all zero).
  static std::uint64_t splitmix64(std::uint64_t& x) noexcept {
    std::uint64_t z = (x += 0x9E3779B97F4A7C15ULL);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
    return z ^ (z >> 31);
  }
  // A UniformRandomBitGenerator, so the standard distributions can draw from it.
  struct Xoshiro256StarStar {
    using result_type = std::uint64_t;
    static constexpr result_type min() noexcept { return 0; }
    static constexpr result_type max() noexcept { return std::numeric_limits<result_type>::max(); }
    result_type operator()() noexcept {
      const std::uint64_t result = rotl(state[1] * 5, 7) * 9;
      const std::uint64_t t = state[1] << 17;
      state[2] ^= state[0];
      state[3] ^= state[1];
      state[1] ^= state[2];
      state[0] ^= state[3];
      state[2] ^= t;
      state[3] = rotl(state[3], 45);
      return result;
    }
    static std::uint64_t rotl(std::uint64_t x, int k) noexcept { return (x << k) | (x >> (64 - k)); }
    std::array<std::uint64_t, 4> state{};
  };
  Xoshiro256StarStar engine_;
};

}  // namespace meshsec::sim
