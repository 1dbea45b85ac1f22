// MeshNode's beacon rounds (docs/wire-format.md §6.5, docs/simulator.md §Mesh): the gateway's
// one-way chain and time, passing copies on, and the gradient and parent they set.
#include "mesh/mesh_node.hpp"

#include <algorithm>

namespace meshsec::mesh {

std::uint64_t MeshNode::round_start_us(std::uint32_t round) const noexcept {
  return std::uint64_t{config_.first_slot} * slot_us() + std::uint64_t{round - 1} * config_.beacon_period_us;
}

std::uint32_t MeshNode::round_by_clock() const noexcept {
  const std::uint64_t global = global_us();
  const std::uint64_t first = round_start_us(1);
  if (global < first) return 1;
  return static_cast<std::uint32_t>(std::min<std::uint64_t>((global - first) / config_.beacon_period_us + 1, UINT32_MAX));
}

std::uint64_t MeshNode::clock_lag_bound_us() const noexcept {
  // Two clocks clock_tolerance_ppm apart since a beacon last set this one.
  const std::uint64_t local = platform_.local_us();
  const std::uint64_t since = local - std::min(local, last_time_at_);
  return since / 1'000'000 * 2 * config_.clock_tolerance_ppm;
}

bool MeshNode::beacon_time_acceptable(const BeaconBody& b, std::uint64_t global_now) const noexcept {
  // Only the gateway can show a round's chain value first, but once shown any holder of
  // the network key can repeat it under a time of its own. Two bounds hold such a liar:
  // the stamp must fall within the round, and a clock that beacons have set already moves
  // by no more than the tolerance plus the drift since.
  const std::uint64_t start = round_start_us(b.round);
  if (b.global_us < start || b.global_us >= start + config_.beacon_period_us) return false;
  if (!fine_synced_) return true;
  const std::uint64_t tolerance = config_.beacon_time_tolerance_us + clock_lag_bound_us();
  const auto step = static_cast<std::int64_t>(global_now) - static_cast<std::int64_t>(global_us());
  return static_cast<std::uint64_t>(step < 0 ? -step : step) <= tolerance;
}

bool MeshNode::own_beacon_chain(BeaconBody& b) const noexcept {
  if (chain_source_) {
    b.chain_hops = 0;
    return chain_source_->round_value(round_, b.chain);
  }
  // The best copy of this round this node checked, one step further down the chain.
  return chain_.pass_on(round_, b.chain_hops, b.chain);
}

void MeshNode::handle_beacon(node::NodeId sender, const MeshHeader& h, std::span<const std::uint8_t> body) noexcept {
  BeaconBody b;
  if (!parse_beacon(body, b)) {
    drop(node::DropReason::malformed);
    return;
  }
  // Only a round the gateway's chain shows counts (§6.5). A claim more than a round ahead
  // of this node's own clock is not even checked: each check costs hashing. How far its
  // clock can be behind grows with the time since a beacon last set it: a node back from
  // days asleep, its clock lagging by more than the two rounds allowed, would otherwise
  // drop every genuine copy unchecked and never set its clock again. The gateway checks
  // the copies passed back to it from its own end of the chain.
  const bool ahead = b.round > round_ + 1 && fine_synced_ &&
                     b.round > round_by_clock() + 1 + clock_lag_bound_us() / config_.beacon_period_us;
  using Verdict = BeaconChainVerifier::Verdict;
  Verdict verdict = Verdict::forged;  // a claim too far ahead is not checked
  if (!ahead && chain_source_) {
    if (b.round <= round_ && chain_source_->genuine(b.round, b.chain_hops, b.chain)) verdict = Verdict::genuine;
  } else if (!ahead) {
    verdict = chain_.check(b.round, b.chain_hops, b.chain);
  }
  if (verdict != Verdict::genuine) {
    drop(verdict == Verdict::too_far && note_chain_too_far(b) ? node::DropReason::chain_behind
                                                                                   : node::DropReason::bad_beacon);
    return;
  }
  chain_catch_up_.fresh();
  keep_chain_value();
  const bool fresh = b.round > round_ && config_.role != Role::gateway;
  if (fresh) {
    last_beacon_at_ = platform_.local_us();
    round_ = b.round;
    neighbours_.expire(round_);
    if (current_ != nullptr) current_->beacon_taken = true;
    check_window_tags();
    settle_held_floods();
  }
  if (config_.role != Role::gateway && b.opens_next && b.round == round_) keep_window_tag(b);
  if (config_.role != Role::gateway && b.round == round_ && time_round_ != round_) {
    // The first copy of the round whose time is acceptable sets the clock. M5: the sender
    // stamped its global time as it handed the frame to the radio; add the flight
    // (turnaround + airtime of the frame as received).
    const std::uint64_t flight = config_.turnaround_us + frame_airtime_us(config_, rx_frame_size_);
    const std::uint64_t now = platform_.local_us();
    const std::uint64_t global_now = b.global_us + flight;
    if (beacon_time_acceptable(b, global_now)) {
      offset_us_ = static_cast<std::int64_t>(global_now) - static_cast<std::int64_t>(now);
      fine_synced_ = true;
      last_time_at_ = now;
      time_round_ = round_;
      // Align the network layer's slot counter to the slot boundary (never backwards).
      const std::uint64_t next_slot = global_now / slot_us() + 1;
      adopt_slot_ = static_cast<std::uint32_t>(next_slot);
      adopt_at_us_ = now + (next_slot * slot_us() - global_now);
      adopt_pending_ = true;
      if (current_ != nullptr) current_->beacon_time_taken = true;
    } else {
      ++beacon_times_refused_;
    }
  }
  // A neighbour farther out passing this round on: what this node passed on got through
  // (MeshNode::watch_pass_on()).
  if (b.round == round_ && h.hops != 0xFF && h.hops > hops_) {
    farther_copy_round_ = round_;
    if (beacon_watch_round_ == round_) beacon_repeat_at_us_ = 0;
  }
  Neighbour& n = neighbours_.heard(sender, round_);
  n.hops = h.hops;
  n.parent = h.parent;
  n.degree = b.degree;
  n.backbone = (h.flags & flag_backbone) != 0;
  n.blob_complete = (h.flags & flag_blob_complete) != 0;
  n.proven_hops = std::min(n.proven_hops, b.chain_hops);
  n.beacon_round = std::max(n.beacon_round, b.round);
  // M10: recompute the gradient on every beacon of this round, not only the first: a later
  // one may offer a shorter way, or be the first since a failure from a neighbour that
  // no longer runs through the hole (NeighbourTable::way_to_gateway()).
  if (config_.role != Role::gateway && b.round == round_) follow_gradient();
  if (!fresh) {
    // Waiting for a copy as near as this node counts itself: here it is.
    if (beacon_pending_ && beacon_due_us_ == beacon_last_call_us_ && beacon_copy_near_enough())
      beacon_due_us_ = platform_.local_us() + backoff_us(0, 8U * config_.backoff_slots);
    // Passed on already, and now holding a copy nearer than the one it sent: its
    // neighbours count it by the copies it showed, so it shows the nearer one too, once
    // per hop gained. Otherwise a copy lost on the way from its parent, round after round
    // over the same link, kept it (and everything it leads) counted a hop too far: a tenth
    // of the nodes at 3,000 nodes.
    if (!beacon_pending_ && beacon_sent_round_ == round_ && config_.role != Role::gateway &&
        chain_.pass_on_hops(round_) < beacon_sent_hops_) {
      beacon_pending_ = true;
      beacon_due_us_ = beacon_last_call_us_ = platform_.local_us() + backoff_us(0, 8U * config_.backoff_slots);
    }
    drop(node::DropReason::duplicate);
    return;
  }
  // Pass the beacon on once.
  beacon_pending_ = true;
  // A wide jitter: every node re-sends the beacon, and they must not all collide (time
  // accuracy does not suffer: the stamp is taken when the frame goes to the radio).
  beacon_due_us_ = platform_.local_us() + backoff_us(0, 32U * config_.backoff_slots);
  beacon_last_call_us_ = platform_.local_us() + config_.beacon_proof_wait_us;
}

void MeshNode::watch_pass_on() noexcept {
  // Every node passes a round on once, which in a dense mesh reaches everyone many times
  // over. Where a single link carries it on (a thin line, or across a failed node), one
  // copy lost there ended the round for everything beyond: on the 60-node line with five
  // failed nodes (seed 20) 9 of 10 rounds after the failures died at one of the holes,
  // the nodes beyond kept their dead parent, and 23 of 108 readings were lost. So a node
  // that passed a round on and has a live neighbour farther from the gateway listens for a
  // farther neighbour passing it on in turn, and passes it on again if none does, after
  // the wait every node gives the nearest copy plus the widest pass-on jitter. In the
  // default mesh about 9 % of the beacon frames are such repeats (0.6 % of all frames):
  // a farther neighbour's copy is lost or collides. Counting copies from neighbours as far
  // out as this node too cut that to 0.6 %, but on the line such a neighbour's copy does
  // not reach the node beyond, and rounds died again; waiting twice as long saved 8 %.
  if (beacon_watch_round_ != round_) {
    beacon_watch_round_ = round_;
    beacon_repeats_made_ = 0;
  }
  beacon_repeat_at_us_ = 0;
  if (beacon_repeats_made_ >= config_.beacon_repeats || farther_copy_round_ == round_ ||
      !neighbours_.has_farther(hops_, round_))
    return;
  beacon_repeat_at_us_ = platform_.local_us() + config_.beacon_proof_wait_us +
                         backoff_us(32U * config_.backoff_slots, 16U * config_.backoff_slots);
}

void MeshNode::repeat_unechoed_beacon(std::uint64_t now) noexcept {
  if (beacon_repeat_at_us_ == 0 || now < beacon_repeat_at_us_) return;
  beacon_repeat_at_us_ = 0;
  if (beacon_watch_round_ != round_ || beacon_pending_) return;  // a new round: passed on anyway
  ++beacon_repeats_made_;
  ++beacon_repeats_;
  beacon_pending_ = true;
  beacon_due_us_ = beacon_last_call_us_ = now;
}

bool MeshNode::beacon_copy_near_enough() const noexcept {
  // A node passes on the best copy it holds, one hop on. Its neighbours count it no nearer
  // than that copy shows, so a copy from farther out than its parent would make it look
  // farther than it is, and its children after it (the counts would climb from hop to hop
  // of the flood, as they did when counts came from this round's beacons alone). It waits
  // for a copy as near as its headers' way says (not its proven count: waiting only for a
  // copy as near as a count already inflated that way would keep it inflated, and at
  // 3,000 nodes half the counts were still a hop or more over the shortest path after
  // 90 s), or for that way's parent's copy.
  if (config_.role == Role::gateway) return true;
  const NeighbourTable::Way way = neighbours_.way_by_headers(round_, id_, parent_);
  const std::uint8_t hops = chain_.pass_on_hops(round_);
  if (way.hops == 0xFF || hops == 0xFF || hops <= way.hops) return true;
  const Neighbour* parent = neighbours_.find(way.parent);
  return parent != nullptr && parent->beacon_round == round_;
}

void MeshNode::follow_gradient() noexcept {
  const node::NodeId old_parent = parent_;
  const NeighbourTable::Way way = neighbours_.way_to_gateway(round_, id_, parent_);
  hops_ = way.hops;
  parent_ = way.parent;
  claimed_hops_ = neighbours_.way_by_headers(round_, id_, parent_).hops;
  if (joined_ && parent_ != old_parent && parent_ != node::no_node) {
    // A new parent (the old one failed, M10): announce ourselves again so that the routes
    // to us follow. Spread like the first joins: one beacon round can move the parents of
    // most of the mesh at once (3,000 nodes: 2,400 join records within two seconds, and for
    // ten seconds almost no reading got through). And no sooner than the rejoin interval
    // after the last, counted from a moment of this node's own: a flapping link must not
    // flood the gateway, and nodes whose joins went out together must not rejoin together.
    joined_ = false;
    const std::uint64_t interval = rejoin_interval_us();
    // Two draws, one after the other: as arguments of one call their order would be the
    // compiler's to choose, and builds of one seed would differ.
    const std::uint64_t after_interval = platform_.random_u32() % interval;
    const std::uint64_t within_spread = join_spread_draw();
    join_at_us_ = std::max(platform_.local_us() + within_spread + 1, last_join_us_ + interval + after_interval);
  }
}

}  // namespace meshsec::mesh
