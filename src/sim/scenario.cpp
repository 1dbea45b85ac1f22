#include "sim/scenario.hpp"

#include <sstream>
#include <stdexcept>
#include <toml++/toml.h>

namespace meshsec::sim {
namespace {

template <class T>
void read(const toml::table& t, std::string_view section, std::string_view key, T& out) {
  const auto node = t[section][key];
  if (!node) return;
  if constexpr (std::is_same_v<T, bool>) {
    if (auto v = node.value<bool>()) out = *v;
    else throw std::runtime_error(std::string(section) + "." + std::string(key) + ": expected a boolean");
  } else if constexpr (std::is_same_v<T, std::string>) {
    if (auto v = node.value<std::string>()) out = *v;
    else throw std::runtime_error(std::string(section) + "." + std::string(key) + ": expected a string");
  } else if constexpr (std::is_floating_point_v<T>) {
    if (auto v = node.value<double>()) out = static_cast<T>(*v);
    else throw std::runtime_error(std::string(section) + "." + std::string(key) + ": expected a number");
  } else {
    auto v = node.value<std::int64_t>();
    if (!v || *v < 0) throw std::runtime_error(std::string(section) + "." + std::string(key) + ": expected a non-negative integer");
    out = static_cast<T>(*v);
  }
}

}  // namespace

Scenario default_scenario() { return Scenario{}; }

Scenario parse_scenario(const std::string& toml_text, const std::string& source_name) {
  toml::table t;
  try {
    t = toml::parse(toml_text, source_name);
  } catch (const toml::parse_error& e) {
    throw std::runtime_error(std::string(source_name) + ": " + std::string(e.description()));
  }
  Scenario s = default_scenario();
  read(t, "scenario", "name", s.name);
  read(t, "scenario", "seed", s.seed);
  read(t, "scenario", "lanes", s.lanes);
  std::string kind = Topology::kind_name(s.topology.kind);
  read(t, "topology", "kind", kind);
  if (!Topology::parse_kind(kind, s.topology.kind)) throw std::runtime_error("topology.kind: unknown kind " + kind);
  read(t, "topology", "nodes", s.topology.nodes);
  read(t, "topology", "mean_degree", s.topology.mean_degree);
  read(t, "topology", "grid_range", s.topology.grid_range);
  read(t, "topology", "clusters", s.topology.clusters);
  read(t, "topology", "loss_base", s.topology.loss_base);
  read(t, "topology", "loss_edge", s.topology.loss_edge);
  read(t, "radio", "bitrate_bps", s.radio.bitrate_bps);
  read(t, "radio", "duty_cycle", s.radio.duty_cycle);
  read(t, "radio", "clock_drift_ppm", s.radio.clock_drift_ppm);
  read(t, "phases", "boot_s", s.phases.boot_s);
  read(t, "phases", "commission", s.phases.commission);
  read(t, "phases", "max_readings_per_s", s.phases.max_readings_per_s);
  read(t, "phases", "commission_timeout_s", s.phases.commission_timeout_s);
  read(t, "phases", "readings_per_node", s.phases.readings_per_node);
  read(t, "phases", "operate_s", s.phases.operate_s);
  read(t, "phases", "fail_fraction", s.phases.fail_fraction);
  read(t, "phases", "rekey_asleep_fraction", s.phases.rekey_asleep_fraction);
  read(t, "phases", "rollout", s.phases.rollout);
  read(t, "phases", "rollout_timeout_s", s.phases.rollout_timeout_s);
  read(t, "phases", "attacks", s.phases.attacks);
  read(t, "phases", "attack_s", s.phases.attack_s);
  read(t, "phases", "reboot_fraction", s.phases.reboot_fraction);
  read(t, "firmware", "blob_kib", s.firmware.blob_kib);
  read(t, "firmware", "chunk_size", s.firmware.chunk_size);
  read(t, "firmware", "version_major", s.firmware.version_major);
  read(t, "firmware", "version_minor", s.firmware.version_minor);
  read(t, "firmware", "version_revision", s.firmware.version_revision);
  read(t, "firmware", "security_counter", s.firmware.security_counter);
  read(t, "attacks", "eavesdropper", s.attacks.eavesdropper);
  read(t, "attacks", "replayer", s.attacks.replayer);
  read(t, "attacks", "forger", s.attacks.forger);
  read(t, "attacks", "bit_flipper", s.attacks.bit_flipper);
  read(t, "attacks", "stolen_node", s.attacks.stolen_node);
  read(t, "attacks", "rogue_injector", s.attacks.rogue_injector);
  read(t, "attacks", "jammer", s.attacks.jammer);
  read(t, "attacks", "jammer_duty", s.attacks.jammer_duty);
  read(t, "attacks", "attempts", s.attacks.attempts);
  read(t, "mesh", "wave", s.mesh.wave);
  read(t, "mesh", "wave_parity", s.mesh.wave_parity);
  read(t, "mesh", "wave_lead_ms", s.mesh.wave_lead_ms);
  read(t, "mesh", "wave_good_link_loss", s.mesh.wave_good_link_loss);
  read(t, "mesh", "wave_links", s.mesh.wave_links);
  read(t, "mesh", "beacon_period_s", s.mesh.beacon_period_s);
  read(t, "mesh", "network_age_days", s.mesh.network_age_days);
  read(t, "mesh", "chain_checkpoints", s.mesh.chain_checkpoints);
  read(t, "mesh", "join_spread_s", s.mesh.join_spread_s);
  read(t, "mesh", "push_interval_ms", s.mesh.push_interval_ms);
  read(t, "mesh", "repair_idle_ms", s.mesh.repair_idle_ms);
  read(t, "mesh", "backoff_slots", s.mesh.backoff_slots);
  validate(s);
  return s;
}

Scenario load_scenario(const std::string& path) {
  toml::table t;
  try {
    t = toml::parse_file(path);
  } catch (const toml::parse_error& e) {
    throw std::runtime_error(path + ": " + std::string(e.description()));
  }
  std::ostringstream text;
  text << t;
  return parse_scenario(text.str(), path);
}

void validate(const Scenario& s) {
  auto require = [](bool ok, const char* what) {
    if (!ok) throw std::runtime_error(what);
  };
  require(s.lanes <= 2, "scenario.lanes: 0 (by size), 1 or 2");
  require(s.topology.nodes >= 2 && s.topology.nodes <= 60000, "topology.nodes: 2..60000");
  require(s.topology.mean_degree >= 3 && s.topology.mean_degree <= 40, "topology.mean_degree: 3..40");
  require(s.topology.grid_range >= 1.0 && s.topology.grid_range <= 5.0, "topology.grid_range: 1..5");
  require(s.topology.loss_base >= 0 && s.topology.loss_base + s.topology.loss_edge < 0.9, "topology loss: base + edge < 0.9");
  require(s.radio.bitrate_bps >= 9600, "radio.bitrate_bps: at least 9600");
  require(s.radio.duty_cycle > 0.01 && s.radio.duty_cycle <= 1.0, "radio.duty_cycle: 0.01..1");
  // A wave relay is on the air half of its periods: only a band without a duty-cycle
  // limit (2.4 GHz) allows it.
  require(!s.mesh.wave || s.radio.duty_cycle >= 1.0,
          "mesh.wave needs radio.duty_cycle = 1 (wave relays send half the time); set mesh.wave = false");
  require(s.radio.clock_drift_ppm >= 0 && s.radio.clock_drift_ppm <= 500, "radio.clock_drift_ppm: 0..500");
  require(s.firmware.blob_kib >= 1 && s.firmware.blob_kib <= 1024, "firmware.blob_kib: 1..1024");
  require(s.firmware.chunk_size >= 64 && s.firmware.chunk_size <= 1024, "firmware.chunk_size: 64..1024");
  require(static_cast<std::uint64_t>(s.firmware.blob_kib) * 1024 / s.firmware.chunk_size <= 4096,
          "firmware: at most 4096 chunks (raise chunk_size)");
  require(s.phases.fail_fraction >= 0 && s.phases.fail_fraction <= 0.5, "phases.fail_fraction: 0..0.5");
  require(s.phases.reboot_fraction >= 0 && s.phases.reboot_fraction <= 0.5, "phases.reboot_fraction: 0..0.5");
  require(s.phases.rekey_asleep_fraction >= 0 && s.phases.rekey_asleep_fraction <= 0.2,
          "phases.rekey_asleep_fraction: 0..0.2");
  require(s.attacks.jammer_duty >= 0 && s.attacks.jammer_duty <= 1, "attacks.jammer_duty: 0..1");
  require(s.mesh.beacon_period_s >= 1, "mesh.beacon_period_s: at least 1");
  // The simulator builds the gateway's chain from the anchor on: 60 days of 10-s rounds
  // are 33 million steps, about a second.
  require(s.mesh.network_age_days >= 0 && s.mesh.network_age_days <= 60, "mesh.network_age_days: 0..60");
  require(s.mesh.join_spread_s >= 0 && s.mesh.join_spread_s <= 3600, "mesh.join_spread_s: 0 (by mesh size) to 3600");
  require(s.mesh.wave_parity <= 16, "mesh.wave_parity: 0 (from the plan) or 1..16");
  require(s.mesh.wave_good_link_loss > 0 && s.mesh.wave_good_link_loss < 1, "mesh.wave_good_link_loss: (0, 1)");
  require(s.mesh.wave_links == "survey" || s.mesh.wave_links == "model", "mesh.wave_links: \"survey\" or \"model\"");
  require(s.mesh.wave_lead_ms >= 50 && s.mesh.wave_lead_ms <= 10000, "mesh.wave_lead_ms: 50..10000");
  require(s.mesh.backoff_slots >= 1 && s.mesh.backoff_slots <= 256, "mesh.backoff_slots: 1..256");
}

}  // namespace meshsec::sim
