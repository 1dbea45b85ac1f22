// `meshsec bench sim`: simulated node-events per second (receptions, wake-ups and radio
// completions handled by real node code) on a 1,000-node rollout. The baseline, measured
// in the same run, is the cost floor of one reception: a bare AES-128-CCM open of a
// full-size E1 frame; the ratio says how close the whole simulator gets to it. A second
// figure runs the same mesh in two lanes on two cores (docs/simulator.md §Lanes) against
// the one-lane run as its baseline: the ratio is the speed-up.
#include <array>
#include <iostream>

#include "crypto/aead.hpp"

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
    scenario.lanes = 1;
    auto events_per_s = [](const meshsec::sim::RunReport& report) {
      return report.wall_seconds > 0 ? static_cast<double>(report.node_events) / report.wall_seconds : 0;
    };
    meshsec::sim::Simulator simulator(scenario);
    const auto report = simulator.run();
    meshsec::cli::BenchResult r;
    r.name = "sim_node_events";
    r.ops_per_s = events_per_s(report);
    meshsec::crypto::AesAead aead;
    const std::array<std::uint8_t, 16> key{1, 2, 3};
    if (aead.init(meshsec::crypto::AeadMode::ccm, key, 8) != meshsec::crypto::Status::ok) meshsec::cli::exit_with(1);
    const std::array<std::uint8_t, 13> nonce{};
    std::array<std::uint8_t, 11> aad{};
    std::array<std::uint8_t, 97> plain{}, cipher{};
    std::array<std::uint8_t, 8> tag{};
    if (aead.seal(nonce, aad, plain, cipher, tag) != meshsec::crypto::Status::ok) meshsec::cli::exit_with(1);
    r.baseline_ops_per_s = meshsec::cli::measure_rate(
        [&] {
          if (aead.open(nonce, aad, cipher, tag, plain) != meshsec::crypto::Status::ok) aad[0] ^= 1;
        },
        0.3);
    r.ratio = r.baseline_ops_per_s > 0 ? r.ops_per_s / r.baseline_ops_per_s : 0;
    scenario.lanes = 2;
    meshsec::sim::Simulator two_lanes(scenario);
    meshsec::cli::BenchResult lanes;
    lanes.name = "sim_node_events_two_lanes";
    lanes.ops_per_s = events_per_s(two_lanes.run());
    lanes.baseline_ops_per_s = r.ops_per_s;
    lanes.ratio = r.ops_per_s > 0 ? lanes.ops_per_s / r.ops_per_s : 0;
    meshsec::cli::print_bench_results({r, lanes}, *json);
    if (!*json)
      std::cout << "  " << report.nodes << " nodes, " << report.node_events << " node events in " << report.wall_seconds
                << " s wall (" << report.sim_seconds << " s simulated); baseline: AES-128-CCM opens of a 116-byte frame; two lanes against one\n";
  });
});

}  // namespace
