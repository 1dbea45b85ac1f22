#include "sim/run_report.hpp"

#include <cstdio>
#include <sstream>

namespace meshsec::sim {
namespace {

constexpr std::array<const char*, readings_windows> window_names{"before_failures", "after_failures", "during_attacks",
                                                                 "after_reboots"};
constexpr std::array<const char*, readings_windows> window_rows{"readings delivered", "readings delivered after failures",
                                                                "readings delivered under attack",
                                                                "readings from rebooted nodes"};

// The attack and reboot windows exist only when their phases ran.
// A figure that may be none: null in report.json.
nlohmann::json figure(std::optional<double> value) { return value ? nlohmann::json(*value) : nlohmann::json(nullptr); }

bool window_ran(const RunReport& r, std::size_t window) {
  const ReadingsWindow& w = r.readings[window];
  return (window != attack_window && window != reboot_window) || w.sent + w.cut_off > 0;
}

}  // namespace

nlohmann::json to_json(const RunReport& r) {
  using nlohmann::json;
  json j;
  j["scenario"] = r.scenario;
  j["seed"] = r.seed;
  j["nodes"] = r.nodes;
  j["topology"] = {{"kind", r.topology}, {"mean_degree", r.mean_degree}, {"max_hops", r.max_hops}};
  j["time_sync"] = {{"synced_fraction", r.synced_fraction},
                    {"ready_seconds", r.ready_seconds},
                    {"error_max_us", r.sync_error_max_us},
                    {"error_mean_us", r.sync_error_mean_us},
                    {"beacon_times_refused", r.beacon_times_refused},
                    {"beacon_frames", r.beacon_frames},
                    {"beacon_repeats", r.beacon_repeats},
                    {"network_age_days", r.network_age_days},
                    {"chain_checkpoints",
                     {{"sent", r.chain_checkpoints_sent},
                      {"nodes_reanchored", r.chain_reanchored},
                      {"requests", r.chain_requests},
                      {"answers", r.chain_answers}}}};
  j["flood_windows"] = {
      {"rounds_opened", r.flood_windows_opened},
      {"not_carried_outside_attacks", r.unchecked_floods_not_carried - r.unchecked_floods_not_carried_attacks},
      {"not_carried_during_attacks", r.unchecked_floods_not_carried_attacks},
      {"held_for_the_beacon_then_released", r.unchecked_floods_held_released}};
  j["commissioning"] = {{"ran", r.commission_ran},
                        {"commissioned", r.commissioned},
                        {"joined", r.joined},
                        {"targets", r.commission_targets},
                        {"seconds", r.commission_seconds},
                        {"note", r.commission_note}};
  j["operate"] = json::array();
  for (std::size_t i = 0; i < readings_windows; ++i) {
    if (!window_ran(r, i)) continue;
    const ReadingsWindow& w = r.readings[i];
    j["operate"].push_back({{"window", window_names[i]},
                            {"readings_sent", w.sent},
                            {"readings_delivered", w.delivered},
                            {"delivery_ratio", figure(w.delivery_ratio())},
                            {"uplink_frames", w.uplink_frames},
                            {"uplink_frames_per_delivered_reading", figure(w.uplink_frames_per_reading())},
                            {"uplinks_abandoned", w.uplinks_abandoned},
                            {"readings_from_cut_off_nodes", w.cut_off}});
  }
  if (!r.readings_note.empty()) j["readings_note"] = r.readings_note;
  j["failed_nodes"] = r.failed_nodes;
  j["rebooted_nodes"] = r.rebooted_nodes;
  const auto& o = r.rollout;
  j["rollout"] = {{"ran", o.ran},
                  {"coverage", o.coverage},
                  {"seconds", o.seconds},
                  {"transmissions", o.transmissions},
                  {"data_frames", o.data_frames},
                  {"control_frames", o.control_frames},
                  {"control_share", o.control_share},
                  {"push_chunks", o.push_chunks},
                  {"repair_chunks", o.repair_chunks},
                  {"chunks_rejected", o.chunks_rejected},
                  {"nodes_activated", o.nodes_activated},
                  {"nodes_targeted", o.nodes_targeted},
                  {"lower_bound", o.lower_bound},
                  {"time_bound_seconds", o.time_bound_s},
                  {"transmissions_ratio", o.transmissions_ratio},
                  {"time_ratio", o.time_ratio},
                  {"channel_rate_fraction", o.channel_rate_fraction},
                  {"bound_inputs",
                   {{"frames_f", o.frames_f},
                    {"frames_f_payload_only", o.frames_f_raw},
                    {"cds_size", o.cds_size},
                    {"cds_method", "greedy (Guha-Khuller), an approximation of the minimum"},
                    {"eccentricity_hops", o.eccentricity},
                    {"frame_airtime_ms", o.frame_airtime_ms}}}};
  if (o.wave)
    j["rollout"]["wave"] = {{"relays", o.wave_relays},
                            {"levels", o.wave_levels},
                            {"channels_used", o.wave_channels},
                            {"conflicted_receivers", o.wave_conflicted},
                            {"unplanned_nodes", o.wave_unplanned},
                            {"items", o.wave_items},
                            {"fragments_per_period", o.wave_per_period},
                            {"period_ms", o.wave_period_ms},
                            {"seconds", o.wave_seconds},
                            {"data_frames", o.wave_data_frames},
                            {"parity_frames", o.wave_parity_frames},
                            {"header_frames", o.wave_header_frames},
                            {"items_rebuilt_from_parity", o.wave_items_rebuilt},
                            {"items_rejected", o.wave_items_rejected},
                            {"nodes_complete_after_wave", o.nodes_complete_after_wave},
                            {"missed_announcement", o.wave_missed_announcement},
                            {"parts", {{"targets", o.wave_parts_targets},
                                       {"acknowledged", o.wave_parts_acked},
                                       {"seconds", o.wave_parts_seconds},
                                       {"frames", o.wave_parts_frames},
                                       {"note", o.wave_parts_note}}},
                            {"survey", {{"targets", o.survey_targets},
                                        {"reports", o.survey_reports},
                                        {"links", o.survey_links},
                                        {"seconds", o.survey_seconds},
                                        {"frames", o.survey_frames},
                                        {"mean_loss_error", o.survey_mean_error},
                                        {"links_misjudged", o.survey_misjudged},
                                        {"note", o.survey_note}}}};
  j["phase_wall_seconds"] = json::object();
  for (const auto& [phase, seconds] : r.phase_wall_seconds) j["phase_wall_seconds"][phase] = seconds;
  j["attacks"] = json::object();
  for (const auto& [name, a] : r.attacks)
    j["attacks"][name] = {{"attempts", a.attempts}, {"succeeded", a.succeeded}, {"note", a.note}};
  j["revocation"] = {{"ran", r.revocation_ran},
                     {"acked", r.revocation_acked},
                     {"targets", r.revocation_targets},
                     {"broadcast", {{"sealed_keys", r.revocation_sealed_keys},
                                    {"ack_one_in", r.revocation_ack_one_in},
                                    {"acked", r.revocation_broadcast_acked},
                                    {"live_nodes", r.revocation_audience},
                                    {"holding_key", r.revocation_holding},
                                    {"seconds", r.revocation_broadcast_seconds}}},
                     {"per_node_deliveries", r.revocation_per_node},
                     {"catch_up", {{"asleep", r.revocation_asleep},
                                   {"caught_up", r.revocation_caught_up},
                                   {"handed_on", r.revocation_handed_on},
                                   {"seconds", r.revocation_catch_up_seconds}}},
                     {"frames", r.revocation_frames},
                     {"seconds", r.revocation_seconds},
                     {"note", r.revocation_note}};
  j["drops"] = json::object();
  for (const auto& [k, v] : r.drops) j["drops"][k] = v;
  j["legitimate_frames_lost_to_defences"] = json::object();
  for (const auto& [k, v] : r.legit_defence_drops) j["legitimate_frames_lost_to_defences"][k] = v;
  j["engine"] = {{"sim_seconds", r.sim_seconds},
                 {"wall_seconds", r.wall_seconds},
                 {"events", r.events},
                 {"node_events", r.node_events},
                 {"node_events_per_second", r.wall_seconds > 0 ? static_cast<double>(r.node_events) / r.wall_seconds : 0.0},
                 {"frames_sent", r.frames_sent},
                 {"lanes", r.lanes},
                 {"lane_node_events", r.lane_node_events}};
  return j;
}

std::string summary_table(const RunReport& r) {
  std::ostringstream s;
  char line[256];
  auto row = [&](const char* name, const std::string& value) {
    std::snprintf(line, sizeof line, "  %-34s %s\n", name, value.c_str());
    s << line;
  };
  auto num = [](double v, int digits = 2) {
    char b[64];
    std::snprintf(b, sizeof b, "%.*f", digits, v);
    return std::string(b);
  };
  s << "meshsec simulation: " << r.scenario << " (seed " << r.seed << ")\n";
  row("nodes / topology", std::to_string(r.nodes) + " / " + r.topology + ", max " + std::to_string(r.max_hops) + " hops");
  row("time sync (synced, max error)", num(100 * r.synced_fraction, 1) + " %, " + num(r.sync_error_max_us / 1000, 3) + " ms");
  if (r.commission_ran)
    row("commissioned (joined)", std::to_string(r.commissioned) + " / " + std::to_string(r.commission_targets) + " in " +
                                     num(r.commission_seconds, 1) + " s (" + std::to_string(r.joined) + " joined)");
  else
    row("commissioning", "skipped: " + r.commission_note);
  for (std::size_t i = 0; i < readings_windows; ++i) {
    if (!window_ran(r, i)) continue;
    const ReadingsWindow& w = r.readings[i];
    const std::string cut_off = w.cut_off == 0 ? std::string() : "; " + std::to_string(w.cut_off) + " more from nodes cut off";
    const auto ratio = w.delivery_ratio();
    if (!ratio) {
      row(window_rows[i], "none sent by nodes a path joins to the gateway" + cut_off);
      continue;
    }
    row(window_rows[i], std::to_string(w.delivered) + " / " + std::to_string(w.sent) + " (" + num(100 * *ratio, 1) +
                            " %), " + num(w.uplink_frames_per_reading().value_or(0), 1) + " uplink frames each" + cut_off);
  }
  if (!r.readings_note.empty()) row("readings", r.readings_note);
  row("failed nodes", std::to_string(r.failed_nodes));
  if (r.rebooted_nodes > 0) row("rebooted nodes", std::to_string(r.rebooted_nodes) + " at the end, from their flash");
  const auto& o = r.rollout;
  if (o.ran) {
    row("rollout coverage", num(100 * o.coverage, 1) + " % (" + std::to_string(o.nodes_activated) + " / " +
                                std::to_string(o.nodes_targeted) + ") in " + num(o.seconds, 1) + " s");
    row("rollout transmissions / bound", std::to_string(o.transmissions) + " / " + std::to_string(o.lower_bound) + " = " +
                                             num(o.transmissions_ratio) + "x (goal <= 1.5x)");
    if (o.wave && o.lower_bound > 0) {
      // Where the ratio comes from: the relays' data frames (their number against the
      // CDS's), their parity, and the rest (header fragments, repair, adverts).
      const auto bound = static_cast<double>(o.lower_bound);
      const std::uint64_t wave_frames = o.wave_data_frames + o.wave_parity_frames;
      const std::uint64_t rest = o.transmissions > wave_frames ? o.transmissions - wave_frames : 0;
      row("  of which, against the bound", "wave data " + num(static_cast<double>(o.wave_data_frames) / bound) + "x (" +
                                               std::to_string(o.wave_relays) + " relays, CDS " +
                                               std::to_string(o.cds_size) + "), parity " +
                                               num(static_cast<double>(o.wave_parity_frames) / bound) + "x, rest " +
                                               num(static_cast<double>(rest) / bound) + "x");
    }
    row("rollout time / bound", num(o.seconds, 1) + " s / " + num(o.time_bound_s, 1) + " s = " + num(o.time_ratio) +
                                    "x (goal <= 3x)");
    row("control traffic share", num(100 * o.control_share, 1) + " %");
    if (o.wave)
      row("wave relays / channels / periods", std::to_string(o.wave_relays) + " / " + std::to_string(o.wave_channels) +
                                                 " / " + std::to_string(o.wave_items) + " items of " +
                                                 std::to_string(o.wave_per_period) + " fragments, " +
                                                 num(o.wave_period_ms, 1) + " ms");
    if (o.wave)
      row("links surveyed for the plan", o.survey_note.empty()
                                             ? std::to_string(o.survey_reports) + " / " + std::to_string(o.survey_targets) +
                                                   " nodes reported " + std::to_string(o.survey_links) + " links in " +
                                                   num(o.survey_seconds, 1) + " s, " + std::to_string(o.survey_frames) +
                                                   " frames (loss error " + num(o.survey_mean_error, 3) + ", " +
                                                   std::to_string(o.survey_misjudged) + " misjudged)"
                                             : o.survey_note);
    if (o.wave)
      row("wave parts sent ahead", o.wave_parts_note.empty()
                                       ? std::to_string(o.wave_parts_acked) + " / " + std::to_string(o.wave_parts_targets) +
                                             " acknowledged in " + num(o.wave_parts_seconds, 1) + " s, " +
                                             std::to_string(o.wave_parts_frames) + " frames"
                                       : o.wave_parts_note);
    row("channel rate reached", num(100 * o.channel_rate_fraction, 1) + " %");
  }
  for (const auto& [name, a] : r.attacks) {
    std::string label = "attack " + name;
    row(label.c_str(), std::to_string(a.succeeded) + " succeeded of " + std::to_string(a.attempts));
  }
  row("flood windows", std::to_string(r.flood_windows_opened) + " rounds opened; unchecked floods not carried: " +
                           std::to_string(r.unchecked_floods_not_carried - r.unchecked_floods_not_carried_attacks) +
                           " outside the attacks, " + std::to_string(r.unchecked_floods_not_carried_attacks) +
                           " during them; " + std::to_string(r.unchecked_floods_held_released) +
                           " held for their round's beacon, then released");
  if (r.network_age_days > 0 || r.chain_checkpoints_sent > 0)
    row("chain checkpoints", "network " + num(r.network_age_days, 1) + " days old at boot; " +
                                 std::to_string(r.chain_checkpoints_sent) + " sent, " +
                                 std::to_string(r.chain_reanchored) + " nodes re-anchored, " +
                                 std::to_string(r.chain_requests) + " requests, " + std::to_string(r.chain_answers) +
                                 " answers");
  if (r.revocation_ran) {
    row("revocation broadcast", std::to_string(r.revocation_sealed_keys) + " sealed keys; " +
                                    std::to_string(r.revocation_holding) + " / " + std::to_string(r.revocation_audience) +
                                    " live nodes hold the new key; " + std::to_string(r.revocation_frames) +
                                    " frames in " + num(r.revocation_seconds, 1) + " s, beacons included");
    row("revocation acknowledged", std::to_string(r.revocation_broadcast_acked) + " / " +
                                       std::to_string(r.revocation_targets) + " asked (one in " +
                                       std::to_string(r.revocation_ack_one_in) + ") in " +
                                       num(r.revocation_broadcast_seconds, 1) + " s; " + std::to_string(r.revocation_acked) +
                                       " after per-node deliveries to " + std::to_string(r.revocation_per_node));
    if (r.revocation_asleep > 0)
      row("revocation catch-up", std::to_string(r.revocation_caught_up) + " / " + std::to_string(r.revocation_asleep) +
                                     " nodes asleep through it took the key from neighbours in " +
                                     num(r.revocation_catch_up_seconds, 1) + " s (" +
                                     std::to_string(r.revocation_handed_on) + " hand-ons)");
  }
  std::uint64_t legit = 0;
  for (const auto& [k, v] : r.legit_defence_drops) legit += v;
  row("legit frames lost to defences", std::to_string(legit));
  row("simulated / wall time", num(r.sim_seconds, 1) + " s / " + num(r.wall_seconds, 2) + " s" +
                                   (r.lanes > 1 ? " (" + std::to_string(r.lanes) + " lanes, one core each)" : ""));
  if (!r.phase_wall_seconds.empty()) {
    std::string phases;
    for (const auto& [phase, seconds] : r.phase_wall_seconds)
      phases += (phases.empty() ? "" : ", ") + phase + " " + num(seconds, 1);
    row("wall seconds by phase", phases);
  }
  row("node events per second", num(r.wall_seconds > 0 ? static_cast<double>(r.node_events) / r.wall_seconds : 0, 0));
  return s.str();
}

}  // namespace meshsec::sim
