#include "mesh/mesh_node.hpp"

#include <algorithm>
#include <limits>
#include <tuple>

#include "crypto/ed25519.hpp"
#include "crypto/secure_memory.hpp"
#include "wire/bounded_reader.hpp"
#include "wire/bounded_writer.hpp"
#include "wire/key_delivery.hpp"
#include "wire/net_token.hpp"

namespace meshsec::mesh {
namespace {

constexpr std::uint64_t never = std::numeric_limits<std::uint64_t>::max();

net::NetConfig net_config_for(const MeshConfig& config, node::NodeId id) noexcept {
  net::NetConfig c = config.net;
  c.address = id;
  c.whitelist.allow(mesh_token_type);
  return c;
}

}  // namespace

MeshNode::MeshNode(node::NodeId id, const MeshConfig& config, node::Platform& platform, node::ChunkStore& store,
                   net::NvStore& nv) noexcept
    : id_(id),
      config_(config),
      platform_(platform),
      store_(store),
      net_(net_config_for(config, id), nv),
      routes_(config.role == Role::gateway ? std::size_t{0xFFFF} : config.route_capacity) {
  if (config_.role == Role::gateway) {
    hops_ = 0;
    slot_limit_ = flood_slots;
  }
}

bool MeshNode::personalise(const keys::NodeKeySet& keys) noexcept {
  // The beacon chain first, so a set refused for its chain leaves nothing taken. A gateway
  // builds its chain (one step per position, once) and checks that it ends at the anchor
  // its network's nodes were given; it checks its own copies against that anchor too.
  if (keys.beacon_chain_rounds == 0) return false;
  std::unique_ptr<BeaconChainSource> source;
  if (config_.role == Role::gateway) {
    source = std::make_unique<BeaconChainSource>();
    if (!source->init(keys.network_id, keys.beacon_chain_seed.span(), keys.beacon_chain_rounds) ||
        !crypto::equal_constant_time(source->anchor(), keys.beacon_anchor))
      return false;
  }
  if (net_.provision(keys.network_key_index, keys.key(keys::KeyPurpose::net), keys.key(keys::KeyPurpose::enc)) !=
      net::SetupError::ok)
    return false;
  if (!sealer_.init(keys.key(keys::KeyPurpose::e2))) return false;
  if (!digest_.init(keys.key(keys::KeyPurpose::e2), id_)) return false;
  if (config_.role != Role::gateway && !cover_.init(id_, keys)) return false;
  if (!chain_.init(keys.network_id, keys.beacon_anchor)) return false;
  chain_source_ = std::move(source);
  acked_epoch_ = keys.network_key_index;
  firmware::Ed25519PublicKey vk{};
  for (std::size_t i = 0; i < vk.size(); ++i) vk[i] = keys.blob_verification_key[i];
  disseminator_.init(config_, vk, store_, id_);
  return true;
}

void MeshNode::tick() noexcept { net_.tick(platform_.local_us() / 1000U); }

void MeshNode::start() noexcept {
  tick();
  const std::uint64_t now = platform_.local_us();
  if (config_.role == Role::gateway) {
    // The gateway is the network's time root (M5).
    net_.set_global_time(config_.first_slot);
    offset_us_ = static_cast<std::int64_t>(std::uint64_t{config_.first_slot} * slot_us()) -
                 static_cast<std::int64_t>(now);
    fine_synced_ = true;
    next_beacon_at_ = now;
  } else {
    next_sync_request_at_ = now + backoff_us(0, 1000);
  }
  tx_ready_at_ = now;
  schedule();
}

std::uint64_t MeshNode::global_us() const noexcept {
  if (fine_synced_)
    return static_cast<std::uint64_t>(static_cast<std::int64_t>(platform_.local_us()) + offset_us_);
  return std::uint64_t{net_.clock().now()} * slot_us();
}

bool MeshNode::backbone() const noexcept {
  return config_.role == Role::gateway || neighbours_.is_parent_of_someone(id_, round_);
}

DisseminationView MeshNode::view() const noexcept {
  DisseminationView v;
  v.now_us = platform_.local_us();
  v.self = id_;
  v.parent = parent_;
  v.backbone = backbone();
  v.gateway = config_.role == Role::gateway;
  v.round = round_;
  v.neighbours = &neighbours_;
  return v;
}

MeshHeader MeshNode::own_header(MessageType type) const noexcept {
  MeshHeader h;
  h.type = type;
  h.origin = id_;
  h.hops = std::min(hops_, claimed_hops_);
  h.parent = parent_;
  h.flags = hop_flags();
  return h;
}

std::uint8_t MeshNode::hop_flags() const noexcept {
  return static_cast<std::uint8_t>((backbone() ? flag_backbone : 0) | (disseminator_.complete() ? flag_blob_complete : 0) |
                                   (net_.keys().phase() == net::KeyPhase::normal ? flag_key_settled : 0));
}

std::uint64_t MeshNode::backoff_us(std::uint32_t min_slots, std::uint32_t slots) noexcept {
  const std::uint32_t n = min_slots + (slots == 0 ? 0 : platform_.random_u32() % slots);
  return static_cast<std::uint64_t>(n) * config_.backoff_slot_us;
}

void MeshNode::drop(node::DropReason r) noexcept {
  drops_.add(r);
  if (current_ != nullptr && !current_->mesh_dropped) {
    current_->mesh_dropped = true;
    current_->mesh_reason = r;
  }
}

RxOutcome MeshNode::receive(std::span<const std::uint8_t> frame) noexcept {
  RxOutcome out;
  tick();
  current_ = &out;
  rx_frame_size_ = frame.size();
  const std::uint32_t epoch_before = net_.keys().newest_epoch();
  const net::RxResult r = net_.receive(frame, rx_plain_, this, nullptr);
  current_ = nullptr;
  out.net_reason = r.reason;
  // CSMA-CA: after the channel was busy, wait a random backoff before sending, so that
  // neighbours answering the same frame do not all start together.
  // The gateway, source of every push, contends with a short window so that the
  // pipeline it feeds is not starved by the traffic it causes.
  const std::uint32_t window = config_.role == Role::gateway ? config_.backoff_slots / 4U + 1U : config_.backoff_slots;
  const std::uint64_t backoff_end = platform_.local_us() + backoff_us(1, window);
  if (tx_ready_at_ < backoff_end) tx_ready_at_ = backoff_end;
  // While this frame was on the air the next hop could not carry ours on either: what
  // waits for an implicit acknowledgement waits that much longer (a busy neighbourhood
  // otherwise turns every slow hop into a retry, and every retry into backups).
  const std::uint64_t busy = frame_airtime_us(config_, frame.size()) + std::uint64_t{config_.backoff_slots} * config_.backoff_slot_us;
  for (auto& s : slots())
    if (s.used && s.sent) s.due_us = std::min(s.latest_due_us, s.due_us + busy);
  if (r.accepted() && r.header.type == wire::NetFrameType::sync_request && net_.synced()) {
    // Answer a neighbour's request for global time (net rate-limits to one per slot),
    // unless the request names a key older than the one the answer would be sealed under:
    // the requester could not open it, and a dozen such answers at once would only bury
    // the rekey a neighbour hands on to it instead.
    std::size_t len = 0;
    const bool opens = r.sync_request.key_epoch >= net_.keys().send_epoch();
    if (opens && pending_raw_len_ == 0 && net_.answer_sync_request(r, pending_raw_, len) == net::SendError::ok)
      pending_raw_len_ = len;
    offer_rekey_catch_up(r.header.src, r.sync_request.key_epoch);
  }
  if (r.accepted() && !r.rekey_catch_up.empty()) take_rekey_catch_up(r.rekey_catch_up);
  follow_neighbours_key_phase(r, out);
  if (r.reason == net::DropReason::unknown_key_index && r.header.type == wire::NetFrameType::data)
    note_unknown_key_index(r.header);
  const std::uint32_t epoch_after = net_.keys().newest_epoch();
  if (epoch_after != epoch_before) {  // a newer key came, asked for or not: no more asking
    newer_key_heard_ = false;
    key_retry_us_ = 0;
    behind_on_key_until_ = 0;
  }
  // A key delivered over the air (B1): acknowledge it to the back office.
  if (epoch_after != epoch_before && epoch_after > acked_epoch_ && config_.role != Role::gateway) {
    acked_epoch_ = epoch_after;
    acknowledge_key(epoch_after, 0);
  }
  schedule();
  return out;
}

void MeshNode::on_token(std::uint16_t src, std::uint8_t type, std::span<const std::uint8_t> value) noexcept {
  if (type != mesh_token_type) return;
  if (current_ != nullptr) current_->mesh_message = true;
  handle_message(src, value);
}

void MeshNode::handle_message(node::NodeId sender, std::span<const std::uint8_t> message) noexcept {
  MeshHeader h;
  std::span<const std::uint8_t> body;
  if (!parse_header(message, h, body)) {
    drop(node::DropReason::malformed);
    return;
  }
  if (current_ != nullptr) {
    current_->type = h.type;
    current_->sender_key_settled = (h.flags & flag_key_settled) != 0;
  }
  // Not the gateway's flag: it holds the blob from the start of a rollout, before its wave
  // carries the header, and asking it then would spread the header outside the wave.
  if ((h.flags & flag_blob_complete) != 0 && h.hops != 0) disseminator_.on_complete_neighbour(sender);
  if (h.type == MessageType::beacon) {
    handle_beacon(sender, h, body);
    return;
  }
  Neighbour& n = neighbours_.heard(sender, round_);
  n.hops = h.hops;
  n.parent = h.parent;
  n.backbone = (h.flags & flag_backbone) != 0;
  n.blob_complete = (h.flags & flag_blob_complete) != 0;
  // The parent no longer counts fewer hops than this node: the way through it has grown
  // (its own parent failed) or runs back through this node (a loop after a failure). Look
  // again now rather than at the next beacon: counts that chase each other around a hole
  // then climb at the pace of the frames, not of the beacon rounds.
  if (sender == parent_ && h.hops >= hops_ && hops_ != 0xFF && config_.role != Role::gateway) follow_gradient();
  // The uplink rules compare this node with the sender by the hops the gradient counts for
  // it, not by its headers alone: a neighbour of a stolen node that claims one hop
  // advertises a count through it that its beacon copies never showed (docs/simulator.md
  // §Gradient); taken at its word, nodes nearer the gateway would leave their retries to
  // it and drop their copies when it carries one.
  const std::uint8_t sender_hops = n.counted_hops();
  switch (h.type) {
    case MessageType::uplink: handle_uplink(sender, sender_hops, h, body); break;
    case MessageType::downlink: handle_downlink(h, body); break;
    case MessageType::routed: handle_routed(sender, h, body); break;
    case MessageType::advert: {
      AdvertBody a;
      if (!parse_advert(body, a)) {
        drop(node::DropReason::malformed);
        break;
      }
      n.blob_present = a.present;
      disseminator_.on_advert(sender, a, view());
      break;
    }
    case MessageType::request: {
      RequestBody r;
      if (!parse_request(body, r)) {
        drop(node::DropReason::malformed);
        break;
      }
      disseminator_.on_request(r, view());
      break;
    }
    case MessageType::fragment: {
      FragmentView f;
      if (!parse_fragment(body, f)) {
        drop(node::DropReason::malformed);
        break;
      }
      HeaderOutcome header = HeaderOutcome::duplicate;
      const ChunkOutcome o = disseminator_.on_fragment(sender, f, view(), header);
      if (o == ChunkOutcome::rejected) {
        drop(f.index == header_fragment_index ? node::DropReason::bad_blob_header : node::DropReason::bad_chunk);
      } else if (o == ChunkOutcome::duplicate) {
        drop(node::DropReason::duplicate);
      } else if (o == ChunkOutcome::out_of_order) {
        drop(node::DropReason::out_of_order);
      } else if (o == ChunkOutcome::stored && current_ != nullptr) {
        if (f.index == header_fragment_index) current_->header_accepted = header == HeaderOutcome::accepted;
        else current_->chunk_stored = true;
      }
      break;
    }
    case MessageType::wave: handle_wave(sender, body); break;
    case MessageType::ack: handle_ack(sender, sender_hops, body); break;
    case MessageType::probe: handle_probe(sender, h, body); break;
    case MessageType::beacon: break;
  }
}

void MeshNode::handle_ack(node::NodeId sender, std::uint8_t sender_hops, std::span<const std::uint8_t> body) noexcept {
  AckBody a;
  if (!parse_ack(body, a)) {
    drop(node::DropReason::malformed);
    return;
  }
  // A relay that had carried a routed message on already, or its destination, says so
  // when we repeat it (we missed its carrying it on).
  for (std::size_t i = 0; i < a.count; ++i) routed_carried(a.entries[i].origin, a.entries[i].seq, sender);
  // Uplinks: the gateway acknowledges what it took; a relay closer to the gateway what it
  // had already carried on when a retry of it came (the sender missed hearing it).
  if (config_.role == Role::gateway || sender_hops >= hops_) return;
  for (std::size_t i = 0; i < a.count; ++i)
    for (auto& s : slots())
      if (s.used && s.header.type == MessageType::uplink && s.header.origin == a.entries[i].origin &&
          s.header.seq == a.entries[i].seq)
        s = FloodSlot{};
}

void MeshNode::queue_ack(node::NodeId origin, std::uint16_t seq) noexcept {
  for (std::size_t i = 0; i < acks_.count; ++i)
    if (acks_.entries[i].origin == origin && acks_.entries[i].seq == seq) return;
  // A full list goes out at once; the sender of one that does not fit retries.
  if (acks_.count == max_ack_entries) return;
  // The first one waits a few slots, so that uplinks arriving close together share a frame.
  if (acks_.count == 0) acks_due_us_ = platform_.local_us() + 2ULL * config_.backoff_slot_us;
  acks_.entries[acks_.count++] = AckEntry{origin, seq};
  if (acks_.count == max_ack_entries) acks_due_us_ = platform_.local_us();
  schedule();
}

void MeshNode::handle_wave(node::NodeId sender, std::span<const std::uint8_t> body) noexcept {
  WaveView f;
  if (!parse_wave(body, f)) {
    drop(node::DropReason::malformed);
    return;
  }
  // TSCH-style keep-alive: a frame from our upstream ends at a time the schedule fixes, so
  // it corrects our clock (within the guard; anything further off is not trusted).
  const std::uint64_t flight = config_.turnaround_us + frame_airtime_us(config_, rx_frame_size_);
  const std::uint64_t expected = wave_.expected_end_us(sender, f, flight);
  if (expected != 0 && fine_synced_ && config_.role != Role::gateway) {
    const auto error = static_cast<std::int64_t>(expected) - static_cast<std::int64_t>(global_us());
    if (error > -static_cast<std::int64_t>(wave_.announcement().guard_us) &&
        error < static_cast<std::int64_t>(wave_.announcement().guard_us))
      offset_us_ += error;
  }
  HeaderOutcome header = HeaderOutcome::duplicate;
  const ChunkOutcome o = wave_.on_fragment(sender, f, disseminator_, view(), header);
  switch (o) {
    case ChunkOutcome::rejected:
      drop(f.item == 0 ? node::DropReason::bad_blob_header : node::DropReason::bad_chunk);
      break;
    case ChunkOutcome::duplicate: drop(node::DropReason::duplicate); break;
    case ChunkOutcome::out_of_order: drop(node::DropReason::out_of_order); break;
    case ChunkOutcome::stored:
      if (current_ != nullptr) {
        if (f.item == 0) current_->header_accepted = header == HeaderOutcome::accepted;
        else current_->chunk_stored = true;
      }
      break;
    case ChunkOutcome::partial: break;
  }
}

std::uint64_t MeshNode::radio_channel_stable_until() const noexcept {
  const std::uint64_t until = wave_.channel_stable_until(global_us());
  return until == std::numeric_limits<std::uint64_t>::max() ? until : local_of(until);
}

std::uint64_t MeshNode::local_of(std::uint64_t global) const noexcept {
  // Through the node's own global time, fine or still coarse: a node that has no fine
  // offset yet (no beacon heard lately) must not take a global time for a local one, or
  // a deadline lands hundreds of seconds away (its local clock started elsewhere).
  const std::uint64_t now_local = platform_.local_us();
  const std::uint64_t now_global = global_us();
  if (global >= now_global) return now_local + (global - now_global);
  const std::uint64_t back = now_global - global;
  return back > now_local ? 0 : now_local - back;
}

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

bool MeshNode::follow_wave(const WaveAnnouncement& announcement) noexcept {
  if (!wave_.announce(announcement)) return false;
  disseminator_.follow_wave(local_of(wave_.end_us()), wave_.assignment().relay);
  return true;
}

bool MeshNode::gateway_plan_wave(std::uint64_t lead_us, std::uint8_t parity, WaveAnnouncement& out) const noexcept {
  if (config_.role != Role::gateway || !wave_.assignment().in_plan) return false;
  const std::uint64_t slot = config_.turnaround_us + frame_airtime_us(config_, net::NetworkLayer::max_radio_frame) + 40;
  const std::uint16_t guard = 800;
  return slot <= 0xFFFF && WaveEngine::plan_announcement(disseminator_, global_us() + lead_us, parity,
                                                         static_cast<std::uint16_t>(slot), guard, out);
}

bool MeshNode::gateway_start_wave(const WaveAnnouncement& signed_announcement) noexcept {
  if (config_.role != Role::gateway || !wave_.assignment().in_plan) return false;
  std::array<std::uint8_t, wave_announcement_size> body{};
  if (encode_wave_announcement(signed_announcement, body) != body.size()) return false;
  // Twice: a node that missed the first copy of the flood has a second chance.
  if (!send_downlink(body)) return false;
  (void)send_downlink(body);
  follow_wave(signed_announcement);
  schedule();
  return true;
}

void MeshNode::send_wave_fragment() noexcept {
  std::uint16_t item = 0;
  std::uint8_t number = 0;
  std::array<std::uint8_t, wave_fragment_size> data{};
  if (platform_.radio_busy() || !wave_.take_fragment(global_us(), disseminator_, store_, item, number, data)) return;
  std::array<std::uint8_t, max_message_size> message{};
  MeshHeader h = own_header(MessageType::wave);
  h.seq = ++seq_;
  const std::size_t n = encode_wave(h, item, number, data, message);
  if (n != 0) transmit_in_slot(MessageType::wave, std::span<const std::uint8_t>(message).first(n));
}

void MeshNode::transmit_in_slot(MessageType type, std::span<const std::uint8_t> message) noexcept {
  std::array<std::uint8_t, max_message_size + 2> tokens{};
  wire::BoundedWriter w(tokens);
  if (wire::write_token(w, mesh_token_type, message) != wire::WireError::ok) return;
  std::size_t len = 0;
  if (net_.send(wire::NetLayout::broadcast, std::span<const std::uint8_t>(tokens).first(w.size()), tx_frame_, len, 1) !=
      net::SendError::ok)
    return;
  // A scheduled slot: no carrier sense (the schedule keeps the channel ours).
  if (platform_.transmit(std::span<const std::uint8_t>(tx_frame_).first(len))) ++sent_[static_cast<std::size_t>(type)];
}

std::uint64_t MeshNode::round_start_us(std::uint32_t round) const noexcept {
  return std::uint64_t{config_.first_slot} * slot_us() + std::uint64_t{round - 1} * config_.beacon_period_us;
}

bool MeshNode::beacon_time_acceptable(const BeaconBody& b, std::uint64_t global_now,
                                      std::uint64_t local_now) const noexcept {
  // Only the gateway can show a round's chain value first, but once shown any holder of
  // the network key can repeat it under a time of its own. Two bounds hold such a liar:
  // the stamp must fall within the round, and a clock that beacons have set already moves
  // by no more than the tolerance plus the drift since.
  const std::uint64_t start = round_start_us(b.round);
  if (b.global_us < start || b.global_us >= start + config_.beacon_period_us) return false;
  if (!fine_synced_) return true;
  const std::uint64_t since = local_now - std::min(local_now, last_time_at_);
  const std::uint64_t tolerance =
      config_.beacon_time_tolerance_us + since / 1'000'000 * 2 * config_.clock_tolerance_ppm;
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
  // of this node's own clock is not even checked: each check costs hashing. The gateway
  // checks the copies passed back to it from its own end of the chain.
  const std::uint64_t global = global_us();
  const bool ahead = b.round > round_ + 1 && fine_synced_ &&
                     b.round > (global - std::min(global, round_start_us(1))) / config_.beacon_period_us + 2;
  const bool genuine =
      !ahead && (chain_source_ ? b.round <= round_ && chain_source_->genuine(b.round, b.chain_hops, b.chain)
                               : chain_.check(b.round, b.chain_hops, b.chain) == BeaconChainVerifier::Verdict::genuine);
  if (!genuine) {
    drop(node::DropReason::bad_beacon);
    return;
  }
  const bool fresh = b.round > round_ && config_.role != Role::gateway;
  if (fresh) {
    last_beacon_at_ = platform_.local_us();
    round_ = b.round;
    neighbours_.expire(round_);
    if (current_ != nullptr) current_->beacon_taken = true;
  }
  if (config_.role != Role::gateway && b.round == round_ && time_round_ != round_) {
    // The first copy of the round whose time is acceptable sets the clock. M5: the sender
    // stamped its global time as it handed the frame to the radio; add the flight
    // (turnaround + airtime of the frame as received).
    const std::uint64_t flight = config_.turnaround_us + frame_airtime_us(config_, rx_frame_size_);
    const std::uint64_t now = platform_.local_us();
    const std::uint64_t global_now = b.global_us + flight;
    if (beacon_time_acceptable(b, global_now, now)) {
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

bool MeshNode::has_free_slot() const noexcept {
  for (const auto& s : slots())
    if (!s.used || s.conditional) return true;
  return false;
}

MeshNode::FloodSlot* MeshNode::free_slot() noexcept {
  for (auto& s : slots())
    if (!s.used) return &s;
  // A conditional flood copy is the least needed thing we hold: it gives way.
  for (auto& s : slots())
    if (s.conditional) return &s;
  return nullptr;
}

void MeshNode::fill_slot(FloodSlot& slot, const MeshHeader& h, std::span<const std::uint8_t> body,
                         std::uint64_t due) noexcept {
  slot.used = true;
  slot.sent = false;
  slot.tries = 0;
  slot.conditional = false;
  slot.copies_heard = 0;

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
  // image by repair. Twice, a quarter and three fifths into that period (away from the
  // boundaries where the neighbours tune to their wave channels): where the flood died,
  // these echoes are all that carries the announcement on, relay to relay, and one lost
  // echo across a lossy link cut off the rest of a 60-node line (seed 1: 21 nodes, 8 s of
  // repair).
  if (fresh_wave && wave_.following() && wave_.assignment().relay && wave_.assignment().level >= 2) {
    for (const std::uint64_t twentieths : {5U, 12U}) {
      FloodSlot* echo = free_slot();
      if (echo == nullptr) break;
      MeshHeader once = h;
      once.ttl = 0;
      const std::uint64_t at = wave_.announcement().t0_us + (wave_.assignment().level - 2ULL) * wave_.period_us() +
                               wave_.period_us() * twentieths / 20;
      fill_slot(*echo, once, body, local_of(at));
      ++announcement_echoes_;
    }
  }
  if (h.ttl == 0 || config_.role == Role::gateway) return;
  FloodSlot* slot = free_slot();
  if (slot == nullptr) {
    if (carry) drop(node::DropReason::queue_full);
    return;
  }
  MeshHeader fwd = h;
  fwd.ttl = static_cast<std::uint8_t>(h.ttl - 1);
  const std::uint64_t wait = carry ? backoff_us(0, config_.backoff_slots)
                                   : backoff_us(config_.backoff_slots, 2U * config_.backoff_slots);
  fill_slot(*slot, fwd, body, platform_.local_us() + wait);
  slot->conditional = !carry;
  // The announcement goes out twice: missing it costs a node every chunk by repair.
  if (kind == DownlinkKind::wave_announcement && carry) {
    if (FloodSlot* again = free_slot(); again != nullptr)
      fill_slot(*again, fwd, body, platform_.local_us() + wait + backoff_us(config_.backoff_slots, 2U * config_.backoff_slots));
  }
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

RoutedAddresses MeshNode::routed_addresses_of(const FloodSlot& slot) noexcept {
  return routed_addresses(std::span<const std::uint8_t>(body_of(slot)).first(slot.length));
}

void MeshNode::routed_carried(node::NodeId origin, std::uint16_t seq, node::NodeId by) noexcept {
  for (auto& s : slots())
    if (s.used && s.header.type == MessageType::routed && s.header.origin == origin && s.header.seq == seq &&
        routed_addresses_of(s).via == by)
      s = FloodSlot{};
}

MeshNode::FloodSlot* MeshNode::carry_routed(const MeshHeader& h, node::NodeId via, const AppBody& app,
                                            std::uint64_t due) noexcept {
  FloodSlot* slot = free_slot();
  if (slot == nullptr) return nullptr;
  RoutedBody b;
  b.via = via;
  b.app = app;
  std::array<std::uint8_t, max_message_size> buffer{};
  const std::size_t len = encode_routed(h, b, buffer);
  if (len <= mesh_header_size) return nullptr;
  fill_slot(*slot, h, std::span<const std::uint8_t>(buffer).subspan(mesh_header_size, len - mesh_header_size), due);
  return slot;
}

bool MeshNode::send_routed(node::NodeId destination, std::span<const std::uint8_t> body) noexcept {
  if (config_.role != Role::gateway || body.empty() || body.size() > max_routed_payload) return false;
  const node::NodeId via = routes_.next_hop(destination);
  if (via == node::no_node) return false;
  MeshHeader h = own_header(MessageType::routed);
  h.seq = static_cast<std::uint16_t>(seq_ + 1);
  h.ttl = config_.flood_ttl;
  AppBody app;
  app.destination = destination;
  app.length = static_cast<std::uint16_t>(body.size());
  std::copy(body.begin(), body.end(), app.payload.begin());
  const FloodSlot* slot = carry_routed(h, via, app, platform_.local_us());
  if (slot == nullptr) return false;
  ++seq_;
  (void)duplicates_.insert(flood_key(h, std::span<const std::uint8_t>(body_of(*slot)).first(slot->length)));
  schedule();
  return true;
}

void MeshNode::handle_routed(node::NodeId sender, const MeshHeader& h, std::span<const std::uint8_t> body) noexcept {
  RoutedBody b;
  if (!parse_routed(body, b)) {
    drop(node::DropReason::malformed);
    return;
  }
  // Implicit acknowledgement: the neighbour we handed it to carries it on (also while we
  // wait to retry: it got an earlier copy).
  routed_carried(h.origin, h.seq, sender);
  if (b.via != id_ || config_.role == Role::gateway) return;  // overheard: not ours to carry
  const auto payload = std::span<const std::uint8_t>(b.app.payload).first(b.app.length);
  if (!duplicates_.insert(flood_key(h, body))) {
    // A repeat: the hop before us missed our carrying it on (or, at the destination, our
    // answer). Unless we still hold it, tell it so in an acknowledgement; carrying it on
    // again would send every hop after us round again too.
    drop(node::DropReason::duplicate);
    for (const auto& s : slots())
      if (s.used && s.header.type == MessageType::routed && s.header.origin == h.origin && s.header.seq == h.seq) return;
    queue_ack(h.origin, h.seq);
    return;
  }
  if (b.app.destination == id_) {
    if (payload.empty()) drop(node::DropReason::malformed);
    else deliver(payload, true);
    return;
  }
  if (h.ttl == 0) {
    drop(node::DropReason::ttl_expired);
    return;
  }
  const node::NodeId next = routes_.next_hop(b.app.destination);
  if (next == node::no_node) {
    drop(node::DropReason::no_route);
    return;
  }
  MeshHeader fwd = h;
  fwd.ttl = static_cast<std::uint8_t>(h.ttl - 1);
  fwd.flags = 0;
  if (carry_routed(fwd, next, b.app, platform_.local_us() + backoff_us(0, config_.backoff_slots)) == nullptr)
    drop(node::DropReason::queue_full);
}

bool MeshNode::join_unblocked() const noexcept {
  return !joined_ && config_.join && config_.role != Role::gateway && time_settled() && hops_ != 0xFF &&
         parent_ != node::no_node;
}

std::uint64_t MeshNode::rejoin_interval_us() const noexcept {
  // Parents change often on lossy links, so in a large mesh the rejoins add up to a steady
  // load on the gateway's neighbourhood: at most four join spreads' worth of nodes, each
  // once per interval, keeps it a quarter of the load of the first joins.
  return std::max<std::uint64_t>(min_rejoin_interval_us, 4 * config_.join_spread_us);
}

std::uint64_t MeshNode::join_spread_draw() noexcept {
  return config_.join_spread_us == 0 ? 0 : platform_.random_u32() % config_.join_spread_us;
}

void MeshNode::maybe_join(std::uint64_t now) noexcept {
  if (!join_unblocked()) return;
  if (join_at_us_ == 0) {
    join_at_us_ = now + join_spread_draw() + 1;
    return;
  }
  // Not while a firmware wave runs: its schedule keeps the channels for the wave. A join
  // that fell due before the wave's end goes out at a moment drawn within the join spread
  // after it, as at boot, not as it ends: at 3,000 nodes the joins the wave held back, all
  // at once, kept the mesh's uplinks storming for seconds. (Whether or not this node woke
  // during the wave: one that sleeps through it is woken at its end, and draws then.)
  if (wave_.following()) {
    const std::uint64_t end = local_of(wave_.end_us());
    if (join_at_us_ < end) {
      join_at_us_ = end + join_spread_draw() + 1;
      return;
    }
  }
  if (now < join_at_us_ || free_slot() == nullptr) return;
  joined_ = true;
  last_join_us_ = now;
  ++joins_sent_;
  std::array<std::uint8_t, 3> plain{};
  wire::BoundedWriter w(plain);
  w.u8(hops_);
  w.u16be(parent_);
  queue_record_uplink(node::RecordKind::join, plain);
}

void MeshNode::apply_records(std::span<const std::uint8_t> payload) noexcept {
  // records = kind ‖ record kind ‖ count ‖ record size ‖ count × record
  wire::BoundedReader r(payload);
  (void)r.u8();
  const auto kind = static_cast<node::RecordKind>(r.u8());
  const std::uint8_t count = r.u8();
  const std::uint8_t size = r.u8();
  if (!r.ok() || size < node::record_overhead || r.remaining() != static_cast<std::size_t>(count) * size) {
    drop(node::DropReason::malformed);
    return;
  }
  // What the back office may send a node, the size of its plaintext, and the counter that
  // orders records of that kind (the record key binds the kind: one kind cannot pass for another).
  std::size_t plain_size = 0;
  std::uint32_t* last = nullptr;
  node::RecordKind ack_kind{};
  if (kind == node::RecordKind::commission) {
    plain_size = commission_params_size;
    last = &downlink_counter_;
    ack_kind = node::RecordKind::commission_ack;
  } else if (kind == node::RecordKind::wave_part) {
    plain_size = wave_part_size;
    last = &wave_part_counter_;
    ack_kind = node::RecordKind::wave_part_ack;
  } else if (kind == node::RecordKind::link_report_request) {
    plain_size = 2;  // survey u16
    last = &report_request_counter_;
    ack_kind = node::RecordKind::link_report;  // the answer is the report itself
  }
  for (std::uint8_t i = 0; i < count; ++i) {
    const auto record = r.bytes(size);
    if (node::record_node(record) != id_) continue;
    std::array<std::uint8_t, std::max(commission_params_size, wave_part_size)> buffer{};
    if (last == nullptr || size - node::record_overhead != plain_size) {
      drop(node::DropReason::not_whitelisted);
      return;
    }
    const auto plain = std::span<std::uint8_t>(buffer).first(plain_size);
    std::uint32_t counter = 0;
    if (!sealer_.open(kind, node::RecordDirection::downlink, id_, record, counter, plain)) {
      drop(node::DropReason::bad_record);
      return;
    }
    // A record seen before is acknowledged again (our ack may have been lost) but not
    // applied twice; an older one is a replay.
    if (counter < *last) {
      drop(node::DropReason::record_replay);
      crypto::secure_wipe(buffer.data(), buffer.size());
      return;
    }
    // A report request changes nothing here; it is answered as other records are
    // acknowledged, again when it comes again.
    const bool request = kind == node::RecordKind::link_report_request;
    const auto survey = request ? static_cast<std::uint16_t>(plain[0] << 8U | plain[1]) : std::uint16_t{0};
    const bool applied = request || counter == *last ||
                         (kind == node::RecordKind::commission ? apply_commission(plain) : apply_wave_part(plain));
    crypto::secure_wipe(buffer.data(), buffer.size());
    if (!applied) {
      drop(node::DropReason::malformed);  // authentic, but not a layout this node knows
      return;
    }
    *last = counter;
    if (request) {
      answer_report_request(survey);
      return;
    }
    std::array<std::uint8_t, 4> ack{};
    wire::BoundedWriter w(ack);
    w.u32be(counter);
    queue_record_uplink(ack_kind, ack);
    return;
  }
}

bool MeshNode::apply_commission(std::span<const std::uint8_t> plain) noexcept {
  wire::BoundedReader p(plain);
  CommissionParams params;
  params.report_interval_s = p.u16be();
  params.group = p.u16be();
  params.role = p.u8();
  params.tx_power = p.u8();
  params.reserved = p.u16be();
  if (p.finish() != wire::WireError::ok) return false;
  params_ = params;
  commissioned_ = true;
  return true;
}

bool MeshNode::apply_wave_part(std::span<const std::uint8_t> plain) noexcept {
  WaveAssignment part;
  if (!parse_wave_part(plain, part)) return false;
  wave_.assign(part);
  return true;
}

void MeshNode::take_link_survey(const LinkSurvey& survey) noexcept {
  // A survey is taken only if it starts within a minute, is not over and lasts at most an
  // hour, and only once the one taken before is over: its number orders nothing, so even
  // a survey the back office signed, replayed, holds the nodes for its own span at most,
  // not for every later survey.
  constexpr std::uint64_t max_lead_us = 60'000'000;
  constexpr std::uint64_t max_span_us = 3'600'000'000;
  const std::uint64_t now = global_us();
  if (!fine_synced_ && config_.role != Role::gateway) return;
  if (survey.end_us() <= now || survey.t0_us > now + max_lead_us || survey.rounds * survey.round_us() > max_span_us) return;
  if (survey_.survey != 0 && survey.t0_us < survey_.end_us()) return;  // this one again, or one over it
  survey_ = survey;
  probes_done_ = 0;
  report_count_due_us_ = 0;
  link_report_due_us_ = 0;
  schedule();
}

bool MeshNode::gateway_plan_survey(std::uint16_t survey, std::uint64_t lead_us, std::uint8_t rounds,
                                   std::uint16_t slots, std::uint8_t spread_s, LinkSurvey& out) const noexcept {
  if (config_.role != Role::gateway || !net_.synced()) return false;
  // A probe is a header-only message: its frame, the turnaround and the clock error of
  // two nodes fit a slot with room to spare.
  const std::uint64_t slot = config_.turnaround_us + frame_airtime_us(config_, 48) + 1200;
  if (slot > 0xFFFF) return false;
  out = LinkSurvey{survey, global_us() + lead_us, rounds, static_cast<std::uint16_t>(slot), slots, spread_s, {}};
  return true;
}

bool MeshNode::gateway_start_survey(const LinkSurvey& signed_survey) noexcept {
  if (config_.role != Role::gateway || !net_.synced()) return false;
  std::array<std::uint8_t, link_survey_size> body{};
  if (encode_link_survey(signed_survey, body) != body.size()) return false;
  // The nodes take only what parses: a survey they would refuse is not sent.
  LinkSurvey check;
  if (!parse_link_survey(body, check) || !send_downlink(body)) return false;
  (void)send_downlink(body);  // twice, like the wave's announcement: a node that misses it is left out
  take_link_survey(signed_survey);
  return true;
}

std::uint64_t MeshNode::next_probe_us() const noexcept {
  if (survey_.survey == 0 || probes_done_ >= survey_.rounds || id_ == 0) return never;
  return survey_.t0_us + probes_done_ * survey_.round_us() + std::uint64_t{survey_.slot_of(id_, probes_done_)} * survey_.slot_us;
}

void MeshNode::send_probe() noexcept {
  const std::uint64_t slot_start = next_probe_us();
  ++probes_done_;
  if (probes_done_ == survey_.rounds && config_.role != Role::gateway) report_count_due_us_ = local_of(survey_.end_us());
  // A slot already half gone (the node was busy) is left out: a late probe could meet the
  // next node's. The listeners count it lost, which errs towards caution.
  if (!fine_synced_ || platform_.radio_busy() || global_us() > slot_start + survey_.slot_us / 4) return;
  std::array<std::uint8_t, max_message_size> message{};
  MeshHeader h = own_header(MessageType::probe);
  h.seq = survey_.survey;
  h.ttl = 0;
  const std::size_t n = encode_header_only(h, message);
  if (n != 0) transmit_in_slot(MessageType::probe, std::span<const std::uint8_t>(message).first(n));
}

void MeshNode::handle_probe(node::NodeId sender, const MeshHeader& h, std::span<const std::uint8_t> body) noexcept {
  if (!body.empty() || h.origin != sender) {
    drop(node::DropReason::malformed);
    return;
  }
  // Counted only for the survey this node takes part in, once per probe slot.
  if (survey_.survey == 0 || h.seq != survey_.survey) return;
  Neighbour* n = neighbours_.find(sender);
  if (n == nullptr) return;
  if (n->probe_survey != survey_.survey) {
    n->probe_survey = survey_.survey;
    n->probes_heard = 0;
  }
  if (n->probes_heard < survey_.rounds) ++n->probes_heard;
}

MeshNode::LinkReports MeshNode::link_reports() const noexcept {
  static_assert(NeighbourTable::capacity <= std::tuple_size_v<LinkReports> * link_report_max_links);
  LinkReports reports{};
  if (survey_.survey == 0) return reports;
  std::array<LinkReport::Link, NeighbourTable::capacity> heard{};
  std::size_t count = 0;
  neighbours_.for_each([&](const Neighbour& n) {
    if (n.probe_survey == survey_.survey && n.probes_heard > 0 && count < heard.size()) heard[count++] = {n.id, n.probes_heard};
  });
  // Best heard first, so that the first record holds the links the planner can use most.
  std::sort(heard.begin(), heard.begin() + static_cast<std::ptrdiff_t>(count), [](const auto& a, const auto& b) {
    return a.heard != b.heard ? a.heard > b.heard : a.neighbour < b.neighbour;
  });
  for (std::size_t i = 0; i < count; ++i) {
    auto& part = reports[i / link_report_max_links];
    part.links[part.count++] = heard[i];
  }
  for (auto& part : reports) part.rounds = survey_.rounds;
  number_report_parts(reports);
  return reports;
}

void MeshNode::number_report_parts(LinkReports& reports) noexcept {
  reports[1].part = 1;
  reports[0].more = reports[1].count > 0;
}

void MeshNode::count_link_report() noexcept {
  // The counts are taken when the last round ends and kept until the report goes out: a
  // neighbour that then goes unheard for two beacon rounds leaves the table, and its
  // counts with it.
  report_count_due_us_ = 0;
  pending_reports_ = link_reports();
  link_report_due_us_ = platform_.local_us() + 1 + platform_.random_u32() % (std::uint64_t{survey_.spread_s} * 1'000'000U);
}

void MeshNode::answer_report_request(std::uint16_t survey) noexcept {
  if (link_report_due_us_ != 0) return;  // the report is on its way already
  // The counts taken for that survey; without them (the node missed the survey, or has not
  // counted yet and its own report follows), rounds 0 and the neighbours it hears now,
  // with no counts: enough for the planner to place it.
  if (survey == 0 || survey != survey_.survey || report_count_due_us_ != 0) {
    pending_reports_ = LinkReports{};
    std::size_t count = 0;
    neighbours_.for_each([&](const Neighbour& n) {
      if (n.heard_round + NeighbourTable::expiry_rounds < round_) return;
      auto& part = pending_reports_[count++ / link_report_max_links];
      part.links[part.count++] = {n.id, 0};
    });
    number_report_parts(pending_reports_);
  }
  send_link_report();
}

void MeshNode::send_link_report() noexcept {
  link_report_due_us_ = 0;
  for (std::size_t i = 0; i < pending_reports_.size(); ++i) {
    const LinkReport& part = pending_reports_[i];
    if (i > 0 && part.count == 0) break;
    std::array<std::uint8_t, link_report_size(link_report_max_links)> plain{};
    const std::size_t n = encode_link_report(part, plain);
    if (n != 0) queue_record_uplink(node::RecordKind::link_report, std::span<const std::uint8_t>(plain).first(n));
  }
}

void MeshNode::acknowledge_key(std::uint32_t epoch, std::uint64_t delay_us) noexcept {
  std::array<std::uint8_t, 4> ack{};
  wire::BoundedWriter w(ack);
  w.u32be(epoch);
  queue_record_uplink(node::RecordKind::key_ack, ack, delay_us);
}

void MeshNode::queue_record_uplink(node::RecordKind kind, std::span<const std::uint8_t> plaintext,
                                   std::uint64_t delay_us) noexcept {
  FloodSlot* slot = free_slot();
  AppBody app;
  if (slot == nullptr || plaintext.size() + node::record_overhead + 1 > app.payload.size()) {
    ++uplinks_abandoned_;
    return;
  }
  app.payload[0] = static_cast<std::uint8_t>(kind);
  const std::size_t n = sealer_.seal(kind, node::RecordDirection::uplink, id_, ++uplink_counter_, plaintext,
                                     std::span<std::uint8_t>(app.payload).subspan(1));
  if (n == 0) return;
  app.destination = 0;
  app.length = static_cast<std::uint16_t>(n + 1);
  MeshHeader h = own_header(MessageType::uplink);
  h.seq = ++seq_;
  h.ttl = config_.flood_ttl;
  h.flags = 0;
  std::array<std::uint8_t, max_message_size> buffer{};
  const std::size_t len = encode_app(h, app, buffer);
  if (len <= mesh_header_size) return;
  const auto carried = std::span<const std::uint8_t>(buffer).subspan(mesh_header_size, len - mesh_header_size);
  (void)duplicates_.insert(flood_key(h, carried));
  fill_slot(*slot, h, carried,
            platform_.local_us() + delay_us + backoff_us(0, config_.backoff_slots));
  schedule();
}

bool MeshNode::send_reading(std::span<const std::uint8_t> plaintext) noexcept {
  if (!net_.synced() || config_.role == Role::gateway || hops_ == 0xFF || free_slot() == nullptr) return false;
  queue_record_uplink(node::RecordKind::reading, plaintext);
  return true;
}

bool MeshNode::send_downlink(std::span<const std::uint8_t> body) noexcept {
  if (config_.role != Role::gateway || body.empty() || body.size() > max_app_payload) return false;
  FloodSlot* slot = free_slot();
  if (slot == nullptr) return false;
  MeshHeader h = own_header(MessageType::downlink);
  h.seq = ++seq_;
  h.ttl = config_.flood_ttl;
  AppBody app;
  app.destination = node::broadcast_id;
  app.length = static_cast<std::uint16_t>(body.size());
  for (std::size_t i = 0; i < body.size(); ++i) app.payload[i] = body[i];
  std::array<std::uint8_t, max_message_size> buffer{};
  const std::size_t len = encode_app(h, app, buffer);
  if (len <= mesh_header_size) return false;
  const auto carried = std::span<const std::uint8_t>(buffer).subspan(mesh_header_size, len - mesh_header_size);
  (void)duplicates_.insert(flood_key(h, carried));
  fill_slot(*slot, h, carried,
            platform_.local_us());
  schedule();
  return true;
}

net::KeyChange MeshNode::gateway_stage_key(std::uint32_t epoch, std::span<const std::uint8_t> key) noexcept {
  tick();
  return net_.stage_key(epoch, key);
}
net::KeyChange MeshNode::gateway_switch_key(std::uint32_t epoch) noexcept {
  tick();
  return net_.switch_key(epoch);
}
net::KeyChange MeshNode::gateway_retire_key(std::uint32_t epoch) noexcept {
  tick();
  return net_.retire_key(epoch);
}

HeaderOutcome MeshNode::gateway_offer_header(std::span<const std::uint8_t> signed_header) noexcept {
  const HeaderOutcome o = disseminator_.on_header(signed_header, view());
  schedule();
  return o;
}

ChunkOutcome MeshNode::gateway_offer_chunk(std::span<const std::uint8_t> packet) noexcept {
  const ChunkOutcome o = disseminator_.on_chunk(packet, view());
  schedule();
  return o;
}

void MeshNode::on_wake() noexcept {
  tick();
  const std::uint64_t now = platform_.local_us();
  if (adopt_pending_ && now >= adopt_at_us_) {
    adopt_pending_ = false;
    if (!net_.synced() || adopt_slot_ >= net_.clock().now()) net_.set_global_time(adopt_slot_);
  }
  if (config_.role == Role::gateway && now >= next_beacon_at_) {
    ++round_;
    neighbours_.expire(round_);
    beacon_pending_ = true;
    beacon_due_us_ = now;
    // Round r starts at first_slot seconds + (r − 1) periods of global time (the nodes hold
    // beacons to it): a late wake-up must not push the rounds after it.
    next_beacon_at_ += config_.beacon_period_us;
  }
  // Unsynchronised, or synchronised but hearing no beacon (a coarse time too far behind
  // to open them): ask the neighbours for global time (net sync request, in the clear; a
  // response only ever moves the network layer's time forward).
  // Beacons missing while frames under the next key's index are heard: it is the key this
  // node lacks, not time, and it asks for that at the key's pace (below).
  const bool beacons_missing = !fine_synced_ || now > last_beacon_at_ + 3 * config_.beacon_period_us;
  const bool behind_on_key = now < behind_on_key_until_;
  if (config_.role != Role::gateway && (!net_.synced() || (beacons_missing && !behind_on_key) || newer_key_heard_) &&
      now >= next_sync_request_at_ && pending_raw_len_ == 0) {
    std::size_t len = 0;
    if (net_.make_sync_request(pending_raw_, len) == net::SendError::ok) pending_raw_len_ = len;
    // Asking only for the key the network moved to, a node asks once per frame it heard
    // under the newer key's index and backs off until a key comes: a revoked node, which no
    // neighbour answers, must not spend its battery asking every second and a half, and a
    // forged header with that index (it needs no key) buys one request at most.
    const bool key_only = net_.synced() && newer_key_heard_;
    std::uint64_t wait = config_.sync_retry_us;
    if (key_only) {
      if (key_retry_us_ == 0) key_retry_us_ = config_.sync_retry_us;
      wait = key_retry_us_;
      key_retry_us_ = std::min(2 * key_retry_us_, max_key_retry_us);
      newer_key_heard_ = false;
    }
    next_sync_request_at_ = now + wait + backoff_us(0, 1000);
  }
  if (wave_.next_send_us() <= global_us()) send_wave_fragment();
  maybe_join(now);
  while (next_probe_us() <= global_us()) send_probe();
  if (report_count_due_us_ != 0 && now >= report_count_due_us_) count_link_report();
  if (link_report_due_us_ != 0 && now >= link_report_due_us_ && has_free_slot()) send_link_report();
  // Uplinks and routed messages whose implicit acknowledgement did not come: retry, then
  // give up (the back office sends an unanswered routed message again, in the end by flood).
  for (auto& s : slots()) {
    if (!s.used || !s.sent || now < s.due_us) continue;
    if (s.tries > config_.uplink_retries) {
      if (s.header.type != MessageType::routed) ++uplinks_abandoned_;
      s = FloodSlot{};
      continue;
    }
    s.sent = false;
    // An uplink asks its named parent once more before it asks anyone closer: most misses
    // are a lost implicit acknowledgement, which the parent answers with an `ack`. Opened
    // to every neighbour at once, each retry had every same-level neighbour take a copy:
    // in a dense cluster with lossy links those copies' own retries fed on each other
    // until the channel carried 30 frames per reading and delivered under half of them.
    // A parent not heard this round or the last may have failed: then no repeat.
    const Neighbour* parent = neighbours_.find(parent_);
    const bool parent_heard = parent != nullptr && parent->heard_round + 1 >= round_;
    const bool first_retry = s.header.type == MessageType::uplink && s.tries == 1 && parent_heard;
    s.header.flags = static_cast<std::uint8_t>((s.header.flags & ~(flag_retry | flag_repeat)) |
                                               (first_retry ? flag_repeat : flag_retry));
    // Exponential backoff: a retry that collided with a hidden neighbour should not meet
    // it again on the same schedule.
    s.due_us = now + backoff_us(0, std::uint32_t{config_.backoff_slots} << std::min<std::uint32_t>(s.tries, 4U));
  }
  try_send();
  schedule();
}

void MeshNode::on_radio_idle() noexcept {
  const std::uint32_t window = config_.role == Role::gateway ? config_.backoff_slots / 4U + 1U : config_.backoff_slots;
  tx_ready_at_ = std::max(platform_.local_us() + backoff_us(1, window), routed_quiet_until_);
  schedule();
}

std::size_t MeshNode::build_tokens(std::uint64_t now, std::span<std::uint8_t> tokens, MessageType& type) noexcept {
  std::array<std::uint8_t, max_message_size> message{};
  std::size_t n = 0;
  std::span<const std::uint8_t> extra;  // network token value re-sent beside a downlink
  std::uint8_t extra_type = 0;
  FloodSlot* done_slot = nullptr;
  if (acks_.count > 0 && now >= acks_due_us_) {
    MeshHeader h = own_header(MessageType::ack);
    h.seq = ++seq_;
    type = MessageType::ack;
    n = encode_ack(h, acks_, message);
    acks_ = AckBody{};
  }
  if (n == 0 && beacon_pending_ && now >= beacon_due_us_ && !beacon_copy_near_enough() && now < beacon_last_call_us_)
    beacon_due_us_ = beacon_last_call_us_;  // a nearer copy may come yet (handle_beacon())
  if (n == 0 && beacon_pending_ && now >= beacon_due_us_) {
    beacon_pending_ = false;
    MeshHeader h = own_header(MessageType::beacon);
    h.origin = 0;
    h.seq = static_cast<std::uint16_t>(round_);
    BeaconBody b;
    b.round = round_;
    b.global_us = global_us();
    b.degree = neighbours_.live_count(round_);
    // Without a chain value (the gateway's chain ran out, or the copy would go M hops) no
    // node could take it. A node whose clock no beacon has set (it took the round from a
    // copy too late to take its time) has only the network layer's whole seconds to stamp
    // it with: it passes nothing on rather than spread that.
    if ((fine_synced_ || config_.role == Role::gateway) && own_beacon_chain(b)) {
      type = MessageType::beacon;
      n = encode_beacon(h, b, message);
      beacon_sent_round_ = round_;
      beacon_sent_hops_ = b.chain_hops;
    }
  }
  // A routed message due goes first: the hop before us holds it (and its slot) until it
  // hears us carry it on.
  const auto usable = slots();
  std::size_t first = 0;
  for (std::size_t i = 0; i < usable.size(); ++i)
    if (usable[i].used && !usable[i].sent && now >= usable[i].due_us && usable[i].header.type == MessageType::routed) {
      first = i;
      break;
    }
  for (std::size_t k = 0; n == 0 && k < usable.size(); ++k) {
    FloodSlot& s = usable[(first + k) % usable.size()];
    if (!s.used || s.sent || now < s.due_us) continue;
    MeshHeader h = s.header;
    h.hops = hops_;
    h.parent = parent_;
    h.flags = static_cast<std::uint8_t>((s.header.flags & (flag_retry | flag_repeat)) | hop_flags());
    type = h.type;
    const auto& body = body_of(s);
    n = encode_raw(h, std::span<const std::uint8_t>(body).first(s.length), message);
    if (h.type == MessageType::downlink) {
      // body = destination u16 ‖ length u16 ‖ kind ‖ ...; net tokens follow the kind byte.
      const auto kind = s.length > 5 ? static_cast<DownlinkKind>(body[4]) : DownlinkKind::records;
      if (kind == DownlinkKind::key_delivery || kind == DownlinkKind::key_phase) {
        extra = std::span<const std::uint8_t>(body).subspan(5, s.length - 5u);
        extra_type = kind == DownlinkKind::key_delivery ? wire::NetTokenType::key_delivery : wire::NetTokenType::key_phase;
      }
    }
    done_slot = &s;
  }
  if (n == 0) {
    // What the wave left half-collected at the end of our part goes to repair.
    if (wave_.following() && global_us() >= wave_.end_us()) wave_.hand_over_partial(disseminator_, view());
    std::array<std::uint8_t, max_body> body{};
    const std::size_t b = disseminator_.next_message(view(), type, body);
    if (b == 0) return 0;
    MeshHeader h = own_header(type);
    h.seq = ++seq_;
    n = encode_raw(h, std::span<const std::uint8_t>(body).first(b), message);
  }
  if (n == 0) return 0;
  wire::BoundedWriter w(tokens);
  // The network token first: a key phase applies before the message is handled.
  if (!extra.empty() && wire::write_token(w, extra_type, extra) != wire::WireError::ok) return 0;
  if (wire::write_token(w, mesh_token_type, std::span<const std::uint8_t>(message).first(n)) != wire::WireError::ok)
    return 0;
  if (done_slot != nullptr) {
    // Uplinks wait for the next hop to be heard carrying them, or next to the gateway
    // (which carries nothing on) for its acknowledgement; routed messages likewise.
    if (type == MessageType::uplink || type == MessageType::routed) {
      done_slot->sent = true;
      ++done_slot->tries;
      const std::uint64_t airtime = frame_airtime_us(config_, max_frame_size);
      // After a routed message, send nothing until the next hop has had time to carry it
      // on: sending meanwhile would deafen us to that acknowledgement (half duplex).
      if (type == MessageType::routed)
        routed_quiet_until_ = now + 3 * airtime + std::uint64_t{config_.backoff_slots} * config_.backoff_slot_us;
      done_slot->due_us = now + 4 * airtime + 2ULL * config_.backoff_slots * config_.backoff_slot_us;
      done_slot->latest_due_us = done_slot->due_us + 8 * (done_slot->due_us - now);
    } else {
      *done_slot = FloodSlot{};
    }
  }
  return w.size();
}

void MeshNode::try_send() noexcept {
  if (platform_.radio_busy() || wave_.busy_at(global_us())) return;
  const std::uint64_t now = platform_.local_us();
  if (now < tx_ready_at_) return;
  if (!platform_.channel_clear(max_frame_size)) {
    tx_ready_at_ = now + backoff_us(1, config_.backoff_slots);
    return;
  }
  if (pending_raw_len_ > 0) {
    if (platform_.transmit(std::span<const std::uint8_t>(pending_raw_).first(pending_raw_len_))) ++sync_frames_;
    pending_raw_len_ = 0;
    return;
  }
  if (const auto body = catch_up_.next(now); !body.empty()) {
    std::size_t len = 0;
    if (net_.make_rekey_catch_up_frame(body, tx_frame_, len) == net::SendError::ok &&
        platform_.transmit(std::span<const std::uint8_t>(tx_frame_).first(len)))
      ++sync_frames_;
    return;
  }
  if (!net_.synced()) return;
  std::array<std::uint8_t, max_message_size + 2> tokens{};
  MessageType type = MessageType::beacon;
  const std::size_t n = build_tokens(now, tokens, type);
  if (n == 0) return;
  std::size_t len = 0;
  const net::SendError e = net_.send(wire::NetLayout::broadcast, std::span<const std::uint8_t>(tokens).first(n), tx_frame_, len, 1);
  if (e != net::SendError::ok) {
    // The slot's sequence numbers are used up (or time went back): wait for the next slot.
    tx_ready_at_ = now + slot_us() / 4;
    return;
  }
  if (platform_.transmit(std::span<const std::uint8_t>(tx_frame_).first(len))) ++sent_[static_cast<std::size_t>(type)];
}

void MeshNode::schedule() noexcept {
  if (platform_.radio_busy()) return;  // on_radio_idle() schedules again
  std::uint64_t due = never;
  auto at = [&due](std::uint64_t v) {
    if (v < due) due = v;
  };
  if (config_.role == Role::gateway) at(next_beacon_at_);
  if (acks_.count > 0) at(acks_due_us_);
  if (pending_raw_len_ > 0) at(0);
  if (config_.role != Role::gateway && (!net_.synced() || !fine_synced_ || newer_key_heard_)) at(next_sync_request_at_);
  at(catch_up_.due_us());
  if (beacon_pending_) at(beacon_due_us_);
  // A join waits for time, a parent and a free slot; each arrives with a frame or a slot's
  // own deadline, which schedule() again. Counting the join's time before then would wake
  // the node over and over for a record it cannot send yet.
  if (join_at_us_ != 0 && join_unblocked() && has_free_slot())
    at(wave_.following() && global_us() < wave_.end_us() ? std::max(join_at_us_, local_of(wave_.end_us())) : join_at_us_);
  if (link_report_due_us_ != 0 && has_free_slot()) at(link_report_due_us_);
  if (report_count_due_us_ != 0) at(report_count_due_us_);
  for (const auto& s : slots())
    if (s.used) at(s.due_us);
  if (net_.synced()) at(disseminator_.next_deadline());
  if (due != never && due < tx_ready_at_) due = tx_ready_at_;
  // Contention traffic waits for the end of our part in the wave; the wave's own slots
  // are exact (no backoff).
  if (due != never && wave_.busy_at(global_us())) due = std::max(due, local_of(wave_.end_us()));
  if (const std::uint64_t wave_send = wave_.next_send_us(); wave_send != never) due = std::min(due, local_of(wave_send));
  if (const std::uint64_t probe = next_probe_us(); probe != never) due = std::min(due, local_of(probe));
  // The slot alignment is a timer, not a transmission: no backoff for it.
  if (adopt_pending_ && adopt_at_us_ < due) due = adopt_at_us_;
  if (due == never) return;
  const std::uint64_t now = platform_.local_us();
  // Never a wake-up at "now" again: something due that produced no frame waits a little.
  platform_.wake_at(due > now ? due : now + 20);
}

}  // namespace meshsec::mesh
