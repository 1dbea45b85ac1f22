// The phases of a run: manufacture → boot and synchronise → commission → operate →
// node failures → operate again (self-healing) → firmware rollout → attacks → revocation
// → attacks again → reboots (nodes boot again from their flash, and send readings). Each
// phase drives the simulated time and writes its part of the report.
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cmath>
#include <deque>
#include <limits>
#include <map>
#include <memory>

#include "sim/lower_bound.hpp"
#include "sim/attacker.hpp"
#include "sim/simulator.hpp"

#include "mesh/wave_plan.hpp"

namespace meshsec::sim {
namespace {

constexpr std::uint64_t second = 1'000'000;

// The upper end of the Wilson score interval for a proportion p seen in n trials, z
// standard errors up (at most 1).
double wilson_upper_bound(double p, double n, double z) {
  const double centre = p + z * z / (2 * n);
  const double spread = z * std::sqrt(p * (1 - p) / n + z * z / (4 * n * n));
  return std::min(1.0, (centre + spread) / (1 + z * z / n));
}

}  // namespace

RunReport Simulator::run() {
  const auto wall_start = std::chrono::steady_clock::now();
  auto lap = wall_start;
  // Wall time per phase, for the report (where a large run spends its time).
  auto timed = [&](const char* phase) {
    const auto now = std::chrono::steady_clock::now();
    report_.phase_wall_seconds.emplace_back(phase, std::chrono::duration<double>(now - lap).count());
    lap = now;
  };
  progress("manufacture", 0);
  manufacture();
  progress("manufacture", 1);
  place_attackers();
  timed("manufacture");
  boot();
  // In the events nothing moves but the nodes, the medium, the lanes' own tallies, the
  // attackers (lane 0's) and the back office (the gateway's lane's): from here lanes run
  // on two cores. Phases and attack actions run between windows.
  set_parallel(lanes_.size() == 2 && lane_threads_);
  const auto boot_us = static_cast<std::uint64_t>(scenario_.phases.boot_s * 1e6);
  // At least boot_s; then, on a deep mesh, until the network is ready to carry traffic
  // (99 % of live nodes fine-synchronised and with a parent), for at most twice as long
  // again: time spreads hop by hop, and readings sent before that are lost for no reason
  // the run means to show.
  const std::uint64_t boot_start = now_;
  for (std::uint64_t t = 0; t < boot_us; t += second) {
    run_for(std::min(second, boot_us - t));
    progress("synchronise", static_cast<double>(t + second) / static_cast<double>(boot_us));
  }
  while (!network_ready() && now_ - boot_start < 3 * boot_us) run_for(second);
  report_.ready_seconds = static_cast<double>(now_ - boot_start) / 1e6;
  sample_sync();
  timed("synchronise");
  std::uint32_t max_hops = 0;
  for (auto h : topology_.hop_distances())
    if (h != std::numeric_limits<std::uint32_t>::max()) max_hops = std::max(max_hops, h);
  report_.max_hops = max_hops;
  if (scenario_.phases.commission) {
    if (node_count() <= per_node_limit) phase_commission();
    else report_.commission_note = "left out above " + std::to_string(per_node_limit) + " nodes (per-node messages through one gateway)";
  } else {
    report_.commission_note = "disabled by the scenario";
  }
  timed("commission");
  phase_operate(0);
  timed("operate");
  phase_failures();
  phase_operate(1);
  timed("self-healing");
  if (scenario_.phases.rollout) phase_rollout();
  timed("rollout");
  if (scenario_.phases.attacks) {
    phase_attacks(false);
    phase_revocation();
    phase_attacks(true);
  }
  timed("attacks");
  // The mesh's totals (time error, flood windows, checkpoints) as the attacks leave it: a
  // node rebooted below is a new object whose counts start again from zero.
  sample_sync();
  if (scenario_.phases.reboot_fraction > 0) phase_reboots();
  timed("reboots");
  set_parallel(false);
  for (std::size_t k = 1; k < attacks_.size(); ++k) {
    const auto kind = static_cast<AttackKind>(k);
    if (attacks_[k].attempts > 0) report_.attacks[attack_name(kind)] = attacks_[k];
  }
  for (const auto& l : lanes_) l->drops.merge_into(report_.drops);
  report_.sim_seconds = static_cast<double>(now_) / 1e6;
  report_.events = 0;
  for (const auto& l : lanes_) report_.events += l->events;
  report_.node_events = node_events();
  report_.frames_sent = frames_sent();
  report_.lanes = static_cast<std::uint32_t>(lanes_.size());
  for (const auto& l : lanes_) report_.lane_node_events.push_back(l->node_events);
  report_.wall_seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - wall_start).count();
  progress("done", 1);
  return report_;
}

std::uint64_t Simulator::per_node_time_us() const {
  return static_cast<std::uint64_t>((join_spread_s() + 60 + 0.1 * node_count()) * 1e6);
}

double Simulator::join_spread_s() const {
  return scenario_.mesh.join_spread_s > 0 ? scenario_.mesh.join_spread_s : 30 + 0.01 * node_count();
}

void Simulator::phase_commission() {
  report_.commission_ran = true;
  progress("commission", 0);
  const std::uint64_t start = now_;
  const auto limit = scenario_.phases.commission_timeout_s > 0
                         ? static_cast<std::uint64_t>(scenario_.phases.commission_timeout_s * 1e6)
                         : per_node_time_us();
  const auto join_wait = static_cast<std::uint64_t>((join_spread_s() + 15) * 1e6);
  std::uint32_t targets = 0;
  for (std::uint32_t i = 1; i < node_count(); ++i)
    if (nodes_[i]->alive && !back_office_->commissioned(static_cast<node::NodeId>(i + 1))) ++targets;
  report_.commission_targets = targets;
  (void)send_per_node(
      "commission", limit, join_wait, [&](node::NodeId id) { return back_office_->commissioned(id); },
      [&](const std::vector<node::NodeId>& ids) { return back_office_->commission_bodies(ids); });
  report_.commission_seconds = static_cast<double>(now_ - start) / 1e6;
  std::uint32_t done = 0;
  std::uint32_t joined = 0;
  for (std::uint32_t i = 1; i < node_count(); ++i) {
    if (nodes_[i]->mesh->commissioned()) ++done;
    if (back_office_->joined(static_cast<node::NodeId>(i + 1))) ++joined;
  }
  report_.commissioned = done;
  report_.joined = joined;
  progress("commission", 1);
}

void Simulator::schedule_readings(std::size_t window, double seconds, const std::vector<std::uint32_t>& only) {
  const auto span = static_cast<std::uint64_t>(seconds * 1e6);
  std::vector<std::uint32_t> alive;
  if (only.empty()) {
    for (std::uint32_t i = 1; i < node_count(); ++i)
      if (nodes_[i]->alive) alive.push_back(i);
  } else {
    for (const auto i : only)
      if (nodes_[i]->alive) alive.push_back(i);
  }
  // A node the failures cut off from the gateway still measures and sends; its readings
  // are counted apart, since no protocol could deliver them.
  const auto hops = hops_over_alive();
  const auto tag = [&](std::uint32_t station) -> std::uint64_t {
    return hops[station] == std::numeric_limits<std::uint32_t>::max() ? window | reading_cut_off : window;
  };
  // Every reading crosses the gateway's neighbourhood, which carries a few dozen frames a
  // second: above `max_readings_per_s` the readings come from a random sample of nodes,
  // so the phase measures delivery rather than a channel overloaded by the scenario.
  const std::uint64_t wanted = std::uint64_t{scenario_.phases.readings_per_node} * alive.size();
  const auto cap = static_cast<std::uint64_t>(scenario_.phases.max_readings_per_s * seconds);
  const std::uint64_t total = std::min(wanted, cap);
  if (total < wanted) {
    if (window != attack_window)  // the note speaks of the operate windows
      report_.readings_note = "sampled: " + std::to_string(total) + " readings per window (" +
                              std::to_string(scenario_.phases.max_readings_per_s) + " per second at most)";
    for (std::size_t k = 0; k + 1 < alive.size(); ++k)
      std::swap(alive[k], alive[k + rng_.below(alive.size() - k)]);
  }
  if (total == wanted) {
    for (const auto i : alive)
      for (std::uint32_t k = 0; k < scenario_.phases.readings_per_node; ++k)
        push(lane_of(i), now_ + rng_.below(span), EventKind::reading, i, tag(i));
    return;
  }
  for (std::uint64_t k = 0; k < total; ++k) {
    const std::uint32_t station = alive[k % alive.size()];
    push(lane_of(station), now_ + rng_.below(span), EventKind::reading, station, tag(station));
  }
}

Simulator::ReadingsCount Simulator::readings_count() const {
  ReadingsCount c;
  c.delivered = back_office_->readings_total();
  for (const auto& n : nodes_) {
    c.uplink_frames += n->mesh->sent_of(mesh::MessageType::uplink);
    c.uplinks_abandoned += n->mesh->uplinks_abandoned();
  }
  return c;
}

void Simulator::add_readings_window(std::size_t window, const ReadingsCount& before) {
  const ReadingsCount now = readings_count();
  auto& w = report_.readings[window];
  w.delivered += now.delivered - before.delivered;
  w.uplink_frames += now.uplink_frames - before.uplink_frames;
  w.uplinks_abandoned += now.uplinks_abandoned - before.uplinks_abandoned;
}

void Simulator::phase_operate(int window) {
  const ReadingsCount before = readings_count();
  schedule_readings(static_cast<std::size_t>(window), scenario_.phases.operate_s);
  const auto span = static_cast<std::uint64_t>(scenario_.phases.operate_s * 1e6);
  const std::string name = window == 0 ? "operate" : "operate after failures";
  for (std::uint64_t t = 0; t < span + 5 * second; t += second) {
    run_for(second);
    progress(name, static_cast<double>(t + second) / static_cast<double>(span + 5 * second));
  }
  add_readings_window(static_cast<std::size_t>(window), before);
}

void Simulator::phase_reboots() {
  const auto count = static_cast<std::uint32_t>(std::floor(scenario_.phases.reboot_fraction * (node_count() - 1)));
  std::vector<std::uint32_t> rebooted;
  for (std::uint32_t guard = 0; rebooted.size() < count && guard < 100 * (count + 1); ++guard) {
    const auto station = static_cast<std::uint32_t>(1 + rng_.below(node_count() - 1));
    if (!nodes_[station]->alive || std::find(rebooted.begin(), rebooted.end(), station) != rebooted.end()) continue;
    reboot_node(station);
    rebooted.push_back(station);
  }
  report_.rebooted_nodes = static_cast<std::uint32_t>(rebooted.size());
  if (rebooted.empty()) return;
  // A rebooted node sends nothing sealed in the slots it had reserved before the power went
  // (up to nv_reserve_slots seconds, docs/wire-format.md §9); meanwhile it takes time from
  // a neighbour's answer and a beacon round for its clock and a parent.
  const std::uint64_t silent_us = std::uint64_t{node_config_.net.nv_reserve_slots} * node_config_.net.slot_ms * 1000U;
  run_for(silent_us + static_cast<std::uint64_t>(2 * scenario_.mesh.beacon_period_s * 1e6));
  const ReadingsCount before = readings_count();
  schedule_readings(reboot_window, scenario_.phases.operate_s, rebooted);
  const auto span = static_cast<std::uint64_t>(scenario_.phases.operate_s * 1e6);
  for (std::uint64_t t = 0; t < span + 5 * second; t += second) {
    run_for(second);
    progress("operate after reboots", static_cast<double>(t + second) / static_cast<double>(span + 5 * second));
  }
  add_readings_window(reboot_window, before);
}

void Simulator::phase_failures() {
  const auto count = static_cast<std::uint32_t>(std::floor(scenario_.phases.fail_fraction * (node_count() - 1)));
  std::uint32_t failed = 0;
  for (std::uint32_t guard = 0; failed < count && guard < 100 * (count + 1); ++guard) {
    const auto station = static_cast<std::uint32_t>(1 + rng_.below(node_count() - 1));
    if (!nodes_[station]->alive) continue;
    fail_node(station);
    ++failed;
  }
  report_.failed_nodes = failed;
  // M10: let the gradient re-form around the holes (neighbours age out after two rounds).
  const auto heal = static_cast<std::uint64_t>(2.5 * scenario_.mesh.beacon_period_s * 1e6);
  run_for(heal);
  progress("self-healing", 1);
}

std::uint64_t Simulator::per_node_frames() const {
  std::uint64_t f = 0;
  for (const auto& node : nodes_)
    f += node->mesh->sent_of(mesh::MessageType::routed) + node->mesh->sent_of(mesh::MessageType::downlink) +
         node->mesh->sent_of(mesh::MessageType::uplink) + node->mesh->sent_of(mesh::MessageType::ack);
  return f;
}

void Simulator::survey_links(mesh::WavePlanInput& input) {
  auto& r = report_.rollout;
  const std::uint32_t n = node_count();
  input.links.assign(n, {});
  input.alive.assign(n, false);
  if (scenario_.mesh.wave_links == "model" || n > per_node_limit) {
    for (std::uint32_t i = 0; i < n; ++i) {
      input.alive[i] = nodes_[i]->alive;
      for (const auto& l : topology_.links(i))
        if (l.peer < n) input.links[i].push_back({l.peer, l.loss});
    }
    r.survey_note = scenario_.mesh.wave_links == "model"
                        ? "the radio model's link table, handed over (mesh.wave_links = \"model\")"
                        : "the radio model's link table, handed over above " + std::to_string(per_node_limit) +
                              " nodes (per-node messages through one gateway)";
    return;
  }
  // One flood asks every node to probe and then report; the reports are sealed records,
  // spread like the readings at the gateway (20 a second). 48 probes per direction keep
  // a link's estimate within about ±0.06 of its loss (one standard error at 10 %).
  constexpr std::uint8_t rounds = 48;
  constexpr std::uint32_t max_slots = 1024;  // above: nodes 1024 ids apart share a slot
  // The survey's flood reaches the mesh first (a deep mesh takes longer).
  const std::uint64_t lead_us = 3 * second + std::uint64_t{n} * 1000U;
  auto probes = [&] {
    std::uint64_t f = 0;
    for (const auto& node : nodes_) f += node->mesh->sent_of(mesh::MessageType::probe);
    return f;
  };
  const std::uint64_t start = now_;
  const std::uint64_t frames_before = per_node_frames() + probes();
  back_office_->forget_link_reports();
  const auto spread_s = static_cast<std::uint8_t>(std::clamp<std::uint32_t>(n / 20, 5, 255));
  auto& gateway = *nodes_[0]->mesh;
  mesh::LinkSurvey flood;
  if (!gateway.gateway_plan_survey(++surveys_, lead_us, rounds, static_cast<std::uint16_t>(std::min(n, max_slots)),
                                   spread_s, flood))
    throw std::runtime_error("link survey: the gateway could not plan it");
  sign_as_back_office(flood);
  if (!gateway.gateway_start_survey(flood)) throw std::runtime_error("link survey: the gateway could not start it");
  const std::uint64_t limit = lead_us + rounds * gateway.survey().round_us() + (std::uint64_t{spread_s} + 30) * second;
  std::uint32_t targets = 0;
  for (std::uint32_t i = 1; i < n; ++i) targets += nodes_[i]->alive ? 1U : 0U;
  std::uint32_t reports = 0;
  std::uint64_t last_report = start;
  while (now_ - start < limit && reports < targets) {
    run_for(second / 2);
    const std::uint32_t now_reported = back_office_->link_reports_received();
    if (now_reported > reports) last_report = now_;
    reports = now_reported;
    progress("survey", static_cast<double>(now_ - start) / static_cast<double>(limit));
  }
  // Reports lost on the way are asked for again, node by node, routed like commissioning
  // and re-sent until answered (or the per-node time limit).
  if (reports < targets) {
    const std::uint16_t survey = gateway.survey().survey;
    (void)send_per_node(
        "survey", per_node_time_us(), 0,
        [&](node::NodeId id) {
          const auto& report = back_office_->link_report(id);
          return report.has_value() && report->whole();
        },
        [&](const std::vector<node::NodeId>& ids) { return back_office_->link_report_request_bodies(ids, survey); });
    reports = back_office_->link_reports_received();
    last_report = now_;
  }
  r.survey_targets = targets;
  r.survey_reports = reports;
  r.survey_seconds = static_cast<double>(last_report - start) / 1e6;
  r.survey_frames = per_node_frames() + probes() - frames_before;
  plan_input_from_reports(input);
}

void Simulator::plan_input_from_reports(mesh::WavePlanInput& input) {
  auto& r = report_.rollout;
  const std::uint32_t n = node_count();
  // Each pair's delivery from every probe either end heard of the other (the radio is
  // symmetric; both directions together are the better estimate). The gateway answers no
  // survey: its links are what its neighbours heard of it.
  std::map<std::pair<std::uint32_t, std::uint32_t>, std::pair<std::uint32_t, std::uint32_t>> pairs;  // heard, sent
  for (std::uint32_t i = 1; i < n; ++i) {
    const auto& report = back_office_->link_report(static_cast<node::NodeId>(i + 1));
    if (!report || report->rounds == 0) continue;
    input.alive[i] = true;
    for (const auto& l : report->entries()) {
      const std::uint32_t j = l.neighbour - 1U;
      if (j >= n || j == i) continue;
      auto& p = pairs[{std::min(i, j), std::max(i, j)}];
      p.first += l.heard;
      p.second += report->rounds;
    }
  }
  // A node whose report was lost still sent its probes: the neighbours that heard them
  // vouch for it, and its links are what they heard of it.
  input.alive[0] = true;
  for (const auto& [pair, counts] : pairs)
    if (counts.first > 0) input.alive[pair.first] = input.alive[pair.second] = true;
  double error = 0;
  std::uint32_t misjudged = 0;
  const double good = scenario_.mesh.wave_good_link_loss;
  r.survey_estimates.clear();
  r.survey_good_link_loss = good;
  for (const auto& [pair, counts] : pairs) {
    const auto [i, j] = pair;
    // Levels, relays and upstreams follow the estimate itself; parity follows the Wilson
    // bound one standard error above it, so that a link that merely looked good in its
    // probes does not leave its listener short of parity.
    const double loss = 1.0 - static_cast<double>(counts.first) / counts.second;
    const auto parity_loss = static_cast<float>(wilson_upper_bound(loss, counts.second, 1.0));
    input.links[i].push_back({j, static_cast<float>(loss), parity_loss});
    input.links[j].push_back({i, static_cast<float>(loss), parity_loss});
    // How the survey did against the radio model (the simulator knows what nodes cannot).
    for (const auto& l : topology_.links(i)) {
      if (l.peer != j) continue;
      error += loss - l.loss;
      misjudged += (loss <= good) != (l.loss <= good) ? 1U : 0U;
      r.survey_estimates.emplace_back(l.loss, loss);
    }
  }
  // A node that missed the survey answered the request with the neighbours it hears and
  // no counts: its links count as just good, with parity for a lossy one, and only where
  // no counts say more.
  constexpr float unmeasured_parity_loss = 0.25F;
  for (std::uint32_t i = 1; i < n; ++i) {
    const auto& report = back_office_->link_report(static_cast<node::NodeId>(i + 1));
    if (!report || report->rounds != 0 || report->links.empty()) continue;
    input.alive[i] = true;
    for (const auto& l : report->entries()) {
      const std::uint32_t j = l.neighbour - 1U;
      if (j >= n || j == i || !input.alive[j] || pairs.count({std::min(i, j), std::max(i, j)}) != 0) continue;
      input.links[i].push_back({j, static_cast<float>(good), unmeasured_parity_loss});
      input.links[j].push_back({i, static_cast<float>(good), unmeasured_parity_loss});
    }
  }
  r.survey_links = static_cast<std::uint32_t>(pairs.size());
  r.survey_mean_error = pairs.empty() ? 0 : error / static_cast<double>(pairs.size());
  r.survey_misjudged = misjudged;
}

void Simulator::plan_wave() {
  // The gateway's planner works from the link table the nodes report when surveyed: who
  // hears whom and how lossy the link is.
  auto& r = report_.rollout;
  const std::uint32_t n = node_count();
  mesh::WavePlanInput input;
  survey_links(input);
  input.channels = mesh::wave_channel_count;
  input.good_link_loss = static_cast<float>(scenario_.mesh.wave_good_link_loss);
  const mesh::WavePlan plan = mesh::plan_wave(input);
  const std::size_t k_chunk = mesh::wave_data_fragments(release_.packets.empty() ? 0 : release_.packets[0].size());
  // A relay sends the parity its lossiest listener needs. Towards a listening relay the
  // chance of losing an item must stay small over every item and every level below (the
  // relay's whole subtree would miss it): 5 % over a whole path. Towards a leaf, which
  // only fetches a lost item again, 10 % over all items. The period has room for what the
  // scenario says, or for one more than the median relay needs.
  constexpr std::size_t max_room = 16;
  const double items = static_cast<double>(release_.packets.size() + 1);
  const double relay_target = 0.05 / (items * std::max<double>(1, plan.max_level));
  const double leaf_target = 0.10 / items;
  std::vector<std::size_t> need(n, 0);
  std::vector<std::size_t> relay_needs;
  for (std::uint32_t i = 0; i < n; ++i) {
    const auto& role = plan.roles[i];
    need[i] = std::max(mesh::wave_parity_for(k_chunk, role.worst_relay_listener_loss, max_room, relay_target),
                       mesh::wave_parity_for(k_chunk, role.worst_leaf_listener_loss, max_room, leaf_target));
    if (role.relay) relay_needs.push_back(need[i]);
  }
  const std::size_t room =
      scenario_.mesh.wave_parity == 0 ? mesh::wave_parity_room(relay_needs, max_room) : scenario_.mesh.wave_parity;
  std::vector<mesh::WaveAssignment> parts(n + 1);  // index = node id
  for (std::uint32_t i = 0; i < n; ++i) {
    const auto& role = plan.roles[i];
    mesh::WaveAssignment& a = parts[i + 1];
    a.blob_id = release_.header.blob_id;
    a.in_plan = role.in_plan;
    a.level = role.level;
    a.relay = role.relay;
    a.tx_channel = role.tx_channel == mesh::wave_no_channel ? 0 : role.tx_channel;
    a.rx_channel = role.rx_channel == mesh::wave_no_channel ? 0 : role.rx_channel;
    a.upstream = role.upstream == mesh::wave_no_upstream ? node::no_node : static_cast<node::NodeId>(role.upstream + 1);
    a.parity = static_cast<std::uint8_t>(std::min(need[i], room));
    if (std::getenv("MESHSEC_PLAN_DEBUG") != nullptr && role.relay)
      std::fprintf(stderr, "relay %u level %u parity %u (needs %zu) relay_loss %.3f leaf_loss %.3f\n", i + 1, role.level,
                   a.parity, need[i], static_cast<double>(role.worst_relay_listener_loss),
                   static_cast<double>(role.worst_leaf_listener_loss));
  }
  distribute_wave_parts(parts);
  r.wave = true;
  r.wave_relays = plan.relays;
  r.wave_levels = plan.max_level;
  r.wave_channels = plan.channels_used;
  r.wave_conflicted = plan.conflicted_receivers;
  r.wave_unplanned = plan.unreachable;
  wave_room_ = static_cast<std::uint8_t>(room);
  wave_max_level_ = plan.max_level;
}

std::uint64_t Simulator::announce_wave() {
  auto& r = report_.rollout;
  auto& gateway = *nodes_[0]->mesh;
  const auto lead = static_cast<std::uint64_t>(scenario_.mesh.wave_lead_ms * 1000);
  const std::uint64_t global_start = gateway.global_us();
  // The gateway plans the announcement; the back office signs it with the blob signing
  // key, whose public half every node holds.
  mesh::WaveAnnouncement announcement;
  if (!gateway.gateway_plan_wave(lead, wave_room_, announcement)) throw std::runtime_error("the gateway could not plan the wave");
  sign_as_back_office(announcement);
  if (!gateway.gateway_start_wave(announcement)) throw std::runtime_error("the gateway could not start the wave");
  retune(0);
  const auto& w = gateway.wave();
  r.wave_items = w.announcement().items;
  r.wave_per_period = w.announcement().per_period;
  r.wave_period_ms = static_cast<double>(w.period_us()) / 1000.0;
  // The deepest listener's last period ends the wave.
  const std::uint64_t end_global = w.announcement().t0_us + (2ULL * (w.announcement().items - 1U) + wave_max_level_) * w.period_us();
  r.wave_seconds = static_cast<double>(end_global - global_start) / 1e6;
  return now_ + (end_global - global_start);
}

void Simulator::distribute_wave_parts(const std::vector<mesh::WaveAssignment>& parts) {
  auto& r = report_.rollout;
  nodes_[0]->mesh->set_wave_assignment(parts[1]);  // the gateway is the planner's own node
  if (node_count() > per_node_limit) {
    for (std::uint32_t i = 1; i < node_count(); ++i) nodes_[i]->mesh->set_wave_assignment(parts[i + 1]);
    r.wave_parts_note = "handed to the nodes above " + std::to_string(per_node_limit) +
                        " nodes (per-node messages through one gateway), not sent over the air";
    return;
  }
  // Each node's part is a sealed record from the back office, routed like commissioning,
  // acknowledged by the node; a node whose part does not arrive stays out of this wave and
  // fetches the image by repair.
  back_office_->set_wave_parts(parts);
  const std::uint64_t start = now_;
  const std::uint64_t frames_before = per_node_frames();
  std::uint32_t targets = 0;
  for (std::uint32_t i = 1; i < node_count(); ++i)
    if (nodes_[i]->alive && !back_office_->wave_part_acked(static_cast<node::NodeId>(i + 1))) ++targets;
  r.wave_parts_targets = targets;
  r.wave_parts_acked = send_per_node(
      "plan", per_node_time_us(), 0, [&](node::NodeId id) { return back_office_->wave_part_acked(id); },
      [&](const std::vector<node::NodeId>& ids) { return back_office_->wave_part_bodies(ids); });
  r.wave_parts_seconds = static_cast<double>(now_ - start) / 1e6;
  r.wave_parts_frames = per_node_frames() - frames_before;
}

Simulator::RolloutCounters Simulator::rollout_counters() const {
  RolloutCounters c;
  for (const auto& n : nodes_) {
    const auto& s = n->mesh->dissemination().sent();
    const auto& w = n->mesh->wave().counters();
    c.data += s.data_frames + w.data_frames + w.parity_frames;
    // The wave's announcement travels as downlinks (the only ones during the rollout).
    c.control += s.header_frames + s.requests + s.adverts + w.header_frames + n->mesh->sent_of(mesh::MessageType::downlink);
    c.push += s.push_chunks;
    c.repair += s.repair_chunks;
    c.rejected += n->mesh->dissemination().chunks_rejected();
  }
  return c;
}

void Simulator::begin_rollout() {
  auto& r = report_.rollout;
  r.ran = true;
  release_ = build_release(scenario_.firmware, *keys_, scenario_.seed);
  if (const auto error = gateway_accept(release_, *keys_); !error.empty())
    throw std::runtime_error("gateway refused the release: " + error);
  // The wave's parts go out before the gateway's node takes the blob: holding it, the node
  // would advertise it, and the mesh would start fetching it before the wave.
  if (scenario_.mesh.wave) plan_wave();
  auto& gateway = *nodes_[0]->mesh;
  if (gateway.gateway_offer_header(release_.signed_header) != mesh::HeaderOutcome::accepted)
    throw std::runtime_error("gateway verifier refused the header");
  for (const auto& p : release_.packets)
    if (gateway.gateway_offer_chunk(p) != mesh::ChunkOutcome::stored)
      throw std::runtime_error("gateway verifier refused a chunk");
  // Dissemination frames are counted from here.
  rollout_baseline_ = rollout_counters();
  wave_end_us_ = scenario_.mesh.wave ? announce_wave() : 0;
  rollout_active_ = true;
  rollout_start_us_ = now_;
  for (auto& l : lanes_) l->activated = 0;
  r.nodes_targeted = reachable_alive_count();
  report_.coverage_curve.push_back({0.0, 0.0});
}

bool Simulator::rollout_done() const { return activated_count() >= report_.rollout.nodes_targeted; }

void Simulator::phase_rollout() {
  progress("rollout", 0);
  begin_rollout();
  const std::uint32_t targets = report_.rollout.nodes_targeted;
  const auto limit = static_cast<std::uint64_t>(scenario_.phases.rollout_timeout_s * 1e6);
  while (now_ - rollout_start_us_ < limit && !rollout_done()) {
    run_for(250'000);
    if (std::getenv("MESHSEC_SIM_TRACE") != nullptr)
      std::fprintf(stderr, "t=%.2f activated %u\n", static_cast<double>(now_ - rollout_start_us_) / 1e6, activated_count());
    const double coverage = targets == 0 ? 1.0 : static_cast<double>(activated_count()) / targets;
    report_.coverage_curve.push_back({static_cast<double>(now_ - rollout_start_us_) / 1e6, coverage});
    progress("rollout", coverage);
  }
  finish_rollout();
  progress("rollout", 1);
}

void Simulator::finish_rollout() {
  auto& r = report_.rollout;
  const std::uint32_t targets = r.nodes_targeted;
  // Diagnostics: which nodes did not finish, and where they stood.
  if (std::getenv("MESHSEC_SIM_DEBUG") != nullptr) {
    for (std::uint32_t i = 1; i < node_count(); ++i) {
      auto& n = *nodes_[i];
      if (!n.alive || n.activated_at_us != 0) continue;
      const auto& d = n.mesh->dissemination();
      std::fprintf(stderr, "stuck node %u: header %d present %u/%u hops %u parent %u backbone %d synced %d\n", i + 1,
                   d.has_header() ? 1 : 0, d.present(), d.chunk_count(), n.mesh->hops(), n.mesh->parent(),
                   n.mesh->backbone() ? 1 : 0, n.mesh->fine_synced() ? 1 : 0);
    }
  }
  std::uint64_t latest = rollout_start_us_;
  for (const auto& n : nodes_) latest = std::max(latest, n->activated_at_us);
  r.seconds = static_cast<double>((activated_count() < targets ? now_ : latest) - rollout_start_us_) / 1e6;
  r.nodes_activated = activated_count();
  r.coverage = targets == 0 ? 1.0 : static_cast<double>(activated_count()) / targets;
  const RolloutCounters end = rollout_counters();
  const RolloutCounters& start = rollout_baseline_;
  r.data_frames = end.data - start.data;
  r.control_frames = end.control - start.control;
  r.transmissions = r.data_frames + r.control_frames;
  r.control_share = r.transmissions == 0 ? 0 : static_cast<double>(r.control_frames) / static_cast<double>(r.transmissions);
  r.push_chunks = end.push - start.push;
  r.repair_chunks = end.repair - start.repair;
  r.chunks_rejected = end.rejected - start.rejected;
  if (r.wave) {
    for (const auto& n : nodes_) {
      const auto& w = n->mesh->wave().counters();
      r.wave_data_frames += w.data_frames;
      r.wave_parity_frames += w.parity_frames;
      r.wave_header_frames += w.header_frames;
      r.wave_items_rebuilt += w.items_rebuilt;
      r.wave_items_rejected += w.items_rejected;
      if (n->activated_at_us != 0 && n->activated_at_us <= wave_end_us_) ++r.nodes_complete_after_wave;
      const auto& engine = n->mesh->wave();
      const auto& part = engine.assignment();
      // In the plan for this blob, and not following its wave: no copy of the
      // announcement reached the node (its own announcement() is then still empty).
      if (n->alive && part.in_plan && part.blob_id == release_.header.blob_id &&
          !(engine.following() && engine.announcement().blob_id == part.blob_id))
        ++r.wave_missed_announcement;
    }
  }
  // Bounds over the surviving topology.
  const auto alive = alive_stations();
  const std::uint64_t frame_airtime = airtime_us(mesh::max_frame_size - 10);  // a full data frame: 118 bytes
  const auto bound = dissemination_bound(topology_, alive, release_.data_frames, frame_airtime);
  r.frames_f = bound.frames;
  r.frames_f_raw = (release_.image.size() + mesh::fragment_data_size - 1) / mesh::fragment_data_size;
  r.cds_size = bound.cds_size;
  r.eccentricity = bound.eccentricity;
  r.frame_airtime_ms = static_cast<double>(frame_airtime) / 1000.0;
  r.lower_bound = bound.transmissions;
  r.time_bound_s = bound.seconds;
  r.transmissions_ratio = bound.transmissions == 0 ? 0 : static_cast<double>(r.transmissions) / static_cast<double>(bound.transmissions);
  r.time_ratio = bound.seconds <= 0 ? 0 : r.seconds / bound.seconds;
  const double channel_bytes_per_s = scenario_.radio.bitrate_bps / 8.0;
  r.channel_rate_fraction = r.seconds <= 0 ? 0 : static_cast<double>(release_.image.size()) / (r.seconds * channel_bytes_per_s);
  rollout_active_ = false;
}

}  // namespace meshsec::sim
