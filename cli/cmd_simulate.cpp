// `meshsec simulate [--scenario FILE] [--nodes N] [--blob-kib K]`: runs a TOML scenario
// (docs/simulator.md §Scenarios; examples in scenarios/), or the default one with the
// given overrides. Exit code 3 when any attack succeeded.
#include <iostream>
#include <optional>
#include <string>

#include "command_registry.hpp"
#include "sim/progress_bar.hpp"
#include "sim/run_output.hpp"
#include "sim/scenario.hpp"
#include "sim/simulator.hpp"

namespace {

struct SimulateOptions {
  std::string scenario_file;
  std::optional<std::uint32_t> nodes;
  std::optional<std::uint32_t> blob_kib;
  std::optional<std::uint64_t> seed;
  std::string report_dir;
  bool json = false;
  bool quiet = false;
};

const bool registered = meshsec::cli::register_command(61, [](CLI::App& root) {
  auto options = std::make_shared<SimulateOptions>();
  auto* cmd = root.add_subcommand("simulate", "Run a simulated mesh scenario (TOML) with the real node code");
  cmd->add_option("--scenario", options->scenario_file, "Scenario file (TOML); default: the embedded scenario")
      ->check(CLI::ExistingFile);
  cmd->add_option("--nodes", options->nodes, "Override the number of nodes");
  cmd->add_option("--blob-kib", options->blob_kib, "Override the firmware image size (KiB)");
  cmd->add_option("--seed", options->seed, "Override the seed");
  cmd->add_option("--report", options->report_dir, "Directory for report.json and the plot");
  cmd->add_flag("--json", options->json, "Print the report as JSON instead of the table");
  cmd->add_flag("--quiet", options->quiet, "No progress bar");
  cmd->callback([options] {
    meshsec::sim::Scenario scenario;
    try {
      scenario = options->scenario_file.empty() ? meshsec::sim::default_scenario()
                                                : meshsec::sim::load_scenario(options->scenario_file);
      if (options->nodes) scenario.topology.nodes = *options->nodes;
      if (options->blob_kib) {
        scenario.firmware.blob_kib = *options->blob_kib;
        // Keep within the blob format's 4096 chunks.
        while (static_cast<std::uint64_t>(scenario.firmware.blob_kib) * 1024 / scenario.firmware.chunk_size > 4096 &&
               scenario.firmware.chunk_size < 1024)
          scenario.firmware.chunk_size *= 2;
      }
      if (options->seed) scenario.seed = *options->seed;
      meshsec::sim::validate(scenario);
    } catch (const std::exception& e) {
      std::cerr << "meshsec simulate: " << e.what() << '\n';
      meshsec::cli::exit_with(2);
    }
    meshsec::sim::Simulator simulator(scenario);
    meshsec::sim::ProgressBar bar(!options->quiet);
    simulator.set_progress([&bar](const std::string& phase, double f) { bar.update(phase, f); });
    const auto report = simulator.run();
    bar.finish();
    const int code = meshsec::sim::emit_run(report, {options->report_dir, options->json});
    if (code != 0) meshsec::cli::exit_with(code);
  });
});

}  // namespace
