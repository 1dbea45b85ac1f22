// MeshNode's floods (docs/simulator.md §Mesh): the flood slots and their duplicate keys,
// uplinks towards the gateway, downlinks from it (with the back office's signed floods)
// and delivery to the application.
#include "mesh/mesh_node.hpp"

#include <algorithm>

#include "crypto/ed25519.hpp"
#include "wire/key_delivery.hpp"

namespace meshsec::mesh {

namespace {
// A flood the back office signs: its signed bytes (`message_of`) verify under `key`.
template <std::size_t Size, typename Flood, typename MessageOf>
bool verifies(const firmware::Ed25519PublicKey& key, const Flood& flood, MessageOf message_of) noexcept {
  std::array<std::uint8_t, Size> message{};
  return message_of(flood, message) == message.size() &&
         crypto::ed25519_verify(key, message, flood.signature) == crypto::Status::ok;
}
}  // namespace

bool MeshNode::back_office_signed(const WaveAnnouncement& a) const noexcept {
  return verifies<wave_announcement_signed_size>(disseminator_.verification_key(), a, wave_announcement_signed_message);
}

bool MeshNode::back_office_signed(const LinkSurvey& s) const noexcept {
  return verifies<link_survey_signed_size>(disseminator_.verification_key(), s, link_survey_signed_message);
}

bool MeshNode::back_office_signed(const CoverAnnouncement& a) const noexcept {
  return verifies<cover_announcement_signed_size>(disseminator_.verification_key(), a, cover_announcement_signed_message);
}

bool MeshNode::back_office_signed(const CoverKeyCommitment& c) const noexcept {
  return verifies<cover_commitment_signed_size>(disseminator_.verification_key(), c, cover_commitment_signed_message);
}

bool MeshNode::back_office_signed(const ChainCheckpoint& c) const noexcept {
  return verifies<chain_checkpoint_signed_size>(disseminator_.verification_key(), c, chain_checkpoint_signed_message);
}

bool MeshNode::has_free_slot() const noexcept {
  for (const auto& s : slots())
    if (!s.used || s.gives_way()) return true;
  return false;
}

MeshNode::FloodSlot* MeshNode::free_slot() noexcept {
  for (auto& s : slots())
    if (!s.used) return &s;
  // A conditional flood copy, or one held for its round's beacon, is the least needed
  // thing we hold: it gives way.
  for (auto& s : slots())
    if (s.gives_way()) return &s;
  return nullptr;
}

void MeshNode::fill_slot(FloodSlot& slot, const MeshHeader& h, std::span<const std::uint8_t> body,
                         std::uint64_t due) noexcept {
  slot.used = true;
  slot.sent = false;
  slot.tries = 0;
  slot.opened = false;
  slot.conditional = false;
  slot.copies_heard = 0;
  slot.held_for_round = 0;

  slot.header = h;
  slot.length = static_cast<std::uint8_t>(body.size());
  auto& stored = body_of(slot);
  for (std::size_t i = 0; i < body.size(); ++i) stored[i] = body[i];
  slot.due_us = due;
}

FloodKey MeshNode::flood_key(const MeshHeader& h, std::span<const std::uint8_t> body) noexcept {
  // A routed message names its next hop first, which changes at every hop; the rest, like
  // an uplink's or downlink's whole body, travels unchanged.
  const auto carried = h.type == MessageType::routed && body.size() >= 2 ? body.subspan(2) : body;
  return FloodKey{static_cast<std::uint8_t>(h.type), h.origin, h.seq, digest_.of(carried)};
}

bool MeshNode::same_body(const FloodSlot& slot, std::span<const std::uint8_t> body) noexcept {
  const auto& stored = body_of(slot);
  return slot.length == body.size() && std::equal(body.begin(), body.end(), stored.begin());
}

void MeshNode::handle_uplink(node::NodeId sender, std::uint8_t sender_hops, const MeshHeader& h,
                             std::span<const std::uint8_t> body) noexcept {
  // Implicit acknowledgement: a node no farther from the gateway carrying our pending
  // message on (one on our own level only carries a retry, see below). A copy we still
  // hold (a backup or sideways copy waiting its turn, or our retry) is dropped once a
  // closer node carries the message (in a dense mesh, one of our own level too: see
  // MeshConfig::dense_neighbours): it is on its way, and ours would start a second path. A routed
  // message we handed to its destination is acknowledged by the destination speaking.
  for (auto& s : slots()) {
    if (!s.used) continue;
    if (s.header.type == MessageType::uplink && s.header.origin == h.origin && s.header.seq == h.seq &&
        same_body(s, body) && ((s.sent && sender_hops <= hops_) || sender_hops < hops_ || (sender_hops <= hops_ && dense())))
      s = FloodSlot{};
    else if (s.header.type == MessageType::routed && sender == h.origin) {
      const RoutedAddresses to = routed_addresses_of(s);
      if (to.destination == sender && to.via == sender) s = FloodSlot{};
    }
  }
  AppBody app;
  if (!parse_app(body, app)) {
    drop(node::DropReason::malformed);
    return;
  }
  const FloodKey key = flood_key(h, body);
  if (config_.role == Role::gateway) {
    // The end of the line: acknowledge even a copy already taken (its sender missed the
    // first acknowledgement and is retrying). The latest copy names the way back.
    (void)routes_.learn(h.origin, sender);
    queue_ack(h.origin, h.seq);
    if (!duplicates_.insert(key)) {
      drop(node::DropReason::duplicate);
      return;
    }
    if (sink_ != nullptr) sink_->on_uplink(h.origin, std::span<const std::uint8_t>(app.payload).first(app.length));
    return;
  }
  const bool named = h.parent == id_;
  const bool retry = (h.flags & flag_retry) != 0;
  const bool repeat = (h.flags & flag_repeat) != 0;
  if (h.origin == id_ || duplicates_.contains(key)) {
    // A repeat or retry of what we carried on already: its sender missed hearing us, so
    // tell it.
    if (named && (retry || repeat) && h.origin != id_) queue_ack(h.origin, h.seq);
    drop(node::DropReason::duplicate);
    return;
  }
  const bool backup = retry && hops_ < sender_hops;
  // A retry nobody closer carried: its sender's parent may be gone and it may have no other
  // neighbour closer to the gateway. A neighbour on the same level carries it on, last,
  // unless a closer node does meanwhile (M10 would re-route only after missed beacons).
  const bool sideways = retry && hops_ == sender_hops && !named;
  if (!named && !backup && !sideways) return;  // not ours to carry (a retry may make it ours)
  if (h.ttl == 0) {
    drop(node::DropReason::ttl_expired);
    return;
  }
  FloodSlot* slot = free_slot();
  if (slot == nullptr) {
    drop(node::DropReason::queue_full);
    return;
  }
  (void)duplicates_.insert(key);
  // Whoever carries an uplink learns the way back, or the route the gateway learns ends
  // here. A route away from the gateway replaces what we knew; one from the side (or from
  // a node that thinks itself closer) only fills a gap: two nodes of one level must not
  // come to point at each other (a loop only the TTL would end).
  (void)routes_.learn(h.origin, sender, sender_hops != 0xFF && sender_hops > hops_);
  MeshHeader fwd = h;
  fwd.ttl = static_cast<std::uint8_t>(h.ttl - 1);
  fwd.flags = 0;
  // The named parent goes first; backups wait a little longer, sideways carriers longest.
  const std::uint32_t after = named ? 0U : sideways ? 2U * config_.backoff_slots : config_.backoff_slots;
  fill_slot(*slot, fwd, body, platform_.local_us() + backoff_us(after, config_.backoff_slots));
  slot->conditional = sideways;
}

void MeshNode::handle_downlink(const MeshHeader& h, std::span<const std::uint8_t> body) noexcept {
  if (!duplicates_.insert(flood_key(h, body))) {
    // Another copy of a flood we may still carry on conditionally: enough copies around
    // us and ours is not needed.
    for (auto& s : slots())
      if (s.used && s.conditional && s.header.type == MessageType::downlink && s.header.origin == h.origin &&
          s.header.seq == h.seq && same_body(s, body) && ++s.copies_heard >= flood_copies_enough)
        s = FloodSlot{};
    drop(node::DropReason::duplicate);
    return;
  }
  AppBody app;
  if (!parse_app(body, app) || app.length == 0) {
    drop(node::DropReason::malformed);
    return;
  }
  const auto payload = std::span<const std::uint8_t>(app.payload).first(app.length);
  const auto kind = static_cast<DownlinkKind>(payload[0]);
  bool fresh_wave = false;  // the first copy of an announcement of a wave this node follows
  bool our_wave = false;    // an announcement signed for the blob of this node's part
  if (kind == DownlinkKind::wave_announcement) {
    WaveAnnouncement a;
    if (!parse_wave_announcement(payload, a)) {
      drop(node::DropReason::malformed);
      return;
    }
    // A node in the plan follows, and carries on, only what the back office signed for
    // the blob its part names; a node outside it, or whose part names another blob, neither
    // follows nor can tell.
    const auto& part = wave_.assignment();
    if (config_.role != Role::gateway && part.in_plan && part.blob_id[0] == a.blob_id[0]) {
      a.blob_id = part.blob_id;
      // Another copy of the flood this node already follows needs no second check.
      const bool known = wave_.following() && a == wave_.announcement();
      if (!known && !back_office_signed(a)) {
        drop(node::DropReason::bad_signature);
        return;
      }
      our_wave = true;
      fresh_wave = follow_wave(a);
    }
  } else if (kind == DownlinkKind::records || kind == DownlinkKind::key_delivery) {
    deliver(payload, false);
  } else if (kind == DownlinkKind::link_survey) {
    LinkSurvey survey;
    if (!parse_link_survey(payload, survey)) {
      drop(node::DropReason::malformed);
      return;
    }
    if (config_.role != Role::gateway) {
      // The gateway floods each survey twice: the copy of the one taken needs no second check.
      if (survey != survey_ && !back_office_signed(survey)) {
        drop(node::DropReason::bad_signature);
        return;
      }
      take_link_survey(survey);
    }
  } else if (kind == DownlinkKind::cover_announcement) {
    if (!take_cover_announcement(payload)) return;
  } else if (kind == DownlinkKind::cover_key) {
    if (!take_cover_key(payload)) return;
  } else if (kind == DownlinkKind::cover_commitment) {
    if (!take_cover_commitment(payload)) return;
  } else if (kind != DownlinkKind::key_phase) {
    // Key phase: the network layer already applied the token beside it.
    drop(node::DropReason::not_whitelisted);
    return;
  }
  // The backbone carries a flood on, and every node in the plan the wave's announcement
  // (a node that misses it sits the whole wave out). Other nodes carry it on too, after
  // the backbone has had its turn, unless they hear enough copies meanwhile: a backbone
  // link that lost the flood does not cut off the nodes behind it.
  const bool carry = backbone() || our_wave;
  // A relay says the announcement again, one hop only, in the period before its part of
  // the wave begins: a node listening to it that missed every copy of the flood gets a
  // last chance when it needs it, instead of sitting the wave out and fetching the whole
  // image by repair. Twice, at a random point of the first and of the second half of that
  // period, away from its ends (where the neighbours tune to their wave channels): where
  // the flood died, these echoes are all that carries the announcement on, relay to relay,
  // and one lost echo across a lossy link cut off the rest of a 60-node line (seed 1: 21
  // nodes, 8 s of repair). At fixed points of the period every relay of a level said it at
  // the same microsecond, too close for carrier sense: where several share listeners
  // (grid example, seed 70) all the echoes collided, and a relay of level 7 that had
  // missed the flood sat the wave out with the three relays below it.
  if (fresh_wave && wave_.following() && wave_.assignment().relay && wave_.assignment().level >= 1) {
    for (const std::uint64_t from_twentieths : {3U, 11U}) {
      FloodSlot* echo = free_slot();
      if (echo == nullptr) break;
      MeshHeader once = h;
      once.ttl = 0;
      // Period level − 2: for a relay of level 1 the last period of the announcement's lead.
      const std::uint64_t period = wave_.period_us();
      const std::uint64_t begins = wave_.announcement().t0_us + (wave_.assignment().level - 1ULL) * period;
      const std::uint64_t window = period * 6 / 20;
      const std::uint64_t at = (begins > period ? begins - period : 0) + period * from_twentieths / 20 +
                               platform_.random_u32() % std::max<std::uint64_t>(window, 1);
      fill_slot(*echo, once, body, local_of(at));
      ++announcement_echoes_;
    }
  }
  if (h.ttl == 0 || config_.role == Role::gateway) return;
  // Only the node it names can check it (or the network layer applied it): carried on only
  // in a round the gateway opened for such floods.
  // Heard before the round's beacon came, it waits for that beacon (may_hold_for_window()).
  const bool hold = needs_flood_window(kind) && !flood_window_open();
  if (hold && !may_hold_for_window()) {
    ++floods_not_carried_;
    return;
  }
  FloodSlot* slot = free_slot();
  if (slot == nullptr) {
    if (carry) drop(node::DropReason::queue_full);
    return;
  }
  MeshHeader fwd = h;
  fwd.ttl = static_cast<std::uint8_t>(h.ttl - 1);
  const std::uint64_t wait = downlink_backoff_us(!carry);
  fill_slot(*slot, fwd, body, hold ? never : platform_.local_us() + wait);
  slot->conditional = !carry;
  if (hold) slot->held_for_round = round_ + 1;
  // The announcement goes out twice: missing it costs a node every chunk by repair.
  if (kind == DownlinkKind::wave_announcement && carry) {
    if (FloodSlot* again = free_slot(); again != nullptr)
      fill_slot(*again, fwd, body, platform_.local_us() + wait + backoff_us(config_.backoff_slots, 2U * config_.backoff_slots));
  }
}

std::uint64_t MeshNode::downlink_backoff_us(bool conditional) noexcept {
  // A conditional carrier lets the backbone go first.
  return conditional ? backoff_us(config_.backoff_slots, 2U * config_.backoff_slots) : backoff_us(0, config_.backoff_slots);
}

void MeshNode::deliver(std::span<const std::uint8_t> payload, bool routed) noexcept {
  if (config_.role == Role::gateway) return;  // an echo of its own flood, older than the duplicate cache
  const auto kind = static_cast<DownlinkKind>(payload[0]);
  if (kind == DownlinkKind::records) {
    apply_records(payload);
    return;
  }
  if (kind != DownlinkKind::key_delivery) {
    drop(node::DropReason::not_whitelisted);
    return;
  }
  const auto blob = payload.subspan(1);
  wire::KeyDeliveryView delivery;
  if (wire::read_key_delivery(blob, delivery) != wire::WireError::ok) {
    drop(node::DropReason::malformed);
    return;
  }
  if (delivery.target != id_) return;  // a flood carries every node's delivery past us
  // A new key is acknowledged by receive() when the key ring moves. One we hold and
  // acknowledged already comes again because our acknowledgement was lost: say so again
  // (the network layer refuses it as stale).
  if (routed) (void)net_.accept_key_delivery(blob);
  if (net_.keys().holds_epoch(delivery.epoch) && acked_epoch_ >= delivery.epoch) acknowledge_key(delivery.epoch, 0);
}

}  // namespace meshsec::mesh
