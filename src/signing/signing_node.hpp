// One node's signing state and protocol steps (MySensors core/MySigning.cpp, extended by
// the meshsec-native mode; docs/signing.md). One object per node, no globals, no heap:
// the simulator runs thousands side by side. Time is the caller's millisecond counter.
//
// Receiver side: on_presentation(), on_nonce_request(), receive().
// Sender side:   begin_send() → (nonce request on air) → on_nonce_response() → signed frame.
//
// Per peer it records what the peer presented (requires signatures, requires whitelisting,
// speaks native). A peer that presented native is held to the native scheme from then on:
// MySensors-scheme signatures from it are refused, so a stolen PSK cannot downgrade it.
#pragma once
#include <array>
#include <cstddef>
#include <cstdint>

#include "signing/whitelist_sink.hpp"
#include "signing/atsha204_emulation.hpp"
#include "signing/mysensors_frame.hpp"
#include "signing/native_key.hpp"
#include "signing/nonce_pool.hpp"
#include "signing/signing_backend.hpp"
#include "signing/whitelist.hpp"
#include "signing/whitelist_admin.hpp"

namespace meshsec::signing {

struct SigningConfig {
  std::uint8_t node_id = 0;
  // MY_SIGNING_REQUEST_SIGNATURES. On by default (B2); switching it off is the explicit
  // opt-in of a node that accepts unsigned messages.
  bool require_signatures = true;
  // MY_SIGNING_WEAK_SECURITY: requirements may be withdrawn by a later presentation, and a
  // gateway requires signatures only from nodes that require them. Explicit opt-in.
  bool weak_security = false;
  // MY_SIGNING_NODE_WHITELISTING: verification salts with the sender's whitelist entry and
  // refuses senders without one; signing salts with own_serial when the receiver asks.
  bool whitelisting = false;
  Serial own_serial{};
  // meshsec native mode with peers that present it (needs PeerKeys).
  bool native = false;
  // Refuse MySensors-scheme signatures from everyone (a network fully migrated).
  bool native_only = false;
  // MySensors truncates its MAC to 8·(24-L) bits, 8 bits at L = 23. By default frames of
  // the MySensors scheme with fewer than 64 MAC bits (L > 16) are neither signed nor
  // accepted; setting this is the explicit opt-in to MySensors' full range (B2).
  bool accept_short_mysensors_macs = false;
  std::uint8_t native_nonces_per_sender = 4;  // outstanding nonces per native peer (<= 8)
  NoncePoolLimits nonces{};
};

enum class Delivery : std::uint8_t {
  authenticated,    // verified signature; the signed flag and signature are removed
  unauthenticated,  // no signature was required (not required, skip list, broadcast)
};

class SigningNode {
 public:
  static constexpr std::size_t max_sessions = 8;

  // backend, native_keys and sink must outlive the node; native_keys/sink may be null.
  SigningNode(const SigningConfig& config, SigningBackend& backend, PeerKeys* native_keys = nullptr,
              WhitelistSink* sink = nullptr) noexcept;

  // --- presentation (§2.1) ---
  // This node's I_SIGNING_PRESENTATION to `destination`.
  [[nodiscard]] mys::Frame presentation(std::uint8_t destination) const noexcept;
  // Stores the sender's flags; a gateway answers with its own presentation (send_reply).
  // Errors: not_addressed, wrong_message, malformed.
  [[nodiscard]] SigningError on_presentation(const mys::Frame& in, mys::Frame& reply, bool& send_reply) noexcept;
  // Records a peer's requirements as a presentation would (configuration, tests).
  void set_peer_flags(std::uint8_t peer, std::uint8_t flags) noexcept;
  [[nodiscard]] bool peer_requires_signatures(std::uint8_t peer) const noexcept { return bit(requires_signing_, peer); }
  [[nodiscard]] bool peer_requires_whitelisting(std::uint8_t peer) const noexcept {
    return bit(requires_whitelisting_, peer);
  }
  [[nodiscard]] bool native_link(std::uint8_t peer) const noexcept {
    return config_.native && bit(native_peers_, peer);
  }

  // --- receiver side (§2.2 step 3, §4) ---
  // Answers an I_NONCE_REQUEST addressed to this node. Errors: not_addressed,
  // wrong_message, malformed, rate_limited, pool_full, backend_none, insecure_refused,
  // backend_failure.
  [[nodiscard]] SigningError on_nonce_request(const mys::Frame& in, std::uint32_t now, mys::Frame& response) noexcept;
  // Every received frame passes here before delivery. ok means deliver `delivered` (see
  // `how`); not_addressed means relay `in` unchanged; any other error means drop.
  [[nodiscard]] SigningError receive(const mys::Frame& in, std::uint32_t now, mys::Frame& delivered,
                                     Delivery& how) noexcept;

  // --- sender side (§2.2 steps 1-4) ---
  // When `msg` needs a signature, `out` is the nonce request to send and awaiting_nonce is
  // set; otherwise `out` is `msg` to send as it is. Errors: payload_too_long,
  // unknown_peer, pool_full (too many pending messages for that receiver), not_authorised.
  [[nodiscard]] SigningError begin_send(const mys::Frame& msg, std::uint32_t now, mys::Frame& out,
                                        bool& awaiting_nonce) noexcept;
  // Signs the oldest pending message for the responding receiver. Errors: not_addressed,
  // wrong_message, malformed, no_session, sender_mismatch, nonce_expired, and the backend's.
  [[nodiscard]] SigningError on_nonce_response(const mys::Frame& in, std::uint32_t now,
                                               mys::Frame& signed_frame) noexcept;
  [[nodiscard]] std::size_t pending_sessions() const noexcept;

  // --- whitelist ---
  [[nodiscard]] const Whitelist& whitelist() const noexcept { return whitelist_; }
  // Applies a command locally (the gateway's own list, or a verified admin frame):
  // persists through the sink first, then changes the live list. Errors: pool_full,
  // backend_failure (persisting failed; the live list is unchanged).
  [[nodiscard]] SigningError apply_admin(const AdminCommand& command) noexcept;
  // Replaces the list (after loading it from storage).
  void load_whitelist(const Whitelist& list) noexcept { whitelist_ = list; }

  // Frames dropped per reason (index: SigningError value).
  [[nodiscard]] std::uint32_t drops(SigningError reason) const noexcept {
    return drops_[static_cast<std::size_t>(reason)];
  }
  [[nodiscard]] const SigningConfig& config() const noexcept { return config_; }

 private:
  struct Session {
    bool used = false;
    std::uint8_t destination = 0;
    std::uint32_t started = 0;
    mys::Frame message{};
  };
  using Bitmap = std::array<std::uint8_t, 32>;
  static bool bit(const Bitmap& m, std::uint8_t id) noexcept { return (m[id / 8] >> (id % 8) & 1U) != 0; }
  static void set_bit(Bitmap& m, std::uint8_t id, bool on) noexcept;
  [[nodiscard]] bool requires_from(std::uint8_t sender) const noexcept;
  [[nodiscard]] std::uint8_t own_flags_for(std::uint8_t peer) const noexcept;
  // Verifies against the sender's live nonces and consumes the one that matches.
  [[nodiscard]] SigningError verify_with_pool(const mys::Frame& in, std::uint32_t now, bool native) noexcept;
  [[nodiscard]] SigningError receive_admin(const mys::Frame& in, std::uint32_t now) noexcept;
  void expire_sessions(std::uint32_t now) noexcept;
  SigningError count(SigningError e) noexcept;

  SigningConfig config_;
  SigningBackend& backend_;
  PeerKeys* native_keys_;
  WhitelistSink* sink_;
  NoncePool pool_;
  Whitelist whitelist_;
  Bitmap requires_signing_{};
  Bitmap requires_whitelisting_{};
  Bitmap native_peers_{};
  std::array<Session, max_sessions> sessions_{};
  std::array<std::uint32_t, static_cast<std::size_t>(SigningError::backend_failure) + 1> drops_{};
};

}  // namespace meshsec::signing
