#include "sim/simulator.hpp"

#include "sim/attacker.hpp"

#include <algorithm>
#include <limits>
#include <stdexcept>

namespace meshsec::sim {
namespace {

constexpr std::uint8_t sim_channel = 11;
constexpr std::uint16_t sim_domain = 0x123;

}  // namespace

std::string attack_name(AttackKind kind) {
  switch (kind) {
    case AttackKind::none: return "none";
    case AttackKind::eavesdropper: return "eavesdropper";
    case AttackKind::replayer: return "replayer";
    case AttackKind::forger: return "forger";
    case AttackKind::bit_flipper: return "bit_flipper";
    case AttackKind::stolen_node_before_revocation: return "stolen_node_before_revocation";
    case AttackKind::stolen_node_after_revocation: return "stolen_node_after_revocation";
    case AttackKind::rogue_blob_injector: return "rogue_blob_injector";
    case AttackKind::jammer: return "jammer";
    case AttackKind::count_: break;
  }
  return "unknown";
}

thread_local Simulator::Lane* Simulator::current_lane_ = nullptr;

Simulator::Simulator(const Scenario& scenario) : scenario_(scenario), rng_(scenario.seed) {
  validate(scenario_);
  lanes_.push_back(std::make_unique<Lane>(0, rng_.fork(0x3ED1)));
}

Simulator::~Simulator() = default;

void Simulator::progress(const std::string& phase, double fraction) {
  if (progress_) progress_(phase, fraction);
}

std::uint64_t Simulator::airtime_us(std::size_t bytes) const noexcept {
  return (static_cast<std::uint64_t>(bytes + 6) * 8U * 1'000'000U) / scenario_.radio.bitrate_bps;
}

void Simulator::manufacture() {
  SimRng topo_rng = rng_.fork(0x7090);
  topology_ = Topology::generate(scenario_.topology, topo_rng);
  keys_ = std::make_unique<KeyProvisioning>();
  const std::uint32_t n = topology_.node_count();
  if (n >= 0x7FFF) throw std::runtime_error("at most 32766 nodes");
  const std::uint16_t net_id = static_cast<std::uint16_t>((sim_channel << 12) | sim_domain);
  back_office_ = std::make_unique<BackOffice>(*keys_, n, net_id);

  mesh::MeshConfig base;
  base.net.channel = sim_channel;
  base.net.domain = sim_domain;
  base.bitrate_bps = scenario_.radio.bitrate_bps;
  base.turnaround_us = turnaround_us;
  base.backoff_slots = static_cast<std::uint16_t>(scenario_.mesh.backoff_slots);
  base.beacon_period_us = static_cast<std::uint64_t>(scenario_.mesh.beacon_period_s * 1e6);
  base.network_age_rounds = network_age_rounds();
  base.join_spread_us = static_cast<std::uint64_t>(join_spread_s() * 1e6);
  base.join = n <= per_node_limit;
  base.push_interval_us = static_cast<std::uint64_t>(scenario_.mesh.push_interval_ms * 1e3);
  base.repair_idle_us = static_cast<std::uint64_t>(scenario_.mesh.repair_idle_ms * 1e3);
  base.blob_policy.customer_id = sim_customer_number;
  base.blob_policy.installed.version = {1, 0, 0, 0};
  base.blob_policy.installed.security_counter = 1;

  // The beacon chain (docs/wire-format.md §6.5), fixed for the network as the factory fixes
  // it: the gateway's seed derived with its keys, the anchor computed once and given to
  // every node with its keys. It covers the longest run the scenario can take: each phase
  // within its time limit, with room to spare.
  {
    const auto& p = scenario_.phases;
    const double longest_s = 3600 + 3 * p.boot_s + 4 * (static_cast<double>(per_node_time_us()) / 1e6 + p.commission_timeout_s) +
                             3 * p.operate_s + p.rollout_timeout_s + 2 * p.attack_s + 1200;
    keys_->fix_beacon_chain(network_age_rounds() + static_cast<std::uint32_t>(longest_s / scenario_.mesh.beacon_period_s) + 1);
  }

  node_config_ = base;  // what a node reboots with (reboot_node())
  node_config_.role = mesh::Role::node;

  SimRng node_rng = rng_.fork(0x40DE);
  nodes_.reserve(n);
  radio_.assign(n, RadioState{});
  duty_.assign(n, DutyState{});
  keys::NodeKeySet set;
  for (std::uint32_t i = 0; i < n; ++i) {
    const double ppm = (node_rng.uniform() * 2 - 1) * scenario_.radio.clock_drift_ppm;
    const auto drift_ppb = static_cast<std::int64_t>(ppm * 1000);
    const std::uint64_t boot_offset = node_rng.below(1'000'000'000ULL);
    auto sim_node = std::make_unique<SimNode>(*this, i, drift_ppb, boot_offset, node_rng.next(), flash_);
    mesh::MeshConfig config = base;
    config.role = i == 0 ? mesh::Role::gateway : mesh::Role::node;
    const auto id = static_cast<node::NodeId>(i + 1);
    sim_node->mesh = std::make_unique<mesh::MeshNode>(id, config, *sim_node, sim_node->store, sim_node->nv, sim_node->nv);
    keys_->node_keys(id, 1, i == 0, set);
    if (!sim_node->mesh->personalise(set)) throw std::runtime_error("personalisation failed for node " + std::to_string(id));
    nodes_.push_back(std::move(sim_node));
  }
  set.wipe();
  // A fork no stream uses: it advances the run's generator by one draw, so that everything
  // drawn from it later (readings, failed nodes, attacks) is what the runs docs/simulator.md
  // reports were measured with.
  (void)rng_.fork(0xBEAC);
  nodes_[0]->mesh->set_uplink_sink(back_office_.get());
  report_.scenario = scenario_.name;
  report_.seed = scenario_.seed;
  report_.nodes = n;
  report_.topology = Topology::kind_name(scenario_.topology.kind);
  double degree = 0;
  for (std::uint32_t i = 0; i < n; ++i) degree += static_cast<double>(topology_.links(i).size());
  report_.mean_degree = degree / n;
  assign_lanes();
}

std::uint32_t Simulator::network_age_rounds() const noexcept {
  return static_cast<std::uint32_t>(scenario_.mesh.network_age_days * 86'400 / scenario_.mesh.beacon_period_s);
}

std::uint64_t Simulator::frames_sent() const noexcept {
  std::uint64_t sum = 0;
  for (const auto& l : lanes_) sum += l->frames_sent;
  return sum;
}

std::uint64_t Simulator::sum_over_nodes(const std::function<std::uint64_t(const mesh::MeshNode&)>& count) const {
  std::uint64_t n = 0;
  for (const auto& node : nodes_) n += count(*node->mesh);
  return n;
}

std::uint64_t Simulator::unchecked_floods_not_carried() const noexcept {
  return sum_over_nodes([](const mesh::MeshNode& m) { return m.floods_not_carried(); });
}

std::uint64_t Simulator::unchecked_floods_held_released() const noexcept {
  return sum_over_nodes([](const mesh::MeshNode& m) { return m.floods_held_released(); });
}

std::uint64_t Simulator::node_events() const noexcept {
  std::uint64_t sum = 0;
  for (const auto& l : lanes_) sum += l->node_events;
  return sum;
}

void Simulator::boot() {
  for (std::uint32_t i = 0; i < nodes_.size(); ++i) {
    ++lane_of(i).node_events;
    nodes_[i]->mesh->start();
  }
}

void Simulator::push(Lane& lane, std::uint64_t time, EventKind kind, std::uint32_t a, std::uint64_t b) {
  lane.queue.push(Event{time, lane.seq++, kind, a, b});
}

void Simulator::schedule_wake(std::uint32_t station, std::uint64_t at_us) {
  auto& n = *nodes_[station];
  const std::uint64_t at = std::max(at_us, now());
  n.wake_requested = at;
  if (n.wake_queued <= at) return;  // fires first, then re-arms for `at`
  ++n.wake_generation;
  n.wake_queued = at;
  push(lane_of(station), at, EventKind::wake, station, n.wake_generation);
}

void Simulator::schedule_action(std::uint64_t at_us, std::function<void()> action) {
  actions_.push_back(std::move(action));
  const std::uint64_t at = std::max(at_us, now());
  if (lanes_.size() == 1) push(*lanes_[0], at, EventKind::action, 0, actions_.size() - 1);
  else action_queue_.push(Event{at, action_seq_++, EventKind::action, 0, actions_.size() - 1});
}

void Simulator::run_until(const std::function<bool()>& done, std::uint64_t limit_us, std::uint64_t check_every_us) {
  const std::uint64_t end = now_ + limit_us;
  while (now_ < end && !done()) run_for(std::min(check_every_us, end - now_));
}

void Simulator::dispatch(Lane& lane, const Event& e) {
  switch (e.kind) {
    case EventKind::wake: {
      auto& n = *nodes_[e.a];
      if (!n.alive || e.b != n.wake_generation) return;
      n.wake_queued = UINT64_MAX;
      if (n.wake_requested > lane.now) {
        // Woken before the time asked for last: wait on.
        if (n.wake_requested != UINT64_MAX) {
          n.wake_queued = n.wake_requested;
          push(lane, n.wake_requested, EventKind::wake, e.a, n.wake_generation);
        }
        return;
      }
      n.wake_requested = UINT64_MAX;
      ++n.wakes;
      ++lane.node_events;
      n.mesh->on_wake();
      retune_ahead(e.a);
      record_activation(lane, e.a);
      return;
    }
    case EventKind::tx_start: on_tx_start(lane, e.a); return;
    case EventKind::tx_end: on_tx_end(lane, e.a); return;
    case EventKind::reading: {
      auto& n = *nodes_[e.a];
      if (!n.alive) return;
      ++lane.node_events;
      // b = window, plus reading_cut_off for a node no path joins to the gateway.
      const bool cut_off = (e.b & reading_cut_off) != 0;
      const std::uint64_t window = e.b & ~reading_cut_off;
      if (window < readings_windows) ++(cut_off ? lane.readings_cut_off : lane.readings_sent)[window];
      // Reading numbers stay unique across lanes: lane i of k numbers k·c − i.
      const auto seq = static_cast<std::uint32_t>(++lane.readings_made * lanes_.size() - lane.index);
      (void)n.mesh->send_reading(BackOffice::reading_plaintext(static_cast<node::NodeId>(e.a + 1), seq));
      return;
    }
    case EventKind::action: {
      auto action = std::move(actions_[e.b]);
      if (action) action();
      return;
    }
  }
}

void Simulator::record_activation(Lane& lane, std::uint32_t station) {
  auto& n = *nodes_[station];
  if (n.activated_at_us == 0 && rollout_active_ && station != 0 && n.mesh->dissemination().activated() &&
      n.mesh->dissemination().header() != nullptr &&
      n.mesh->dissemination().header()->blob_id == release_.header.blob_id) {
    n.activated_at_us = lane.now;
    ++lane.activated;
  }
}

void Simulator::fail_node(std::uint32_t station) {
  if (station == 0 || station >= nodes_.size()) return;
  auto& n = *nodes_[station];
  n.alive = false;
  ++n.wake_generation;
  n.wake_queued = n.wake_requested = UINT64_MAX;
  // Its radio goes silent: any reception in progress ends.
  radio_[station].lock = -1;
  radio_[station].alive = false;
}

void Simulator::wake_node(std::uint32_t station) {
  if (station == 0 || station >= nodes_.size() || nodes_[station]->alive) return;
  nodes_[station]->alive = true;
  auto& r = radio_[station];
  r.alive = true;
  r.lock = r.left = -1;
  r.busy = r.on_air = r.corrupt = r.deafened = r.jammed = false;
  retune(station);
  schedule_wake(station, now());
}

void Simulator::reboot_node(std::uint32_t station) {
  if (station == 0 || station >= nodes_.size()) return;
  auto& n = *nodes_[station];
  const auto id = static_cast<node::NodeId>(station + 1);
  keys::NodeKeySet set;
  keys_->node_keys(id, 1, false, set);
  n.mesh = std::make_unique<mesh::MeshNode>(id, node_config_, n, n.store, n.nv, n.nv);
  const bool resumed = n.mesh->resume(set, n.nv.state(), n.nv.records());
  set.wipe();
  if (!resumed) throw std::runtime_error("node " + std::to_string(id) + " did not resume after a reboot");
  if (station == 0) n.mesh->set_uplink_sink(back_office_.get());
  n.alive = false;  // wake_node() brings the radio back as from sleep
  wake_node(station);
  n.mesh->start();
}

std::uint32_t Simulator::activated_count() const {
  std::uint32_t sum = 0;
  for (const auto& l : lanes_) sum += l->activated;
  return sum;
}

std::vector<bool> Simulator::alive_stations() const {
  std::vector<bool> alive(nodes_.size());
  for (std::size_t i = 0; i < nodes_.size(); ++i) alive[i] = nodes_[i]->alive;
  return alive;
}

std::vector<std::uint32_t> Simulator::hops_over_alive() const {
  const auto alive = alive_stations();
  return topology_.hop_distances(&alive);
}

std::uint32_t Simulator::reachable_alive_count() const {
  const auto hops = hops_over_alive();
  std::uint32_t count = 0;
  for (std::size_t i = 1; i < hops.size(); ++i)
    if (nodes_[i]->alive && hops[i] != std::numeric_limits<std::uint32_t>::max()) ++count;
  return count;
}

bool Simulator::network_ready() const {
  std::uint32_t alive = 0, ready = 0;
  for (std::size_t i = 1; i < nodes_.size(); ++i) {
    if (!nodes_[i]->alive) continue;
    ++alive;
    const auto& m = *nodes_[i]->mesh;
    if (m.fine_synced() && m.parent() != node::no_node) ++ready;
  }
  return ready * 100 >= alive * 99;
}

void Simulator::sample_sync() {
  // M5: every synchronised node's global time against the gateway's, at this instant.
  const auto reference = static_cast<double>(nodes_[0]->mesh->global_us());
  std::uint32_t synced = 0, alive = 0;
  for (std::size_t i = 1; i < nodes_.size(); ++i) {
    if (!nodes_[i]->alive) continue;
    ++alive;
    if (!nodes_[i]->mesh->fine_synced()) continue;
    ++synced;
    const double err = std::fabs(static_cast<double>(nodes_[i]->mesh->global_us()) - reference);
    sync_error_max_ = std::max(sync_error_max_, err);
    sync_error_sum_ += err;
    ++sync_error_samples_;
  }
  report_.beacon_times_refused = sum_over_nodes([](const mesh::MeshNode& m) { return m.beacon_times_refused(); });
  report_.beacon_frames = sum_over_nodes([](const mesh::MeshNode& m) { return m.sent_of(mesh::MessageType::beacon); });
  report_.beacon_repeats = sum_over_nodes([](const mesh::MeshNode& m) { return m.beacon_repeats(); });
  report_.flood_windows_opened = nodes_[0]->mesh->windows_opened();
  report_.unchecked_floods_not_carried = unchecked_floods_not_carried();
  report_.unchecked_floods_held_released = unchecked_floods_held_released();
  report_.network_age_days = scenario_.mesh.network_age_days;
  report_.chain_reanchored = sum_over_nodes([](const mesh::MeshNode& m) { return m.chain_reanchored(); });
  report_.chain_requests = sum_over_nodes([](const mesh::MeshNode& m) { return m.chain_catch_up().requests(); });
  report_.chain_answers = sum_over_nodes([](const mesh::MeshNode& m) { return m.chain_catch_up().answers(); });
  report_.synced_fraction = alive == 0 ? 0 : static_cast<double>(synced) / alive;
  report_.sync_error_max_us = sync_error_max_;
  report_.sync_error_mean_us = sync_error_samples_ == 0 ? 0 : sync_error_sum_ / static_cast<double>(sync_error_samples_);
}

}  // namespace meshsec::sim
