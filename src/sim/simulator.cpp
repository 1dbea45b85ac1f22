#include "sim/simulator.hpp"

#include "sim/attacker.hpp"

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <chrono>
#include <cmath>
#include <limits>
#include <numbers>
#include <stdexcept>

#include "crypto/secure_memory.hpp"
#include "net/drop_reason.hpp"
#include "wire/net_frame.hpp"

namespace meshsec::sim {
namespace {

constexpr std::uint32_t turnaround_us = 192;
// A frame starts a turnaround after the node decided to send it: nothing one lane does
// reaches another lane sooner, so lanes can run this long without meeting.
constexpr std::uint64_t lane_window_us = turnaround_us;
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

namespace {

// Marks the lane a thread runs for as long as it runs it.
template <class Lane>
class RunningLane {
 public:
  RunningLane(Lane*& slot, Lane& lane) noexcept : slot_(slot), saved_(slot) { slot_ = &lane; }
  ~RunningLane() { slot_ = saved_; }
  RunningLane(const RunningLane&) = delete;
  RunningLane& operator=(const RunningLane&) = delete;

 private:
  Lane*& slot_;
  Lane* saved_;
};

}  // namespace

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
    keys_->fix_beacon_chain(static_cast<std::uint32_t>(longest_s / scenario_.mesh.beacon_period_s) + 1);
  }

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
    sim_node->mesh = std::make_unique<mesh::MeshNode>(id, config, *sim_node, sim_node->store, sim_node->nv);
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

void Simulator::assign_lanes() {
  const std::uint32_t n = topology_.node_count();
  const std::uint32_t lanes = scenario_.lanes != 0 ? scenario_.lanes : (n > per_node_limit ? 2U : 1U);
  while (lanes_.size() < lanes)
    lanes_.push_back(std::make_unique<Lane>(static_cast<std::uint8_t>(lanes_.size()),
                                            SimRng(scenario_.seed ^ (0x3ED1ULL + lanes_.size()) * 0x9E3779B97F4A7C15ULL)));
  owner_.assign(topology_.station_count(), 0);
  if (lanes > 1) {
    // The firmware wave crosses the mesh ring by ring of hops from the gateway, and the
    // lanes meet at every window: a ring shared unevenly keeps one lane waiting for the
    // other. So every ring is cut in halves at its own median angle around the gateway:
    // one cut for the whole mesh shares the rings of a gateway off the centre unevenly
    // (docs/simulator.md §Lanes has the waits measured both ways).
    const auto& g = topology_.position(0);
    const auto hops = topology_.hop_distances();
    struct Place {
      std::uint32_t ring;
      double angle;
      std::uint32_t node;
      bool operator<(const Place& o) const noexcept {
        return ring != o.ring ? ring < o.ring : angle != o.angle ? angle < o.angle : node < o.node;
      }
    };
    std::vector<Place> places;
    places.reserve(n);
    for (std::uint32_t i = 0; i < n; ++i) {
      const auto& p = topology_.position(i);
      places.push_back({hops[i], std::atan2(p.y - g.y, p.x - g.x), i});
    }
    std::sort(places.begin(), places.end());
    for (std::size_t first = 0; first < places.size();) {
      std::size_t last = first;
      while (last < places.size() && places[last].ring == places[first].ring) ++last;
      const std::size_t size = last - first;
      for (std::size_t k = first; k < last; ++k)
        owner_[places[k].node] = static_cast<std::uint8_t>((k - first) * lanes / size);
      first = last;
    }
  }
  note_lane_listeners();
}

void Simulator::note_lane_listeners() {
  // Stations added later (attackers) belong to lane 0: attacks run between windows.
  owner_.resize(topology_.station_count(), 0);
  heard_in_lanes_.assign(topology_.station_count(), 0);
  for (std::uint32_t s = 0; s < topology_.station_count(); ++s)
    for (const auto& l : topology_.links(s))
      if (l.peer < owner_.size() && owner_[l.peer] != owner_[s])
        heard_in_lanes_[s] |= static_cast<std::uint8_t>(1U << owner_[l.peer]);
}

std::uint64_t Simulator::frames_sent() const noexcept {
  std::uint64_t sum = 0;
  for (const auto& l : lanes_) sum += l->frames_sent;
  return sum;
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

void Simulator::run_for(std::uint64_t duration_us) {
  const std::uint64_t end = now_ + duration_us;
  if (lanes_.size() == 1) run_one_lane(end);
  else run_lanes(end);
  set_time_between_windows(end);
  merge_lane_tallies();
}

void Simulator::run_one_lane(std::uint64_t end) {
  Lane& lane = *lanes_[0];
  const RunningLane<Lane> running(current_lane_, lane);
  while (!lane.queue.empty() && lane.queue.top().time <= end) {
    const Event e = lane.queue.top();
    lane.queue.pop();
    now_ = lane.now = e.time;
    ++lane.events;
    dispatch(lane, e);
  }
}

void Simulator::run_lanes(std::uint64_t end) {
  if (parallel_ && !worker_)
    worker_ = std::make_unique<LaneWorker>([this](std::uint64_t until) { run_window(*lanes_[1], until); });
  for (;;) {
    hand_over();
    std::uint64_t next = std::numeric_limits<std::uint64_t>::max();
    for (const auto& l : lanes_)
      if (!l->queue.empty()) next = std::min(next, l->queue.top().time);
    const std::uint64_t next_action =
        action_queue_.empty() ? std::numeric_limits<std::uint64_t>::max() : action_queue_.top().time;
    if (std::min(next, next_action) > end) break;
    if (next_action <= next) {
      // Between windows every lane stands at the action's time.
      const Event e = action_queue_.top();
      action_queue_.pop();
      set_time_between_windows(e.time);
      auto action = std::move(actions_[e.b]);
      if (action) action();
      continue;
    }
    const std::uint64_t until = std::min({next + lane_window_us, end + 1, next_action});
    if (parallel_ && lanes_.size() == 2) {
      worker_->start(until);
      run_window(*lanes_[0], until);
      worker_->wait();
    } else {
      for (auto& l : lanes_) run_window(*l, until);
    }
  }
}

void Simulator::run_window(Lane& lane, std::uint64_t until) {
  const RunningLane<Lane> running(current_lane_, lane);
  while (!lane.queue.empty() && lane.queue.top().time < until) {
    const Event e = lane.queue.top();
    lane.queue.pop();
    lane.now = e.time;
    ++lane.events;
    dispatch(lane, e);
  }
}

void Simulator::set_time_between_windows(std::uint64_t t) noexcept {
  now_ = t;
  for (auto& l : lanes_) l->now = t;
}

bool Simulator::in_the_clear_by_design(const Transmission& t) noexcept {
  // A sync request (docs/wire-format.md §6): a node answers it, under a rate limit, with a
  // response bound to the request's single-use challenge. Passing it again, or with a
  // flipped bit, gains an attacker nothing but an answer anyone may ask for.
  const auto type = wire::peek_net_frame_type(t.bytes);
  if (type == wire::NetFrameType::sync_request) return true;
  // A broadcast rekey handed on (§7.5): signed or sealed bytes the receiver checks as it
  // checks the flood, and ignores once it holds their epoch. Again or altered, it hands
  // on nothing a neighbour would not.
  if (type != wire::NetFrameType::key_delivery) return false;
  wire::BoundedReader in(t.bytes);
  wire::NetHeader h;
  return wire::read_net_header(in, h) == wire::WireError::ok && h.dst == wire::NetLayout::broadcast;
}

void Simulator::hand_over() {
  for (auto& from : lanes_) {
    for (const std::uint32_t id : from->outbox) {
      const Transmission& t = from->transmissions[id];
      for (auto& to : lanes_) {
        if (to.get() == from.get() || (heard_in_lanes_[t.sender] & (1U << to->index)) == 0) continue;
        const std::uint32_t copy_id = new_transmission(*to);
        Transmission& copy = to->transmissions[copy_id];
        copy.sender = t.sender;
        copy.channel = t.channel;
        copy.ghost = true;
        copy.start_us = t.start_us;
        copy.end_us = t.end_us;
        copy.bytes = t.bytes;
        copy.tag = t.tag;
        copy.jam = t.jam;
        copy.forged_beacon = t.forged_beacon;
        copy.original_time = t.original_time;
        copy.original_accepted_by = t.original_accepted_by;
        push(*to, t.start_us, EventKind::tx_start, copy_id, 0);
        push(*to, t.end_us, EventKind::tx_end, copy_id, 0);
      }
    }
    from->outbox.clear();
  }
}

void Simulator::set_parallel(bool on) {
  parallel_ = on;
  if (!on) worker_.reset();
}

void Simulator::merge_lane_tallies() {
  for (auto& l : lanes_) {
    for (std::size_t i = 0; i < readings_windows; ++i) {
      report_.readings[i].sent += l->readings_sent[i];
      report_.readings[i].cut_off += l->readings_cut_off[i];
    }
    l->readings_sent.fill(0);
    l->readings_cut_off.fill(0);
    for (std::size_t k = 0; k < attacks_.size(); ++k) attacks_[k].succeeded += l->attack_successes[k];
    l->attack_successes.fill(0);
    unrevoked_acceptances_ += l->unrevoked_acceptances;
    l->unrevoked_acceptances = 0;
    for (const auto& [reason, count] : l->legit_defence_drops) report_.legit_defence_drops[reason] += count;
    l->legit_defence_drops.clear();
  }
}

std::uint32_t Simulator::new_transmission(Lane& lane) {
  std::uint32_t id = 0;
  if (!lane.free_tx.empty()) {
    id = lane.free_tx.back();
    lane.free_tx.pop_back();
  } else {
    id = static_cast<std::uint32_t>(lane.transmissions.size());
    lane.transmissions.emplace_back();
  }
  auto& t = lane.transmissions[id];
  t.ghost = false;
  t.listeners.clear();
  t.listener_was_sending.clear();
  t.tag = AttackKind::none;
  t.jam = false;
  t.forged_beacon = false;
  t.accepted_somewhere = false;
  t.harmful = false;
  t.accepted_by.clear();
  t.original_time = 0;
  t.original_accepted_by.clear();
  return id;
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

bool Simulator::channel_clear(std::uint32_t station) const noexcept {
  const auto& radio = radio_[station];
  if (radio.busy || radio.heard > 0) return false;
  if (scenario_.radio.duty_cycle >= 1.0) return true;
  const auto& r = duty_[station];
  // Token bucket: credit grows at duty_cycle per µs, up to one second's worth.
  const double elapsed = static_cast<double>(now() - r.updated_us);
  const double cap = scenario_.radio.duty_cycle * 1e6;
  const double credit = std::min(cap, r.credit_us + elapsed * scenario_.radio.duty_cycle);
  return credit >= static_cast<double>(airtime_us(128));
}

bool Simulator::start_transmission(std::uint32_t station, std::span<const std::uint8_t> frame, AttackKind tag) {
  auto& r = radio_[station];
  if (r.busy) return false;
  Lane& lane = lane_of(station);
  const std::uint64_t now = this->now();
  const std::uint32_t id = new_transmission(lane);
  auto& t = lane.transmissions[id];
  t.sender = station;
  // Attackers send on the control channel; nodes on the channel their schedule tunes.
  t.channel = is_node(station) ? tuned_channel(station) : mesh::control_channel;
  t.bytes.assign(frame.begin(), frame.end());
  t.tag = tag;
  lane.last_tx = id;
  r.busy = true;
  const std::uint64_t airtime = airtime_us(frame.size());
  if (scenario_.radio.duty_cycle < 1.0) {
    const double cap = scenario_.radio.duty_cycle * 1e6;
    auto& d = duty_[station];
    d.credit_us = std::min(cap, d.credit_us + static_cast<double>(now - d.updated_us) * scenario_.radio.duty_cycle);
    d.credit_us -= static_cast<double>(airtime);
    d.updated_us = now;
  }
  t.start_us = now + turnaround_us;
  t.end_us = t.start_us + airtime;
  push(lane, t.start_us, EventKind::tx_start, id, 0);
  push(lane, t.end_us, EventKind::tx_end, id, 0);
  if ((heard_in_lanes_[station] & ~(1U << lane.index)) != 0) lane.outbox.push_back(id);
  ++lane.frames_sent;
  return true;
}

// The channel a node hears at now(). Between two receptions or wake-ups the node's channel
// changes only at the instants radio_channel_stable_until() names, so it is read once and
// kept until then. A value read ahead (retune_ahead()) is the node's channel for the rest
// of the period it was read in; it is used only while now() is safely inside that period
// (to_sim_time() may place the end a few µs late), otherwise the node is asked again, as
// it would have been without the read ahead, so results do not depend on it.
std::uint8_t Simulator::tuned_channel(std::uint32_t station) noexcept {
  constexpr std::uint64_t ahead_margin_us = 16;
  auto& r = radio_[station];
  if (r.tuned_ahead) {
    r.tuned_ahead = false;
    if (r.tuned_until > ahead_margin_us && now() < r.tuned_until - ahead_margin_us) return r.tuned;
  } else if (now() < r.tuned_until) {
    return r.tuned;
  }
  const auto& n = *nodes_[station];
  r.tuned = n.mesh->radio_channel();
  const std::uint64_t until = n.mesh->radio_channel_stable_until();
  r.tuned_until = until == std::numeric_limits<std::uint64_t>::max() ? until : n.to_sim_time(until);
  return r.tuned;
}

void Simulator::retune_ahead(std::uint32_t station) noexcept {
  auto& r = radio_[station];
  const auto& n = *nodes_[station];
  r.tuned = n.mesh->radio_channel();
  const std::uint64_t until = n.mesh->radio_channel_stable_until();
  r.tuned_until = until == std::numeric_limits<std::uint64_t>::max() ? until : n.to_sim_time(until);
  r.tuned_ahead = true;
}

void Simulator::on_tx_start(Lane& lane, std::uint32_t tx) {
  auto& t = lane.transmissions[tx];
  if (!t.ghost) {
    auto& s = radio_[t.sender];
    s.on_air = true;
    if (s.lock >= 0) s.corrupt = s.deafened = true;  // half duplex: sending ends our own reception
  }
  for (const auto& l : topology_.links(t.sender)) {
    if (l.peer >= radio_.size() || owner_[l.peer] != lane.index) continue;
    auto& r = radio_[l.peer];
    // A node hears only the channel its radio is tuned to; an attacker's receiver is a
    // wide-band sniffer and hears every channel.
    if (is_node(l.peer) && (!r.alive || tuned_channel(l.peer) != t.channel)) continue;
    t.listeners.push_back(l);
    t.listener_was_sending.push_back(r.on_air ? 1 : 0);
    ++r.heard;
    if (r.on_air) continue;
    // A radio that has moved to this channel since it locked onto a frame on another is no
    // longer receiving that frame (which is lost), and can lock onto this one.
    const bool moved = r.lock >= 0 && lane.transmissions[static_cast<std::size_t>(r.lock)].channel != t.channel;
    if (moved) {
      if (is_node(l.peer)) r.left = r.lock;
      r.lock = -1;
    }
    if ((r.heard == 1 || moved) && r.lock < 0) {
      r.lock = tx;
      r.corrupt = false;
      r.deafened = false;
      r.jammed = false;
    } else if (r.lock >= 0) {
      r.corrupt = true;
      if (t.jam) r.jammed = true;
    }
  }
}

void Simulator::on_tx_end(Lane& lane, std::uint32_t tx) {
  auto& t = lane.transmissions[tx];
  const bool wave = t.channel != mesh::control_channel;
  // Every listener's node state was last touched long ago in a large mesh: ask for it
  // now, so that the later listeners' state arrives while the first one runs.
  for (const auto& l : t.listeners) {
    if (!is_node(l.peer)) continue;
    const SimNode* n = nodes_[l.peer].get();
    __builtin_prefetch(n);
    const mesh::MeshNode* m = n->mesh.get();
    __builtin_prefetch(m);
    __builtin_prefetch(&m->network());
    __builtin_prefetch(&m->wave());
    __builtin_prefetch(&m->dissemination());
  }
  for (std::size_t i = 0; i < t.listeners.size(); ++i) {
    const auto& l = t.listeners[i];
    auto& r = radio_[l.peer];
    const bool node = is_node(l.peer);
    if (node && !r.alive) continue;
    if (r.heard > 0) --r.heard;
    if (r.lock == static_cast<std::int64_t>(tx) && node && tuned_channel(l.peer) != t.channel) {
      r.left = r.lock;  // retuned with nothing arriving on the new channel
      r.lock = -1;
    }
    if (r.lock != static_cast<std::int64_t>(tx)) {
      if (node && r.left == static_cast<std::int64_t>(tx)) {
        r.left = -1;
        if (!t.jam && !r.on_air) {
          lane.drops.medium(MediumDrop::retuned, wave);
          continue;
        }
      }
      const bool deaf = r.on_air || t.listener_was_sending[i] != 0;
      if (!t.jam && node) lane.drops.medium(deaf ? MediumDrop::half_duplex : MediumDrop::collision, wave);
      if (!node && !t.jam) capture(l.peer, t);
      continue;
    }
    r.lock = -1;
    if (t.jam) continue;
    if (!node) {
      if (!r.corrupt) capture(l.peer, t);
      continue;
    }
    if (r.corrupt && !r.jammed) {
      lane.drops.medium(r.deafened ? MediumDrop::half_duplex : MediumDrop::collision, wave);
      continue;
    }
    if (!r.corrupt && lane.medium_rng.uniform() < l.loss) {
      lane.drops.medium(MediumDrop::radio_loss, wave);
      continue;
    }
    deliver(lane, l.peer, t, r.corrupt);
  }
  // An attack frame that achieved its goal counts once per lane it did so in.
  if (t.tag != AttackKind::none && t.tag != AttackKind::jammer && t.tag != AttackKind::eavesdropper) {
    if (t.harmful) ++lane.attack_successes[static_cast<std::size_t>(t.tag)];
  }
  if (!t.ghost) {
    auto& s = radio_[t.sender];
    s.on_air = false;
    s.busy = false;
    if (is_node(t.sender) && s.alive) {
      ++lane.node_events;
      nodes_[t.sender]->mesh->on_radio_idle();
    }
  }
  t.bytes.clear();
  lane.free_tx.push_back(tx);
}

void Simulator::deliver(Lane& lane, std::uint32_t station, Transmission& t, bool corrupted) {
  auto& n = *nodes_[station];
  ++lane.node_events;
  retune(station);
  mesh::RxOutcome out;
  if (corrupted) {
    // A jammed reception: the bits arrive damaged (the node's CRC check is what drops it).
    // 1 to 6 distinct bits (two flips of one bit would give the frame back unharmed).
    std::vector<std::uint8_t> damaged = t.bytes;
    const std::size_t flips = std::min<std::size_t>(1 + lane.medium_rng.below(6), damaged.size() * 8);
    std::array<std::size_t, 6> flipped{};
    for (std::size_t i = 0; i < flips;) {
      const std::size_t bit = lane.medium_rng.below(damaged.size() * 8);
      if (std::find(flipped.begin(), flipped.begin() + static_cast<std::ptrdiff_t>(i), bit) !=
          flipped.begin() + static_cast<std::ptrdiff_t>(i))
        continue;
      flipped[i++] = bit;
      damaged[bit / 8] ^= static_cast<std::uint8_t>(1U << (bit % 8));
    }
    out = n.mesh->receive(damaged);
    // The jammer wins if a damaged frame gets through the CRC and the MIC.
    if (out.net_reason == net::DropReason::none) ++lane.attack_successes[static_cast<std::size_t>(AttackKind::jammer)];
  } else {
    out = n.mesh->receive(t.bytes);
  }
  retune_ahead(station);
  const bool legit = t.tag == AttackKind::none && !corrupted;
  if (out.net_reason != net::DropReason::none) {
    lane.drops.net(out.net_reason);
    // Legitimate frames the defences removed (not: not yet synchronised, not for us).
    const bool settling = !n.mesh->time_settled() && (out.net_reason == net::DropReason::time_too_old ||
                                                     out.net_reason == net::DropReason::time_in_future);
    const bool expected = settling || out.net_reason == net::DropReason::not_synced ||
                          out.net_reason == net::DropReason::unexpected_sync_response ||
                          out.net_reason == net::DropReason::key_delivery_not_for_us ||
                          out.net_reason == net::DropReason::unknown_key_index;
    if (legit && !expected) ++lane.legit_defence_drops[std::string(net::to_string(out.net_reason))];
  } else {
    t.accepted_somewhere = true;
    t.accepted_by.push_back(station);
    if (out.mesh_dropped) {
      lane.drops.node(out.mesh_reason);
      // Content checks (records, chunks, headers) fail only on forged content, which
      // honest relays may have carried: they are not counted against legitimate traffic.
      const bool content_check = out.mesh_reason == node::DropReason::bad_record ||
                                 out.mesh_reason == node::DropReason::bad_chunk ||
                                 out.mesh_reason == node::DropReason::bad_blob_header ||
                                 out.mesh_reason == node::DropReason::bad_cover_key ||
                                 out.mesh_reason == node::DropReason::record_replay;
      if (legit && !content_check && node::is_security_drop(out.mesh_reason))
        ++lane.legit_defence_drops[std::string(node::to_string(out.mesh_reason))];
    }
    switch (t.tag) {
      case AttackKind::replayer: {
        // A replay wins if a node accepts a frame it had already accepted, or one older
        // than the acceptance window (window_past slots of 1 s, plus one of skew).
        const bool again = std::find(t.original_accepted_by.begin(), t.original_accepted_by.end(), station) !=
                           t.original_accepted_by.end();
        const bool stale = lane.now - t.original_time > 19'000'000;
        if ((again || stale) && !in_the_clear_by_design(t)) t.harmful = true;
        if ((again || stale) && std::getenv("MESHSEC_REPLAY_DEBUG") != nullptr)
          std::fprintf(stderr, "replay accepted by %u: type %u again %d age %.3f s, node slot %u gateway slot %u settled %d\n",
                       station, static_cast<unsigned>(wire::peek_net_frame_type(t.bytes)), again ? 1 : 0,
                       static_cast<double>(lane.now - t.original_time) / 1e6, n.mesh->network().clock().now(),
                       nodes_[0]->mesh->network().clock().now(), n.mesh->time_settled() ? 1 : 0);
        break;
      }
      case AttackKind::forger: t.harmful = true; break;
      case AttackKind::bit_flipper: t.harmful = !in_the_clear_by_design(t); break;
      case AttackKind::stolen_node_after_revocation:
        // A sync request passes by design; what it could win, the key handed on, is tried
        // when the window ends (stolen_learned_key).
        if (in_the_clear_by_design(t)) break;
        // Any other acceptance counts. Those by nodes the key refresh never reached (they cannot
        // know of the revocation) are also tallied apart, to tell a broken defence from an
        // incomplete refresh.
        t.harmful = true;
        if (n.mesh->network().keys().newest_epoch() < revoked_epoch) ++lane.unrevoked_acceptances;
        break;
      case AttackKind::rogue_blob_injector:
        if (out.chunk_stored || out.header_accepted) t.harmful = true;
        break;
      case AttackKind::stolen_node_before_revocation:
        // Its forged beacons win if a node takes their round or their time. (Taking the
        // round or time from a genuine copy it repeats is no harm: both are the gateway's;
        // what such a copy can win is counted as nodes misled through it.)
        if (out.chunk_stored || out.header_accepted ||
            (t.forged_beacon && (out.beacon_taken || out.beacon_time_taken)))
          t.harmful = true;
        break;
      default: break;
    }
    if (out.net_reason == net::DropReason::none &&
        (out.type == mesh::MessageType::fragment || out.type == mesh::MessageType::wave)) {
      // Activation is checked right here so coverage is timed to the frame.
      record_activation(lane, station);
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
  std::uint64_t refused = 0;
  for (std::size_t i = 1; i < nodes_.size(); ++i) refused += nodes_[i]->mesh->beacon_times_refused();
  report_.beacon_times_refused = refused;
  report_.synced_fraction = alive == 0 ? 0 : static_cast<double>(synced) / alive;
  report_.sync_error_max_us = sync_error_max_;
  report_.sync_error_mean_us = sync_error_samples_ == 0 ? 0 : sync_error_sum_ / static_cast<double>(sync_error_samples_);
}

}  // namespace meshsec::sim
