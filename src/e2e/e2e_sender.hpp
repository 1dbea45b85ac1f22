// The sending end of an E2 or E3 session (docs/e2e.md §3-§5): a node sealing uplink
// messages, or a gateway / back-end sealing downlink messages to one node.
//
// Per-node AES-256-CCM key (raw bytes until the key hierarchy hands out handles), a random
// session seed drawn at start(), and a sequence number from a SequenceCounter whose
// high-water mark survives reboots. Optional L6 signature with the node's Ed25519 key.
#pragma once
#include <cstddef>
#include <cstdint>
#include <span>

#include "crypto/aead.hpp"
#include "crypto/secret.hpp"
#include "e2e/e2e_error.hpp"
#include "e2e/e2e_message_layout.hpp"
#include "e2e/sequence_counter.hpp"

namespace meshsec::e2e {

struct E2eSessionParams {
  E2eLevel level = E2eLevel::e2;
  E2eDirection direction = E2eDirection::uplink;
  std::uint32_t node_id = 0;  // the node whose key this is (both directions)
};

class E2eSender {
 public:
  // Starts a session: schedules the key, resumes the counter (one store write) and draws
  // a fresh random seed. Errors: crypto_failure, store_failed, sequence_exhausted.
  [[nodiscard]] E2eError start(const E2eSessionParams& params,
                               std::span<const std::uint8_t, E2eLayout::key_size> key,
                               std::uint32_t key_version, SequenceStore& store,
                               std::uint32_t block = SequenceCounter::default_block) noexcept;
  // E5: switches to a renewed key; the old one is wiped at once. Errors: crypto_failure.
  [[nodiscard]] E2eError install_key(std::span<const std::uint8_t, E2eLayout::key_size> key,
                                     std::uint32_t key_version) noexcept;
  // L6: sign every message with the node's Ed25519 key (seed form).
  void enable_signing(std::span<const std::uint8_t, 32> ed25519_seed) noexcept;

  // Seals payload (at most E2eLayout::max_payload bytes) into out. nested marks a body
  // that is itself an E3 message (E3 inside E2). Errors: not_ready, no_room,
  // sequence_exhausted, store_failed, crypto_failure.
  [[nodiscard]] E2eError seal(std::span<const std::uint8_t> payload, std::span<std::uint8_t> out,
                              std::size_t& written, bool nested = false) noexcept;

  // Bytes seal() adds to a payload with the current settings.
  [[nodiscard]] std::size_t overhead() const noexcept {
    return signing_ ? E2eLayout::signed_overhead : E2eLayout::overhead;
  }
  [[nodiscard]] std::uint32_t key_version() const noexcept { return key_version_; }
  [[nodiscard]] std::uint32_t seed() const noexcept { return seed_; }
  [[nodiscard]] const E2eSessionParams& params() const noexcept { return params_; }

 private:
  E2eSessionParams params_;
  crypto::AesAead aead_;
  std::uint32_t key_version_ = 0;
  std::uint32_t seed_ = 0;
  SequenceCounter counter_;
  crypto::SecretArray<32> signing_seed_;
  bool signing_ = false;
  bool ready_ = false;
};

}  // namespace meshsec::e2e
