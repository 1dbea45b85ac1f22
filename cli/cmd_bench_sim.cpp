// `meshsec bench sim`: simulated node-events per second (receptions, wake-ups and radio
// completions handled by real node code) on a 1,000-node rollout.
#include <iostream>

#include "bench_runner.hpp"
#include "command_registry.hpp"
#include "sim/scenario.hpp"
#include "sim/simulator.hpp"

namespace {

const bool registered = meshsec::cli::register_command(meshsec::cli::bench_command_order + 20, [](CLI::App& root) {
  auto* bench = root.get_subcommand("bench");
  auto* cmd = bench->add_subcommand("sim", "Simulated node-events per second (1,000-node firmware rollout)");
  auto json = std::make_shared<bool>(false);
  auto nodes = std::make_shared<std::uint32_t>(1000);
  cmd->add_flag("--json", *json, "JSON output");
  cmd->add_option("--nodes", *nodes, "Nodes in the benchmark mesh")->capture_default_str();
  cmd->callback([json, nodes] {
    auto scenario = meshsec::sim::default_scenario();
    scenario.name = "bench";
    scenario.topology.nodes = *nodes;
    scenario.firmware.blob_kib = 16;
    scenario.phases.commission = false;
    scenario.phases.attacks = false;
    scenario.phases.readings_per_node = 1;
    scenario.phases.operate_s = 10;
    scenario.phases.fail_fraction = 0;
    meshsec::sim::Simulator simulator(scenario);
    const auto report = simulator.run();
    meshsec::cli::BenchResult r;
    r.name = "sim_node_events";
    r.ops_per_s = report.wall_seconds > 0 ? static_cast<double>(report.node_events) / report.wall_seconds : 0;
    // Baseline: simulated seconds per wall second (how much faster than real time).
    r.baseline_ops_per_s = report.wall_seconds > 0 ? report.sim_seconds / report.wall_seconds : 0;
    r.ratio = r.baseline_ops_per_s > 0 ? r.ops_per_s / r.baseline_ops_per_s : 0;
    meshsec::cli::print_bench_results({r}, *json);
  });
});

}  // namespace
