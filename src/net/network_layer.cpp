#include "net/network_layer.hpp"

#include "crypto/random.hpp"
#include "crypto/secure_memory.hpp"
#include "net/frame_crypto.hpp"
#include "net/key_delivery_crypto.hpp"
#include "wire/bounded_reader.hpp"
#include "wire/bounded_writer.hpp"
#include "wire/crc16.hpp"
#include "wire/key_delivery.hpp"
#include "wire/net_token.hpp"

namespace meshsec::net {
namespace {

// Stands in when the caller gives no clock: token processing then cannot be timed.
class StoppedClock final : public MicroClock {
 public:
  std::uint64_t now_us() noexcept override { return 0; }
};

}  // namespace

std::string_view to_string(SendError e) noexcept {
  switch (e) {
    case SendError::ok: return "ok";
    case SendError::not_provisioned: return "not_provisioned";
    case SendError::not_synced: return "not_synced";
    case SendError::time_behind_last_send: return "time_behind_last_send";
    case SendError::slot_exhausted: return "slot_exhausted";
    case SendError::nv_write_failed: return "nv_write_failed";
    case SendError::too_long: return "too_long";
    case SendError::bad_request: return "bad_request";
    case SendError::rate_limited: return "rate_limited";
    case SendError::crypto_failure: return "crypto_failure";
  }
  return "unknown";
}

// Routes the network layer's own tokens to it and the rest to the application.
class NetworkLayer::TokenRouter final : public TokenHandler {
 public:
  TokenRouter(NetworkLayer& layer, TokenHandler* app, std::uint32_t frame_epoch) noexcept
      : layer_(layer), app_(app), frame_epoch_(frame_epoch) {}
  void on_token(std::uint16_t src, std::uint8_t type, std::span<const std::uint8_t> value) noexcept override {
    if (type == wire::NetTokenType::key_phase) {
      layer_.counters_.count(layer_.apply_key_phase(value, frame_epoch_));
    } else if (type == wire::NetTokenType::key_delivery) {
      const DropReason r = layer_.apply_key_delivery(value);
      // A delivery for another node rides along in a frame for us: not our business.
      if (r != DropReason::key_delivery_not_for_us) layer_.counters_.count(r);
    } else if (type < wire::NetTokenType::first_reserved && app_ != nullptr) {
      app_->on_token(src, type, value);
    }
  }

 private:
  NetworkLayer& layer_;
  TokenHandler* app_;
  std::uint32_t frame_epoch_;
};

NetworkLayer::NetworkLayer(const NetConfig& config, NvStore& nv) noexcept
    : config_(config),
      config_ok_(validate(config) == ConfigError::ok),
      nv_(nv),
      clock_(config.slot_ms),
      keys_(config.mic_length),
      replay_(replay_storage_, config.window_past, config.window_future),
      dispatcher_(config.whitelist, config.round_time_us) {}

std::uint16_t NetworkLayer::net_id() const noexcept {
  return static_cast<std::uint16_t>((config_.channel << 12) | config_.domain);
}

SetupError NetworkLayer::provision(std::uint32_t key_epoch, std::span<const std::uint8_t> network_key,
                                   std::span<const std::uint8_t> key_encryption_key) noexcept {
  if (!config_ok_) return SetupError::bad_config;
  if (init_key_encryption_key(kek_, key_encryption_key) != crypto::Status::ok) return SetupError::bad_key;
  if (keys_.set_only(key_epoch, network_key) != KeyChange::installed) return SetupError::bad_key;
  if (!persist(reserved_until_, has_reservation_)) return SetupError::nv_write_failed;
  return SetupError::ok;
}

SetupError NetworkLayer::restore(const NetNvState& stored,
                                 std::span<const std::uint8_t> key_encryption_key) noexcept {
  if (!config_ok_) return SetupError::bad_config;
  if (init_key_encryption_key(kek_, key_encryption_key) != crypto::Status::ok) return SetupError::bad_key;
  if (keys_.load(stored) != KeyChange::installed) return SetupError::bad_state;
  // wire-format.md §9: every slot up to the reservation may have carried a frame of ours
  // before the power went; treat all of them as fully used.
  has_reservation_ = stored.has_reservation;
  reserved_until_ = stored.reserved_until;
  have_last_ = stored.has_reservation;
  last_time_ = stored.reserved_until;
  last_seq_ = 0xff;
  clock_.forget();
  replay_.clear();
  challenge_pending_ = false;
  return SetupError::ok;
}

void NetworkLayer::set_global_time(std::uint32_t slot) noexcept {
  if (!clock_.synced()) replay_.clear();
  clock_.adopt(slot);
}

bool NetworkLayer::persist(std::uint32_t reserved_until, bool has_reservation) noexcept {
  NetNvState state;
  state.reserved_until = reserved_until;
  state.has_reservation = has_reservation;
  keys_.save(state);
  const bool stored = nv_.store(state);
  if (stored) ++counters_.nv_writes;
  return stored;
}

bool NetworkLayer::addressed_to_us(std::uint16_t dst) const noexcept {
  if (dst == config_.address || dst == wire::NetLayout::broadcast) return true;
  for (std::uint16_t g : config_.groups)
    if (g != 0 && g == dst) return true;
  return false;
}

wire::NetHeader NetworkLayer::header_for(wire::NetFrameType type, std::uint16_t dst) const noexcept {
  wire::NetHeader h;
  h.type = type;
  h.mic_code = wire::mic_code_for(config_.mic_length);
  h.channel = config_.channel;
  h.domain = config_.domain;
  h.src = config_.address;
  h.dst = dst;
  return h;
}

// ---- sending --------------------------------------------------------------------------

SendError NetworkLayer::allocate_nonce(std::uint32_t& time, std::uint8_t& seq) noexcept {
  if (keys_.empty()) return SendError::not_provisioned;
  if (!clock_.synced()) return SendError::not_synced;
  const std::uint32_t now = clock_.now();
  std::uint8_t next = 0;
  if (have_last_) {
    if (now < last_time_) return SendError::time_behind_last_send;
    if (now == last_time_) {
      if (last_seq_ == 0xff) return SendError::slot_exhausted;
      next = static_cast<std::uint8_t>(last_seq_ + 1);
    }
  }
  // wire-format.md §9: a slot beyond the durable reservation is first reserved (with
  // room ahead) in non-volatile memory; only then may a nonce in it go on air.
  if (!has_reservation_ || now > reserved_until_) {
    const std::uint64_t until = static_cast<std::uint64_t>(now) + config_.nv_reserve_slots;
    const auto reserved = static_cast<std::uint32_t>(until > UINT32_MAX ? UINT32_MAX : until);
    if (!persist(reserved, true)) return SendError::nv_write_failed;
    reserved_until_ = reserved;
    has_reservation_ = true;
  }
  // The pair is consumed now, whatever happens to the frame afterwards.
  last_time_ = now;
  last_seq_ = next;
  have_last_ = true;
  time = now;
  seq = next;
  return SendError::ok;
}

SendError NetworkLayer::seal_and_count(const wire::NetHeader& header, std::uint32_t time,
                                       std::span<const std::uint8_t> body, std::span<std::uint8_t> out,
                                       std::size_t& radio_length) noexcept {
  std::uint32_t epoch = 0;
  crypto::AesAead* aead = keys_.sender(epoch);
  if (aead == nullptr) return SendError::not_provisioned;
  wire::NetHeader h = header;
  h.key_index = wire::key_index_of_epoch(epoch);
  const BuildError e = seal_frame(*aead, h, time, body, out, radio_length);
  if (e == BuildError::too_long) return SendError::too_long;
  if (e != BuildError::ok) return SendError::crypto_failure;
  ++counters_.sent;
  return SendError::ok;
}

SendError NetworkLayer::send(std::uint16_t dst, std::span<const std::uint8_t> tokens,
                             std::span<std::uint8_t> out, std::size_t& radio_length,
                             std::uint8_t ttl) noexcept {
  radio_length = 0;
  SendError result = SendError::too_long;
  if (tokens.size() + wire::NetLayout::header_size + config_.mic_length <= wire::NetLayout::max_frame_size &&
      tokens.size() + wire::NetLayout::header_size + config_.mic_length + wire::kCrc16Size <= out.size()) {
    std::uint32_t time = 0;
    std::uint8_t seq = 0;
    result = allocate_nonce(time, seq);
    if (result == SendError::ok) {
      wire::NetHeader h = header_for(wire::NetFrameType::data, dst);
      h.time = time;
      h.seq = seq;
      h.ttl = ttl == 0 ? config_.default_ttl : (ttl > config_.max_ttl ? config_.max_ttl : ttl);
      result = seal_and_count(h, time, tokens, out, radio_length);
    }
  }
  if (result != SendError::ok) ++counters_.send_refused;
  return result;
}

SendError NetworkLayer::make_sync_request(std::span<std::uint8_t> out, std::size_t& radio_length) noexcept {
  radio_length = 0;
  if (keys_.empty()) return SendError::not_provisioned;
  wire::SyncRequestBody body;
  if (crypto::random_bytes(body.challenge) != crypto::Status::ok) return SendError::crypto_failure;
  body.key_epoch = keys_.newest_epoch();
  std::array<std::uint8_t, wire::NetLayout::sync_request_body_size> bytes{};
  wire::BoundedWriter w(bytes);
  if (wire::write_sync_request(w, body) != wire::WireError::ok) return SendError::too_long;
  wire::NetHeader h = header_for(wire::NetFrameType::sync_request, wire::NetLayout::broadcast);
  h.key_index = wire::key_index_of_epoch(keys_.send_epoch());
  h.time = clock_.now();
  if (build_plain_frame(h, bytes, out, radio_length) != BuildError::ok) return SendError::too_long;
  challenge_ = body.challenge;
  challenge_pending_ = true;
  challenge_at_ = clock_.local_now();
  ++counters_.sync_requests_sent;
  return SendError::ok;
}

SendError NetworkLayer::answer_sync_request(const RxResult& request, std::span<std::uint8_t> out,
                                            std::size_t& radio_length) noexcept {
  radio_length = 0;
  if (!request.accepted() || request.header.type != wire::NetFrameType::sync_request)
    return SendError::bad_request;
  if (!clock_.synced()) return SendError::not_synced;
  // Sync requests are unauthenticated: answering at most once per slot bounds what a
  // flood of forged requests can make a node send.
  if (answered_ && last_answer_slot_ == clock_.now()) return SendError::rate_limited;
  std::uint32_t time = 0;
  std::uint8_t seq = 0;
  const SendError e = allocate_nonce(time, seq);
  if (e != SendError::ok) return e;
  wire::NetHeader h = header_for(wire::NetFrameType::sync_response, request.header.src);
  h.time = time;
  h.seq = seq;
  h.ttl = 0;
  const SendError s = seal_and_count(h, time, request.sync_request.challenge, out, radio_length);
  if (s == SendError::ok) {
    answered_ = true;
    last_answer_slot_ = time;
    ++counters_.sync_responses_sent;
  }
  return s;
}

SendError NetworkLayer::make_key_delivery_frame(std::uint16_t target, std::span<const std::uint8_t> blob,
                                                std::span<std::uint8_t> out,
                                                std::size_t& radio_length) noexcept {
  radio_length = 0;
  wire::NetHeader h = header_for(wire::NetFrameType::key_delivery, target);
  h.key_index = wire::key_index_of_epoch(keys_.send_epoch());
  h.time = clock_.now();
  if (build_plain_frame(h, blob, out, radio_length) != BuildError::ok) return SendError::too_long;
  return SendError::ok;
}

SendError NetworkLayer::make_rekey_catch_up_frame(std::span<const std::uint8_t> body, std::span<std::uint8_t> out,
                                                  std::size_t& radio_length) noexcept {
  return make_key_delivery_frame(wire::NetLayout::broadcast, body, out, radio_length);
}

bool NetworkLayer::forward(std::span<const std::uint8_t> radio_frame, std::span<std::uint8_t> out,
                           std::size_t& radio_length) noexcept {
  radio_length = 0;
  if (!wire::check_crc16(radio_frame) || out.size() < radio_frame.size()) return false;
  const auto frame = radio_frame.first(radio_frame.size() - wire::kCrc16Size);
  wire::BoundedReader in(frame);
  wire::NetHeader h;
  if (wire::read_net_header(in, h) != wire::WireError::ok || h.type != wire::NetFrameType::data ||
      h.ttl < 2 || h.ttl > config_.max_ttl)
    return false;
  for (std::size_t i = 0; i < frame.size(); ++i) out[i] = frame[i];
  // wire-format.md §4: the TTL is outside the AAD, so the MIC still verifies.
  out[wire::net_ttl_offset(h.type)] = static_cast<std::uint8_t>(h.ttl - 1);
  if (!wire::append_crc16(out, frame.size())) return false;
  radio_length = radio_frame.size();
  ++counters_.relayed;
  return true;
}

// ---- receiving ------------------------------------------------------------------------

RxResult NetworkLayer::receive(std::span<const std::uint8_t> radio_frame, std::span<std::uint8_t> plaintext,
                               TokenHandler* handler, MicroClock* micro_clock) noexcept {
  RxResult r;
  r.reason = filter_and_open(radio_frame, plaintext, r);
  counters_.count(r.reason);
  if (r.accepted() && r.header.type == wire::NetFrameType::data && r.for_us)
    process_tokens(plaintext.first(r.payload_length), r, handler, micro_clock);
  return r;
}

DropReason NetworkLayer::filter_and_open(std::span<const std::uint8_t> radio,
                                         std::span<std::uint8_t> plaintext, RxResult& r) noexcept {
  // M4: radio corruption first; the cheapest check of all.
  if (!wire::check_crc16(radio)) return DropReason::bad_crc;
  const auto frame = radio.first(radio.size() - wire::kCrc16Size);
  if (frame.size() > wire::NetLayout::max_frame_size) return DropReason::malformed;
  wire::BoundedReader in(frame);
  if (wire::read_net_header(in, r.header) != wire::WireError::ok) return DropReason::malformed;
  const wire::NetHeader& h = r.header;
  if (h.version != wire::NetLayout::version) return DropReason::bad_version;
  // M4 / L1: another channel's or installation's frame dies here, before any cryptography.
  if (h.channel != config_.channel) return DropReason::foreign_channel;
  if (h.domain != config_.domain) return DropReason::foreign_domain;
  if (wire::mic_length_of(h.mic_code) != config_.mic_length) return DropReason::mic_length_policy;
  if (h.src == 0 || (h.src & wire::NetLayout::group_flag) != 0 || h.src == config_.address)
    return DropReason::bad_source;
  if (h.ttl > config_.max_ttl) return DropReason::ttl_over_limit;
  if (!config_ok_ || keys_.empty()) return DropReason::unknown_key_index;
  r.for_us = addressed_to_us(h.dst);
  switch (h.type) {
    case wire::NetFrameType::data:
      return open_data(frame, plaintext, r);
    case wire::NetFrameType::sync_request:
      if (wire::read_sync_request(in.rest(), r.sync_request) != wire::WireError::ok) return DropReason::malformed;
      return h.ttl == 0 ? DropReason::none : DropReason::sync_not_allowed;
    case wire::NetFrameType::sync_response:
      return open_sync_response(frame, plaintext, r);
    case wire::NetFrameType::key_delivery:
      if (h.dst == wire::NetLayout::broadcast) {
        // §7.5: a broadcast rekey body handed on; the mesh layer checks it.
        r.rekey_catch_up = in.rest();
        return r.rekey_catch_up.empty() ? DropReason::malformed : DropReason::none;
      }
      if (h.dst != config_.address) return DropReason::key_delivery_not_for_us;
      return apply_key_delivery(in.rest());
  }
  return DropReason::malformed;
}

DropReason NetworkLayer::open_data(std::span<const std::uint8_t> frame, std::span<std::uint8_t> plaintext,
                                   RxResult& r) noexcept {
  const wire::NetHeader& h = r.header;
  if (!clock_.synced()) return DropReason::not_synced;
  std::uint32_t epoch = 0;
  crypto::AesAead* aead = keys_.for_index(h.key_index, epoch);
  if (aead == nullptr) return DropReason::unknown_key_index;
  // M5: the frame's full time is the one nearest ours with its 16 bits; outside the
  // acceptance window it is dropped (§8).
  std::uint32_t full = 0;
  if (!clock_.reconstruct(static_cast<std::uint16_t>(h.time), full)) return DropReason::time_too_old;
  const std::uint32_t now = clock_.now();
  if (static_cast<std::uint64_t>(full) + config_.window_past < now) return DropReason::time_too_old;
  if (full > static_cast<std::uint64_t>(now) + config_.window_future) return DropReason::time_in_future;
  // Pre-check: changes nothing, saves the CCM work for obvious duplicates.
  const ReplayEntry* entry = nullptr;
  const ReplayVerdict pre = replay_.check(h.src, full, h.seq, now, entry);
  if (pre == ReplayVerdict::duplicate) return DropReason::replay;
  if (pre == ReplayVerdict::below_floor) return DropReason::replay_floor;
  std::size_t n = 0;
  const crypto::Status s = open_frame(*aead, h, full, frame, plaintext, n);
  if (s == crypto::Status::bad_length) return DropReason::malformed;
  if (s != crypto::Status::ok) return DropReason::mac_failure;
  // Authentic: only now does the replay cache move.
  bool evicted = false;
  const ReplayVerdict committed = replay_.commit(h.src, full, h.seq, now, entry, evicted);
  if (evicted) ++counters_.replay_evictions;
  if (committed != ReplayVerdict::fresh) {
    crypto::secure_wipe(plaintext.first(n));
    return committed == ReplayVerdict::duplicate ? DropReason::replay : DropReason::replay_floor;
  }
  r.full_time = full;
  r.key_epoch = epoch;
  r.payload_length = n;
  r.may_relay = h.ttl >= 2 && h.dst != config_.address;
  return DropReason::none;
}

DropReason NetworkLayer::open_sync_response(std::span<const std::uint8_t> frame,
                                            std::span<std::uint8_t> plaintext, RxResult& r) noexcept {
  const wire::NetHeader& h = r.header;
  // Freshness comes from our own challenge, not from the time window: only an answer to
  // our outstanding request, addressed to us, can count, and only for two slots. (A node
  // that got its time elsewhere asks no more; an answer to its last request that it missed
  // must not pass later, replayed from a capture.)
  const bool answer_late = clock_.local_now() - challenge_at_ > 2ULL * config_.slot_ms;
  if (!challenge_pending_ || answer_late || h.dst != config_.address) return DropReason::unexpected_sync_response;
  if (h.ttl != 0) return DropReason::sync_not_allowed;
  std::uint32_t epoch = 0;
  crypto::AesAead* aead = keys_.for_index(h.key_index, epoch);
  if (aead == nullptr) return DropReason::unknown_key_index;
  std::size_t n = 0;
  const crypto::Status s = open_frame(*aead, h, h.time, frame, plaintext, n);
  if (s == crypto::Status::bad_length) return DropReason::malformed;
  if (s != crypto::Status::ok) return DropReason::mac_failure;
  const bool match = n == challenge_.size() && crypto::equal_constant_time(plaintext.first(n), challenge_);
  crypto::secure_wipe(plaintext.first(n));
  if (!match) return DropReason::unexpected_sync_response;
  challenge_pending_ = false;  // single use: a replayed answer finds no challenge
  if (clock_.synced() && h.time <= clock_.now()) return DropReason::none;  // time never goes back
  set_global_time(h.time);
  ++counters_.time_syncs;
  r.full_time = h.time;
  r.key_epoch = epoch;
  return DropReason::none;
}

DropReason NetworkLayer::accept_key_delivery(std::span<const std::uint8_t> blob) noexcept {
  const DropReason r = apply_key_delivery(blob);
  if (r != DropReason::key_delivery_not_for_us) counters_.count(r);
  return r;
}

DropReason NetworkLayer::apply_key_delivery(std::span<const std::uint8_t> blob) noexcept {
  wire::KeyDeliveryView delivery;
  if (wire::read_key_delivery(blob, delivery) != wire::WireError::ok) return DropReason::malformed;
  if (delivery.target != config_.address) return DropReason::key_delivery_not_for_us;
  // Epochs only move forward: an old delivery replayed is refused before any work.
  if (!keys_.empty() && delivery.epoch <= keys_.newest_epoch()) return DropReason::key_delivery_stale;
  crypto::SecretArray<32> key;
  const auto key_bytes = key.span().first(delivery.wrapped_key.size());
  if (open_key_delivery(kek_, net_id(), delivery, key_bytes) != crypto::Status::ok)
    return DropReason::key_delivery_mac_failure;
  const KeyChange c = delivery.flags == wire::KeyDeliveryLayout::flag_staged
                          ? keys_.stage(delivery.epoch, key_bytes)
                          : keys_.set_only(delivery.epoch, key_bytes);
  if (c != KeyChange::installed) return DropReason::key_delivery_stale;
  ++counters_.keys_installed;
  // A failed write leaves the key in RAM only; the next delivery after a reboot repairs it.
  (void)persist(reserved_until_, has_reservation_);
  return DropReason::none;
}

DropReason NetworkLayer::apply_key_phase(std::span<const std::uint8_t> value, std::uint32_t frame_epoch) noexcept {
  wire::BoundedReader in(value);
  const std::uint32_t epoch = in.u32be();
  const std::uint8_t phase = in.u8();
  if (in.finish() != wire::WireError::ok) return DropReason::key_phase_rejected;
  // Only a frame sealed under the new key itself may move to it: a revoked node, which
  // holds just the old key, cannot switch or retire anything.
  if (epoch != frame_epoch) return DropReason::key_phase_rejected;
  KeyChange c = KeyChange::rejected;
  if (phase == static_cast<std::uint8_t>(KeyPhase::switched)) c = keys_.switch_to(epoch);
  if (phase == 3) c = keys_.retire(epoch);  // wire-format.md §7: 3 = retire older keys
  if (c == KeyChange::rejected || c == KeyChange::crypto_failure) return DropReason::key_phase_rejected;
  if (c == KeyChange::installed) {
    if (phase == 3) ++counters_.keys_retired;
    (void)persist(reserved_until_, has_reservation_);
  }
  return DropReason::none;
}

void NetworkLayer::process_tokens(std::span<const std::uint8_t> payload, RxResult& r, TokenHandler* handler,
                                  MicroClock* micro_clock) noexcept {
  StoppedClock stopped;  // without a clock, processing time cannot be checked
  TokenRouter router(*this, handler, r.key_epoch);
  const DispatchOutcome out = dispatcher_.dispatch(payload, r.header.src, router,
                                                   micro_clock != nullptr ? *micro_clock : stopped,
                                                   wire::NetTokenType::first_reserved);
  r.tokens_processed = out.processed;
  switch (out.stop) {
    case TokenStop::completed: r.token_stop = out.overran ? DropReason::token_time_overrun : DropReason::none; break;
    case TokenStop::not_whitelisted: r.token_stop = DropReason::token_not_whitelisted; break;
    case TokenStop::time_overrun: r.token_stop = DropReason::token_time_overrun; break;
    case TokenStop::malformed: r.token_stop = DropReason::bad_tokens; break;
  }
  if (r.token_stop != DropReason::none) counters_.count(r.token_stop);
}

KeyChange NetworkLayer::stage_key(std::uint32_t epoch, std::span<const std::uint8_t> key) noexcept {
  const KeyChange c = keys_.stage(epoch, key);
  if (c == KeyChange::installed) {
    ++counters_.keys_installed;
    (void)persist(reserved_until_, has_reservation_);
  }
  return c;
}

KeyChange NetworkLayer::install_caught_up_key(std::uint32_t epoch, std::span<const std::uint8_t> key) noexcept {
  const bool confirms_staged = keys_.phase() != KeyPhase::normal && epoch == keys_.newest_epoch();
  if (!keys_.empty() && epoch < keys_.newest_epoch()) return KeyChange::stale;
  if (!keys_.empty() && epoch == keys_.newest_epoch() && !confirms_staged) return KeyChange::unchanged;
  const KeyChange c = keys_.set_only(epoch, key);
  if (c == KeyChange::installed) {
    ++counters_.keys_installed;
    (void)persist(reserved_until_, has_reservation_);
  }
  return c;
}

KeyChange NetworkLayer::switch_key(std::uint32_t epoch) noexcept {
  const KeyChange c = keys_.switch_to(epoch);
  if (c == KeyChange::installed) (void)persist(reserved_until_, has_reservation_);
  return c;
}

KeyChange NetworkLayer::retire_key(std::uint32_t epoch) noexcept {
  const KeyChange c = keys_.retire(epoch);
  if (c == KeyChange::installed) {
    ++counters_.keys_retired;
    (void)persist(reserved_until_, has_reservation_);
  }
  return c;
}

}  // namespace meshsec::net
