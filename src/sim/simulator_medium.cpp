// The radio medium (docs/simulator.md §Radio model): a frame's start and end on a channel,
// who hears it, what collides or is lost, and the delivery to a node's own code, with the
// attack outcomes tallied where a frame is taken.
#include "sim/simulator.hpp"

#include <algorithm>
#include <array>
#include <cstdio>
#include <cstdlib>
#include <limits>
#include <string>

#include "net/drop_reason.hpp"
#include "wire/net_frame.hpp"

namespace meshsec::sim {

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

}  // namespace meshsec::sim
