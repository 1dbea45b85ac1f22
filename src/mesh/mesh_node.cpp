#include "mesh/mesh_node.hpp"

#include <algorithm>

#include "wire/bounded_writer.hpp"
#include "wire/key_delivery.hpp"
#include "wire/net_token.hpp"

namespace meshsec::mesh {
namespace {

net::NetConfig net_config_for(const MeshConfig& config, node::NodeId id) noexcept {
  net::NetConfig c = config.net;
  c.address = id;
  c.whitelist.allow(mesh_token_type);
  return c;
}

}  // namespace

MeshNode::MeshNode(node::NodeId id, const MeshConfig& config, node::Platform& platform, node::ChunkStore& store,
                   net::NvStore& nv, node::RecordNvStore& record_nv) noexcept
    : id_(id),
      config_(config),
      platform_(platform),
      store_(store),
      record_nv_(record_nv),
      net_(net_config_for(config, id), nv),
      routes_(config.role == Role::gateway ? std::size_t{0xFFFF} : config.route_capacity) {
  if (config_.role == Role::gateway) {
    hops_ = 0;
    slot_limit_ = flood_slots;
  }
}

bool MeshNode::personalise(const keys::NodeKeySet& keys) noexcept { return take_keys(keys, nullptr); }

bool MeshNode::resume(const keys::NodeKeySet& keys, const net::NetNvState& net_state,
                      const node::RecordNvState& records) noexcept {
  if (!take_keys(keys, &net_state)) return false;
  records_nv_ = records;
  // Every counter up to the reservation may have sealed a record before the power went.
  uplink_counter_ = records.uplink_reserved_until;
  if (records.commissioned) (void)apply_commission(records_nv_.commission);
  // The chain value kept, further along than the anchor: beacons check against it again.
  if (records.chain_position != 0) (void)chain_.reanchor(records.chain_position, records.chain_value);
  return true;
}

bool MeshNode::take_keys(const keys::NodeKeySet& keys, const net::NetNvState* stored) noexcept {
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
  const net::SetupError setup =
      stored != nullptr
          ? net_.restore(*stored, keys.key(keys::KeyPurpose::enc))
          : net_.provision(keys.network_key_index, keys.key(keys::KeyPurpose::net), keys.key(keys::KeyPurpose::enc));
  if (setup != net::SetupError::ok) return false;
  if (!sealer_.init(keys.key(keys::KeyPurpose::e2))) return false;
  if (!digest_.init(keys.key(keys::KeyPurpose::e2), id_)) return false;
  if (config_.role != Role::gateway && !cover_.init(id_, keys)) return false;
  if (!chain_.init(keys.network_id, keys.beacon_anchor)) return false;
  network_id_ = keys.network_id;
  chain_source_ = std::move(source);
  acked_epoch_ = std::max<std::uint32_t>(keys.network_key_index, net_.keys().newest_epoch());
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
    // The gateway is the network's time root (M5). Booting into a network that ran before,
    // it starts at the round its time falls in.
    round_ = config_.network_age_rounds;
    const std::uint64_t start_us = round_start_us(round_ + 1);
    net_.set_global_time(static_cast<std::uint32_t>(start_us / slot_us()));
    offset_us_ = static_cast<std::int64_t>(start_us) - static_cast<std::int64_t>(now);
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
  // Before the neighbour table: a node asking for a checkpoint takes no beacon yet, and
  // its header counts no hops.
  if (h.type == MessageType::checkpoint) {
    handle_checkpoint(body);
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
    case MessageType::beacon:
    case MessageType::checkpoint: break;
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
  // A node's own uplink: only from whom it went to, the gateway, the parent it last named,
  // or, once it went out as a retry open to every closer node, any of them. A stolen node
  // (network key extracted) acknowledging whatever it hears otherwise cancels its
  // neighbours' repeats to their own parents, and the readings those parents missed. A
  // copy carried for another node still takes any closer node's word: another holder's
  // acknowledgement is how a dense cluster learns that a message is on its way, and
  // without it retries fed on each other (RetriesInClustersDoNotFeedOnEachOther).
  const bool gateway = sender_hops == 0;
  for (std::size_t i = 0; i < a.count; ++i)
    for (auto& s : slots())
      if (s.used && s.header.type == MessageType::uplink && s.header.origin == a.entries[i].origin &&
          s.header.seq == a.entries[i].seq &&
          (s.header.origin != id_ || gateway || sender == s.header.parent || s.opened))
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

bool MeshNode::send_reading(std::span<const std::uint8_t> plaintext) noexcept {
  if (!net_.synced() || config_.role == Role::gateway || hops_ == 0xFF || free_slot() == nullptr) return false;
  queue_record_uplink(node::RecordKind::reading, plaintext);
  return true;
}

bool MeshNode::send_downlink(std::span<const std::uint8_t> body) noexcept {
  if (config_.role != Role::gateway || body.empty() || body.size() > max_app_payload) return false;
  if (needs_flood_window(static_cast<DownlinkKind>(body[0])) && !gateway_may_send_unchecked_flood()) return false;
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
    open_announced_window();
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
  repeat_unechoed_beacon(now);
  if (wave_.next_send_us() <= global_us()) send_wave_fragment();
  check_chain_reach();
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
      own_window_tag(b);
      type = MessageType::beacon;
      n = encode_beacon(h, b, message);
      beacon_sent_round_ = round_;
      beacon_sent_hops_ = b.chain_hops;
      watch_pass_on();
    }
  }
  if (n == 0 && (n = build_checkpoint_message(now, message)) != 0) type = MessageType::checkpoint;
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
    s.header.parent = parent_;  // the one whose acknowledgement counts (handle_ack())
    h.flags = static_cast<std::uint8_t>((s.header.flags & (flag_retry | flag_repeat)) | hop_flags());
    if ((h.flags & flag_retry) != 0) s.opened = true;
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
    // The slot's sequence numbers are used up (or time went back, or the slots reserved
    // before a reboot are not over): wait for the next slot.
    tx_ready_at_ = now + slot_us() / 4;
    if (type == MessageType::checkpoint) chain_catch_up_.not_sent(last_checkpoint_send_, tx_ready_at_);
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
  if (beacon_repeat_at_us_ != 0) at(beacon_repeat_at_us_);
  // A join waits for time, a parent and a free slot; each arrives with a frame or a slot's
  // own deadline, which schedule() again. Counting the join's time before then would wake
  // the node over and over for a record it cannot send yet.
  if (join_at_us_ != 0 && join_unblocked() && has_free_slot())
    at(wave_.following() && global_us() < wave_.end_us() ? std::max(join_at_us_, local_of(wave_.end_us())) : join_at_us_);
  if (link_report_due_us_ != 0 && has_free_slot()) at(link_report_due_us_);
  if (report_count_due_us_ != 0) at(report_count_due_us_);
  for (const auto& s : slots())
    if (s.used) at(s.due_us);
  if (net_.synced()) {
    at(disseminator_.next_deadline());
    at(chain_catch_up_.due_us());
  }
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
