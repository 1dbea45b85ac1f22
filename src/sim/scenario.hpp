// A simulation scenario: every knob of a run, with embedded defaults (the `meshsec demo`
// run) and a TOML form (docs/simulator.md §Scenarios, scenarios/*.toml).
#pragma once
#include <cstdint>
#include <string>

#include "sim/topology.hpp"

namespace meshsec::sim {

struct RadioSpec {
  std::uint32_t bitrate_bps = 250'000;
  double duty_cycle = 1.0;        // fraction of time a node may transmit (token bucket)
  double clock_drift_ppm = 40.0;  // each node's clock drifts by up to ± this
};

struct PhaseSpec {
  double boot_s = 45;                 // synchronisation and gradient before anything else
  bool commission = true;
  // 0: the join spread + 60 s + 100 ms per node (every per-node message and its answer
  // crosses the gateway's neighbourhood, so the time grows with the mesh).
  double commission_timeout_s = 0;
  std::uint32_t readings_per_node = 2;  // per operate window (before and after failures)
  std::uint32_t max_readings_per_s = 20;  // above this, readings come from a sample of nodes
  double operate_s = 30;
  double fail_fraction = 0.02;        // nodes that die before the rollout (M10)
  // Leaves asleep through the revocation (a battery change, an outage): they
  // wake after the old key is retired and must get the new one from their neighbours.
  double rekey_asleep_fraction = 0.01;
  bool rollout = true;
  double rollout_timeout_s = 300;
  bool attacks = true;
  double attack_s = 20;
  // Nodes that lose power and boot again at the end of the run, from what their flash kept
  // (docs/wire-format.md §9): the readings they send after it show they go on.
  double reboot_fraction = 0.02;
};

struct FirmwareSpec {
  std::uint32_t blob_kib = 32;
  std::uint32_t chunk_size = 1024;
  std::uint32_t version_major = 1, version_minor = 1, version_revision = 0;
  std::uint32_t security_counter = 2;
};

struct AttackSpec {
  bool eavesdropper = true;
  bool replayer = true;
  bool forger = true;
  bool bit_flipper = true;
  bool stolen_node = true;
  bool rogue_injector = true;
  bool jammer = true;
  double jammer_duty = 0.3;
  std::uint32_t attempts = 40;  // per active attacker and attack window
};

struct MeshSpec {
  // Firmware wave (docs/dissemination.md): scheduled multi-channel push; false falls back
  // to the contention push along the backbone.
  bool wave = true;
  // Room for parity fragments in a period (relays send what their listeners need, up to
  // it); 0: one more than the median relay needs (mesh::wave_parity_room).
  std::uint32_t wave_parity = 0;
  double wave_lead_ms = 250;       // announcement → period 0
  double wave_good_link_loss = 0.13;  // the planner prefers links at most this lossy
  // Where the planner's link table comes from: "survey" (the nodes probe their links and
  // report them; docs/dissemination.md) or "model" (the radio model's own table, handed
  // over: what the planner could do knowing every link exactly).
  std::string wave_links = "survey";
  double beacon_period_s = 10;
  // Days the network ran before the gateway boots (docs/wire-format.md §6.5
  // "Checkpoints"): every node trusts the beacon chain at its anchor, as made, and one more
  // than 7.6 days of rounds behind needs the back office's signed checkpoint first.
  double network_age_days = 0;
  // Whether the gateway sends the back office's checkpoints (false: left out, to show what
  // they do).
  bool chain_checkpoints = true;
  // A settled node announces itself (join record) within this many seconds; the gateway
  // learns its route from it (per-node messages travel routed, not flooded). 0: 30 s +
  // 10 ms per node (every join crosses the gateway's neighbourhood).
  double join_spread_s = 0;
  double push_interval_ms = 35;
  double repair_idle_ms = 400;
  std::uint32_t backoff_slots = 16;
};

struct Scenario {
  std::string name = "default";
  std::uint64_t seed = 1;
  // Lanes of the event loop (docs/simulator.md §Lanes): 0 picks 1, or 2 above 3,000 nodes.
  std::uint32_t lanes = 0;
  TopologySpec topology{};
  RadioSpec radio{};
  PhaseSpec phases{};
  FirmwareSpec firmware{};
  AttackSpec attacks{};
  MeshSpec mesh{};
};

// The embedded default: a few hundred nodes, every phase, every attacker.
[[nodiscard]] Scenario default_scenario();
// Reads a TOML scenario over the defaults; throws std::runtime_error with the reason.
[[nodiscard]] Scenario load_scenario(const std::string& path);
[[nodiscard]] Scenario parse_scenario(const std::string& toml_text, const std::string& source_name);
// Throws std::runtime_error when a value is out of range.
void validate(const Scenario& scenario);

}  // namespace meshsec::sim
