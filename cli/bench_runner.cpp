#include "bench_runner.hpp"

#include <nlohmann/json.hpp>

#include <cstdio>
#include <iostream>

namespace meshsec::cli {

void print_bench_results(const std::vector<BenchResult>& results, bool json) {
  if (json) {
    nlohmann::json out;
    out["benchmarks"] = nlohmann::json::array();
    for (const auto& r : results)
      out["benchmarks"].push_back({{"name", r.name},
                                   {"ops_per_s", r.ops_per_s},
                                   {"baseline_ops_per_s", r.baseline_ops_per_s},
                                   {"ratio", r.ratio}});
    std::cout << out.dump(2) << "\n";
    return;
  }
  std::printf("%-36s %14s %14s %7s\n", "benchmark", "ops/s", "baseline ops/s", "ratio");
  for (const auto& r : results)
    std::printf("%-36s %14.0f %14.0f %7.3f\n", r.name.c_str(), r.ops_per_s, r.baseline_ops_per_s, r.ratio);
}

}  // namespace meshsec::cli
