// The simulator's event loop (docs/simulator.md §Engine, §Lanes): events run in time order,
// in one lane, or in two lanes on two cores that meet at the end of every window of one
// turnaround; frames heard across the border are handed over between windows.
#include "sim/simulator.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

namespace meshsec::sim {
namespace {

// A frame starts a turnaround after the node decided to send it: nothing one lane does
// reaches another lane sooner, so lanes can run this long without meeting.
constexpr std::uint64_t lane_window_us = Simulator::turnaround_us;

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

void Simulator::run_for(std::uint64_t duration_us) {
  offer_chain_checkpoint();
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

}  // namespace meshsec::sim
