// What a run measured (docs/simulator.md §Report): written as DIR/report.json and printed
// as the summary table.
#pragma once
#include <array>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

namespace meshsec::sim {

struct AttackResult {
  std::uint64_t attempts = 0;
  std::uint64_t succeeded = 0;
  std::string note;
};

struct RolloutResult {
  bool ran = false;
  double coverage = 0;             // activated / alive reachable nodes (gateway excluded)
  double seconds = 0;              // injection → last activation (or timeout)
  std::uint64_t transmissions = 0;  // every dissemination frame (data + control)
  std::uint64_t data_frames = 0;
  std::uint64_t control_frames = 0;  // header fragments, requests, adverts
  double control_share = 0;
  std::uint64_t push_chunks = 0, repair_chunks = 0;
  std::uint64_t chunks_rejected = 0;  // by any verifier (attacks included)
  std::uint32_t nodes_activated = 0, nodes_targeted = 0;
  // Bounds.
  std::uint64_t frames_f = 0;        // F: data frames the image needs in this format
  std::uint64_t frames_f_raw = 0;    // ⌈image / frame payload⌉ if frames carried image bytes only
  std::uint64_t cds_size = 0;
  std::uint32_t eccentricity = 0;
  double frame_airtime_ms = 0;
  std::uint64_t lower_bound = 0;     // F × |CDS|
  double time_bound_s = 0;           // (F + h − 1) × airtime
  double transmissions_ratio = 0;
  double time_ratio = 0;
  double channel_rate_fraction = 0;  // image bytes / (seconds × bitrate/8)
  // The wave (when the scenario uses it).
  bool wave = false;
  std::uint32_t wave_relays = 0, wave_levels = 0, wave_channels = 0, wave_conflicted = 0, wave_unplanned = 0;
  std::uint32_t wave_items = 0, wave_per_period = 0;
  double wave_period_ms = 0;
  double wave_seconds = 0;            // injection → the last node's part of the wave ends
  std::uint64_t wave_data_frames = 0, wave_parity_frames = 0, wave_header_frames = 0;
  std::uint64_t wave_items_rebuilt = 0, wave_items_rejected = 0;
  std::uint32_t nodes_complete_after_wave = 0;  // activated without any repair
  std::uint32_t wave_missed_announcement = 0;   // planned nodes that never followed the wave
  // The parts sent ahead of the wave (per-node records; not in the rollout's figures).
  std::uint32_t wave_parts_targets = 0, wave_parts_acked = 0;
  double wave_parts_seconds = 0;
  std::uint64_t wave_parts_frames = 0;  // routed, flooded, uplink and ack frames meanwhile
  std::string wave_parts_note;          // set when the parts were handed over instead
  // The link survey the plan was made from: nodes alive, nodes that reported, its time and
  // frames (downlink, uplink and ack frames meanwhile).
  std::uint32_t survey_targets = 0, survey_reports = 0, survey_links = 0;
  double survey_seconds = 0;
  std::uint64_t survey_frames = 0;
  std::string survey_note;  // set when the radio model's table was handed over instead
  // The estimates against the radio model: mean (estimated − true) loss, and links put on
  // the wrong side of mesh.wave_good_link_loss.
  double survey_mean_error = 0;
  std::uint32_t survey_misjudged = 0;
  std::vector<std::pair<double, double>> survey_estimates;  // per surveyed link: (radio model's loss, estimate)
  double survey_good_link_loss = 0;                         // the planner's threshold they were judged by
};

// One window of sensor readings and what carrying them cost.
struct ReadingsWindow {
  std::uint64_t sent = 0;
  std::uint64_t delivered = 0;
  // Readings of nodes the failures cut off from the gateway (no path over live nodes):
  // sent, but not counted above, as nothing could carry them.
  std::uint64_t cut_off = 0;
  // Uplink frames every node sent in the window (join records, survey reports and
  // acknowledgements included), and uplinks given up after every retry.
  std::uint64_t uplink_frames = 0;
  std::uint64_t uplinks_abandoned = 0;
  // A ratio over no readings is no figure (0 would read as all lost): none.
  [[nodiscard]] std::optional<double> delivery_ratio() const noexcept {
    if (sent == 0) return std::nullopt;
    return static_cast<double>(delivered) / static_cast<double>(sent);
  }
  [[nodiscard]] std::optional<double> uplink_frames_per_reading() const noexcept {
    if (delivered == 0) return std::nullopt;
    return static_cast<double>(uplink_frames) / static_cast<double>(delivered);
  }
};
inline constexpr std::size_t readings_windows = 4;
inline constexpr std::size_t attack_window = 2;
inline constexpr std::size_t reboot_window = 3;  // the rebooted nodes' readings after their reboot

struct RunReport {
  std::string scenario;
  std::uint64_t seed = 0;
  std::uint32_t nodes = 0;
  std::string topology;
  double mean_degree = 0;
  // Phases.
  double synced_fraction = 0;
  double ready_seconds = 0;  // boot → 99 % of live nodes fine-synchronised with a parent
  double sync_error_max_us = 0, sync_error_mean_us = 0;
  // Genuine beacons whose time nodes would not take (docs/wire-format.md §6.5), so far.
  std::uint64_t beacon_times_refused = 0;
  // Beacon copies passed on, and of them the repeats of nodes that heard no farther
  // neighbour pass their copy on (MeshNode::watch_pass_on()), so far.
  std::uint64_t beacon_frames = 0, beacon_repeats = 0;
  // Flood windows (mesh/flood_window.hpp): rounds the gateway opened for the floods no
  // relay can check, and such floods that nodes did not carry on for want of an open
  // window, in all and within the attack windows (there, the stolen node's forgeries).
  std::uint32_t flood_windows_opened = 0;
  std::uint64_t unchecked_floods_not_carried = 0, unchecked_floods_not_carried_attacks = 0;
  // Copies held until their round's beacon opened it, then released to be carried on.
  std::uint64_t unchecked_floods_held_released = 0;
  // The beacon chain's signed checkpoints (docs/wire-format.md §6.5 "Checkpoints"): the
  // network's age at boot, checkpoints the gateway sent, and over the nodes: checks moved
  // on by one, requests for one, answers given.
  double network_age_days = 0;
  std::uint32_t chain_checkpoints_sent = 0;
  std::uint64_t chain_reanchored = 0, chain_requests = 0, chain_answers = 0;
  std::uint32_t max_hops = 0;
  bool commission_ran = false;
  std::string commission_note;
  std::uint32_t commissioned = 0, commission_targets = 0;
  std::uint32_t joined = 0;  // join records the back office took (routes the gateway learned)
  double commission_seconds = 0;
  // Sensor readings, by window: before failures, after failures, during the attacks, and
  // from the nodes rebooted at the end.
  std::array<ReadingsWindow, readings_windows> readings{};
  std::string readings_note;  // set when readings came from a sample of nodes
  std::uint32_t failed_nodes = 0;
  std::uint32_t rebooted_nodes = 0;  // at the end of the run (PhaseSpec::reboot_fraction)
  RolloutResult rollout;
  std::map<std::string, AttackResult> attacks;
  bool revocation_ran = false;
  std::string revocation_note;
  std::uint32_t revocation_acked = 0, revocation_targets = 0;
  // The broadcast rekey: sealed keys in it (one per subset of the cover); the list asks one
  // node in ack_one_in to acknowledge (targets, acked: of those); acknowledgements from the
  // broadcast before any per-node delivery; live nodes (audience) and those holding the key
  // after it (which the simulator, not the back office, can tell).
  std::uint32_t revocation_sealed_keys = 0, revocation_broadcast_acked = 0, revocation_ack_one_in = 1;
  std::uint32_t revocation_audience = 0, revocation_holding = 0;
  // Asked nodes that had not acknowledged after the broadcast and got a delivery of their own.
  std::uint32_t revocation_per_node = 0;
  double revocation_broadcast_seconds = 0;
  // Nodes asleep through the broadcast, those of them that took the key from a neighbour
  // after waking (wire-format.md §7.5), how long the last one took, and the hand-ons sent.
  std::uint32_t revocation_asleep = 0, revocation_caught_up = 0, revocation_handed_on = 0;
  double revocation_catch_up_seconds = 0;
  // The whole revocation, broadcast to catch-up: frames on the air (beacons included) and
  // simulated seconds.
  std::uint64_t revocation_frames = 0;
  double revocation_seconds = 0;
  std::map<std::string, std::uint64_t> drops;          // every reception that did not pass, by reason
  std::map<std::string, std::uint64_t> legit_defence_drops;  // legitimate frames the defences removed
  // Engine.
  double sim_seconds = 0;
  double wall_seconds = 0;
  std::uint64_t events = 0;
  std::uint64_t node_events = 0;
  std::uint64_t frames_sent = 0;
  std::uint32_t lanes = 1;  // lanes of the event loop (docs/simulator.md §Lanes)
  std::vector<std::uint64_t> lane_node_events;  // per lane: how evenly the mesh was split
  std::vector<std::pair<std::string, double>> phase_wall_seconds;  // in run order
  std::vector<std::pair<double, double>> coverage_curve;  // (seconds since injection, coverage)
};

[[nodiscard]] nlohmann::json to_json(const RunReport& report);
// Human-readable summary table.
[[nodiscard]] std::string summary_table(const RunReport& report);

}  // namespace meshsec::sim
