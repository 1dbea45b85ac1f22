// The receiving end of an E2 or E3 session for one node: a gateway (E2 uplink), the
// back-end (E3 uplink) or the node itself (downlink). docs/e2e.md §3-§6.
//
// open() parses fully, then authenticates (CCM tag, then the L6 signature), and only then
// moves the replay window, the session seed and — after E5 — retires the old key.
#pragma once
#include <array>
#include <cstddef>
#include <cstdint>
#include <span>

#include "crypto/aead.hpp"
#include "e2e/e2e_error.hpp"
#include "e2e/e2e_message_layout.hpp"
#include "e2e/e2e_sender.hpp"
#include "e2e/replay_window.hpp"

namespace meshsec::e2e {

struct E2eReceiverPolicy {
  bool strict_order = false;       // refuse any reordering (else a 64-message window)
  bool require_signature = false;  // L6 mandatory for this node
};

// What open() learnt about an accepted message.
struct E2eOpened {
  std::uint32_t sequence = 0;
  std::uint32_t seed = 0;
  std::uint32_t key_version = 0;
  bool nested = false;      // body is an E3 message (E3 inside E2)
  bool is_signed = false;   // carried a valid L6 signature
  bool new_session = false; // first message of a new session seed
};

class E2eReceiver {
 public:
  // Errors: crypto_failure.
  [[nodiscard]] E2eError start(const E2eSessionParams& params,
                               std::span<const std::uint8_t, E2eLayout::key_size> key,
                               std::uint32_t key_version, E2eReceiverPolicy policy = {}) noexcept;
  // L6: the node's registered Ed25519 public key; signed messages are checked against it.
  void set_signature_key(std::span<const std::uint8_t, 32> ed25519_public) noexcept;

  // E5, terminating side: the renewed key is accepted next to the current one until the
  // first message under it verifies; then the old key is retired (wiped) for good.
  [[nodiscard]] E2eError stage_key(std::span<const std::uint8_t, E2eLayout::key_size> key,
                                   std::uint32_t key_version) noexcept;
  // E5, node side (downlink receiver): switch at once; the old key is wiped.
  [[nodiscard]] E2eError install_key(std::span<const std::uint8_t, E2eLayout::key_size> key,
                                     std::uint32_t key_version) noexcept;

  // Opens one message into payload (which must hold the payload). Errors: malformed,
  // wrong_level, wrong_direction, unknown_key_version, signature_required, replayed,
  // stale_session, no_room, auth_failed, bad_signature, not_ready.
  [[nodiscard]] E2eError open(std::span<const std::uint8_t> message, std::span<std::uint8_t> payload,
                              std::size_t& written, E2eOpened* info = nullptr) noexcept;

  [[nodiscard]] std::uint32_t key_version() const noexcept { return current_.version; }
  [[nodiscard]] bool has_staged_key() const noexcept { return staged_.present; }

 private:
  struct KeySlot {
    crypto::AesAead aead;
    std::uint32_t version = 0;
    bool present = false;
  };
  E2eSessionParams params_;
  E2eReceiverPolicy policy_;
  KeySlot current_;
  KeySlot staged_;
  ReplayWindow window_;
  std::uint32_t session_seed_ = 0;
  std::array<std::uint8_t, 32> signature_key_{};
  bool has_signature_key_ = false;
  std::array<std::uint8_t, E2eLayout::max_payload + E2eLayout::signature_size> plain_{};
};

}  // namespace meshsec::e2e
