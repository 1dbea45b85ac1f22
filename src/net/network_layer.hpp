// E1, the secure network layer of one node (M3, M4, M5, L1, L7, B1): the root object
// that owns the node's global time, keys, replay cache, nonce state and counters. No
// globals: a simulator runs one per node, each with the clock its caller supplies.
//
// Receive path (docs/wire-format.md §10), in this order and each step counted:
//   CRC → header parse → version → channel → domain → MIC length policy → source → TTL
//   → [no cryptography before this line] → sync state → key index → time window
//   → replay pre-check → CCM open → replay commit → token dispatch (whitelist, time budget).
// Nothing changes state before the MIC verified.
#pragma once
#include <array>
#include <cstddef>
#include <cstdint>
#include <span>

#include "crypto/aead.hpp"
#include "net/drop_reason.hpp"
#include "net/global_clock.hpp"
#include "net/key_ring.hpp"
#include "net/net_config.hpp"
#include "net/net_counters.hpp"
#include "net/nv_state.hpp"
#include "net/replay_cache.hpp"
#include "net/token_dispatcher.hpp"
#include "wire/net_frame.hpp"

namespace meshsec::net {

enum class SetupError : std::uint8_t { ok = 0, bad_config, bad_key, bad_state, nv_write_failed };

enum class SendError : std::uint8_t {
  ok = 0,
  not_provisioned,        // no network key
  not_synced,             // no global time yet: only a sync request may be sent
  time_behind_last_send,  // global time is at or before a slot we (may) have used: nonce reuse
  slot_exhausted,         // all 256 sequence numbers of this slot are used
  nv_write_failed,        // the nonce reservation could not be made durable
  too_long,               // payload does not fit one frame
  bad_request,            // answer_sync_request() given something that is not one
  rate_limited,           // one sync answer per slot
  crypto_failure,
};
[[nodiscard]] std::string_view to_string(SendError e) noexcept;

struct RxResult {
  DropReason reason = DropReason::malformed;  // starts failed; none = accepted
  wire::NetHeader header{};
  std::uint32_t full_time = 0;   // global time of the frame (data, sync_response)
  std::uint32_t key_epoch = 0;   // epoch of the key that opened it
  std::size_t payload_length = 0;  // decrypted bytes written to the caller's buffer
  bool for_us = false;           // addressed to us, a group we are in, or broadcast
  bool may_relay = false;        // authentic data frame with TTL >= 2 not only for us
  std::size_t tokens_processed = 0;
  DropReason token_stop = DropReason::none;  // bad_tokens, token_not_whitelisted, token_time_overrun
  wire::SyncRequestBody sync_request{};
  // A key delivery frame to the broadcast address: one body of a broadcast rekey handed on
  // by a neighbour (wire-format.md §7.5), a view into the radio frame. Checked by the mesh
  // layer as the flood's bodies are (signatures, tag, commitment).
  std::span<const std::uint8_t> rekey_catch_up{};

  [[nodiscard]] bool accepted() const noexcept { return reason == DropReason::none; }
};

class NetworkLayer {
 public:
  static constexpr std::size_t replay_capacity = 64;  // 64 × 8 = 512 bytes
  static constexpr std::size_t max_radio_frame = wire::NetLayout::max_frame_size + 2;

  NetworkLayer(const NetConfig& config, NvStore& nv) noexcept;
  NetworkLayer(const NetworkLayer&) = delete;
  NetworkLayer& operator=(const NetworkLayer&) = delete;

  // Factory provisioning: the network key of `key_epoch` and this node's own
  // key-encryption key (for key deliveries); persists the state. Errors: bad_config,
  // bad_key, nv_write_failed.
  [[nodiscard]] SetupError provision(std::uint32_t key_epoch, std::span<const std::uint8_t> network_key,
                                     std::span<const std::uint8_t> key_encryption_key) noexcept;
  // Boot from stored state: keys, and the nonce reservation, which forbids sending in any
  // slot up to the stored one. The node starts unsynchronised. Errors: bad_config,
  // bad_key, bad_state.
  [[nodiscard]] SetupError restore(const NetNvState& stored,
                                   std::span<const std::uint8_t> key_encryption_key) noexcept;

  // The node's own clock, in milliseconds since boot (caller-supplied, monotonic).
  void tick(LocalTime local_now) noexcept { clock_.tick(local_now); }
  // Sets the global time (the network's root, or the mesh's time sync). The nonce state
  // is untouched: moving time backwards makes sending refuse, never reuse a nonce.
  void set_global_time(std::uint32_t slot) noexcept;

  // Seals `tokens` into a data frame to `dst` (ttl 0 = default). Errors: see SendError.
  [[nodiscard]] SendError send(std::uint16_t dst, std::span<const std::uint8_t> tokens,
                               std::span<std::uint8_t> out, std::size_t& radio_length,
                               std::uint8_t ttl = 0) noexcept;
  // A clear one-hop request for the global time, with a fresh challenge; allowed while
  // unsynchronised. Errors: not_provisioned, crypto_failure (no randomness), too_long.
  [[nodiscard]] SendError make_sync_request(std::span<std::uint8_t> out, std::size_t& radio_length) noexcept;
  // Answers an accepted sync request with our global time, sealed, echoing its challenge.
  [[nodiscard]] SendError answer_sync_request(const RxResult& request, std::span<std::uint8_t> out,
                                              std::size_t& radio_length) noexcept;
  // A key delivery blob that reached this node inside an application message (a routed
  // mesh message) rather than as a network token: the same checks, the same counters.
  [[nodiscard]] DropReason accept_key_delivery(std::span<const std::uint8_t> blob) noexcept;
  // A one-hop key delivery frame carrying `blob` (key_delivery_crypto.hpp) to `target`.
  [[nodiscard]] SendError make_key_delivery_frame(std::uint16_t target, std::span<const std::uint8_t> blob,
                                                  std::span<std::uint8_t> out,
                                                  std::size_t& radio_length) noexcept;
  // A one-hop key delivery frame to the broadcast address carrying one body of a broadcast
  // rekey (its kind byte onwards) for the neighbours that missed it (§7.5).
  [[nodiscard]] SendError make_rekey_catch_up_frame(std::span<const std::uint8_t> body, std::span<std::uint8_t> out,
                                                    std::size_t& radio_length) noexcept;
  // Installs a network key a neighbour handed on (§7.5) as the only one: the network it
  // comes from has moved to it. Epochs only move forward; the staged key of the
  // same epoch may be confirmed this way. Errors: stale, crypto_failure.
  [[nodiscard]] KeyChange install_caught_up_key(std::uint32_t epoch, std::span<const std::uint8_t> key) noexcept;
  // Relays a frame whose RxResult had may_relay: same bytes, TTL - 1, new CRC; no
  // re-encryption (the TTL is outside the MIC). False when it must not be relayed.
  [[nodiscard]] bool forward(std::span<const std::uint8_t> radio_frame, std::span<std::uint8_t> out,
                             std::size_t& radio_length) noexcept;

  // The whole receive path. `plaintext` must hold max_radio_frame bytes. Tokens of an
  // accepted data frame for us go to `handler` (if any), timed by `micro_clock`.
  [[nodiscard]] RxResult receive(std::span<const std::uint8_t> radio_frame, std::span<std::uint8_t> plaintext,
                                 TokenHandler* handler = nullptr, MicroClock* micro_clock = nullptr) noexcept;

  // Key refresh on the distributing node itself (a delivery arriving over the air ends
  // in the same calls). Each change is persisted.
  [[nodiscard]] KeyChange stage_key(std::uint32_t epoch, std::span<const std::uint8_t> key) noexcept;
  [[nodiscard]] KeyChange switch_key(std::uint32_t epoch) noexcept;
  [[nodiscard]] KeyChange retire_key(std::uint32_t epoch) noexcept;

  [[nodiscard]] const NetCounters& counters() const noexcept { return counters_; }
  [[nodiscard]] const GlobalClock& clock() const noexcept { return clock_; }
  [[nodiscard]] const KeyRing& keys() const noexcept { return keys_; }
  [[nodiscard]] const NetConfig& config() const noexcept { return config_; }
  [[nodiscard]] ReplayCache& replay_cache() noexcept { return replay_; }
  [[nodiscard]] bool synced() const noexcept { return clock_.synced(); }
  [[nodiscard]] std::uint16_t net_id() const noexcept;
  // The state NvStore last received (for inspection; the caller keeps its own copy).
  [[nodiscard]] std::uint32_t reserved_until() const noexcept { return reserved_until_; }

 private:
  class TokenRouter;
  friend class TokenRouter;

  [[nodiscard]] DropReason filter_and_open(std::span<const std::uint8_t> radio,
                                           std::span<std::uint8_t> plaintext, RxResult& r) noexcept;
  [[nodiscard]] DropReason open_data(std::span<const std::uint8_t> frame, std::span<std::uint8_t> plaintext,
                                     RxResult& r) noexcept;
  [[nodiscard]] DropReason open_sync_response(std::span<const std::uint8_t> frame,
                                              std::span<std::uint8_t> plaintext, RxResult& r) noexcept;
  [[nodiscard]] DropReason apply_key_delivery(std::span<const std::uint8_t> blob) noexcept;
  [[nodiscard]] DropReason apply_key_phase(std::span<const std::uint8_t> value, std::uint32_t frame_epoch) noexcept;
  void process_tokens(std::span<const std::uint8_t> payload, RxResult& r, TokenHandler* handler,
                      MicroClock* micro_clock) noexcept;
  [[nodiscard]] SendError allocate_nonce(std::uint32_t& time, std::uint8_t& seq) noexcept;
  [[nodiscard]] bool persist(std::uint32_t reserved_until, bool has_reservation) noexcept;
  [[nodiscard]] wire::NetHeader header_for(wire::NetFrameType type, std::uint16_t dst) const noexcept;
  [[nodiscard]] bool addressed_to_us(std::uint16_t dst) const noexcept;
  [[nodiscard]] SendError seal_and_count(const wire::NetHeader& header, std::uint32_t time,
                                         std::span<const std::uint8_t> body, std::span<std::uint8_t> out,
                                         std::size_t& radio_length) noexcept;

  NetConfig config_;
  bool config_ok_;
  NvStore& nv_;
  GlobalClock clock_;
  KeyRing keys_;
  crypto::AesAead kek_;
  std::array<ReplayEntry, replay_capacity> replay_storage_{};
  ReplayCache replay_;
  TokenDispatcher dispatcher_;
  NetCounters counters_;
  // Nonce state: the last (time, seq) used, and the durable reservation bounding it.
  std::uint32_t last_time_ = 0;
  std::uint8_t last_seq_ = 0;
  bool have_last_ = false;
  std::uint32_t reserved_until_ = 0;
  bool has_reservation_ = false;
  // Sync: our outstanding challenge, and the slot of our last answer.
  std::array<std::uint8_t, wire::NetLayout::challenge_size> challenge_{};
  bool challenge_pending_ = false;
  LocalTime challenge_at_ = 0;  // local ms of the request; answers are awaited two slots
  std::uint32_t last_answer_slot_ = 0;
  bool answered_ = false;
};

}  // namespace meshsec::net
