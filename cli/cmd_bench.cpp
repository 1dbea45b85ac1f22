// `meshsec bench`: the parent of the throughput benchmarks (crypto, net, sim, ...).
#include "bench_runner.hpp"
#include "command_registry.hpp"

namespace {
const bool registered = meshsec::cli::register_command(meshsec::cli::bench_command_order, [](CLI::App& root) {
  auto* bench = root.add_subcommand("bench", "Measure throughput against a baseline run alongside");
  bench->require_subcommand(1);
});
}  // namespace
