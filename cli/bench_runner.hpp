// Throughput measurement for `meshsec bench ...`: a subject and its baseline are timed in
// the same run, interleaved, so the printed ratio is independent of the machine's speed.
#pragma once
#include <algorithm>
#include <chrono>
#include <cstddef>
#include <string>
#include <vector>

namespace meshsec::cli {

struct BenchResult {
  std::string name;
  double ops_per_s = 0;
  double baseline_ops_per_s = 0;
  double ratio = 0;  // ops_per_s / baseline_ops_per_s
};

// Runs `op` in batches until `seconds` have passed; returns operations per second.
template <class Op>
double measure_rate(Op&& op, double seconds) {
  using clock = std::chrono::steady_clock;
  constexpr std::size_t batch = 256;
  std::size_t done = 0;
  const auto start = clock::now();
  const auto limit = start + std::chrono::duration<double>(seconds);
  auto now = start;
  do {
    for (std::size_t i = 0; i < batch; ++i) op();
    done += batch;
    now = clock::now();
  } while (now < limit);
  return static_cast<double>(done) / std::chrono::duration<double>(now - start).count();
}

// Interleaves subject and baseline for `rounds` rounds and keeps each one's best rate
// (the least disturbed by other load on the machine).
template <class Subject, class Baseline>
BenchResult measure_pair(std::string name, Subject&& subject, Baseline&& baseline,
                         double seconds_per_round = 0.2, int rounds = 7) {
  BenchResult r;
  r.name = std::move(name);
  measure_rate(subject, 0.05);  // warm caches and lazy OpenSSL state
  measure_rate(baseline, 0.05);
  for (int i = 0; i < rounds; ++i) {
    // Alternate which side goes first so neither profits from the other's warm-up.
    if (i % 2 == 0) {
      r.ops_per_s = std::max(r.ops_per_s, measure_rate(subject, seconds_per_round));
      r.baseline_ops_per_s = std::max(r.baseline_ops_per_s, measure_rate(baseline, seconds_per_round));
    } else {
      r.baseline_ops_per_s = std::max(r.baseline_ops_per_s, measure_rate(baseline, seconds_per_round));
      r.ops_per_s = std::max(r.ops_per_s, measure_rate(subject, seconds_per_round));
    }
  }
  r.ratio = r.baseline_ops_per_s > 0 ? r.ops_per_s / r.baseline_ops_per_s : 0;
  return r;
}

// Prints {"benchmarks":[{"name":..,"ops_per_s":..,"baseline_ops_per_s":..,"ratio":..}]}
// with --json, else a table.
void print_bench_results(const std::vector<BenchResult>& results, bool json);

// The `bench` command group; room benches add subcommands to it (register with an order
// above 100 so the parent exists).
inline constexpr int bench_command_order = 100;

}  // namespace meshsec::cli
