// E5 key renewal (docs/e2e.md §7): the back-end (or, for E2 keys, the gateway's key
// server) delivers a fresh AES-256 E2/E3 key to a node inside a Noise handshake over
// X25519. The node starts the exchange; the key travels in the responder's handshake
// payload, encrypted under keys that mix both statics and both fresh ephemerals (forward
// secrecy: a later theft of either static key does not reveal the delivered key).
//
// Frames (one E1 body each):
//   request = 0x01 ‖ node id (4) ‖ level (1) ‖ Noise message 1
//   grant   = 0x02 ‖ node id (4) ‖ level (1) ‖ Noise message 2
// prologue = "meshsec/e5/v1" ‖ the 6 clear bytes after the type, so they are authenticated.
// Request payload: request counter (4) ‖ current key version (4).
// Grant payload:   request counter (4) ‖ new key version (4) ‖ new key (32).
//
// Pattern: KK by default (both statics known in advance: the node's from the registry,
// the back-end's embedded in the node, W10) — the shortest messages, 62 and 94 bytes; IK
// when the back-end should learn the node's static from the handshake (it is then
// checked against the registry), 110 and 94 bytes.
#pragma once
#include <array>
#include <cstddef>
#include <cstdint>
#include <span>

#include "crypto/secret.hpp"
#include "e2e/e2e_error.hpp"
#include "e2e/e2e_message_layout.hpp"
#include "e2e/noise_handshake_state.hpp"

namespace meshsec::e2e {

enum class RenewalPattern : std::uint8_t { kk, ik };

struct RenewalLayout {
  static constexpr std::uint8_t request_type = 0x01;
  static constexpr std::uint8_t grant_type = 0x02;
  static constexpr std::size_t clear_size = 1 + 4 + 1;
  static constexpr std::size_t request_payload_size = 8;
  static constexpr std::size_t grant_payload_size = 8 + E2eLayout::key_size;
  static constexpr std::size_t max_frame = 128;
};

// What the node's static X25519 identity and the back-end's embedded key are.
struct RenewalNodeKeys {
  std::span<const std::uint8_t, 32> node_static_private;
  std::span<const std::uint8_t, 32> backend_static_public;
};

// Node side: request(), then accept() the grant.
class RenewalInitiator {
 public:
  // request_counter must grow with every request (the node's persisted sequence counter
  // serves); the back-end refuses a request that does not exceed the last one it granted.
  // Errors: renewal_rejected (handshake setup), no_room.
  [[nodiscard]] E2eError request(RenewalPattern pattern, const RenewalNodeKeys& keys,
                                 std::uint32_t node_id, E2eLevel level, std::uint32_t request_counter,
                                 std::uint32_t current_key_version, std::span<std::uint8_t> out,
                                 std::size_t& written) noexcept;
  // Reads the grant; on success new_key/new_version hold the delivered key (current + 1).
  // Errors: malformed, renewal_rejected (bad handshake, wrong node/level/counter/version).
  [[nodiscard]] E2eError accept(std::span<const std::uint8_t> grant,
                                crypto::SecretArray<E2eLayout::key_size>& new_key,
                                std::uint32_t& new_version) noexcept;

 private:
  NoiseHandshakeState handshake_;
  std::uint32_t node_id_ = 0;
  E2eLevel level_ = E2eLevel::e2;
  std::uint32_t counter_ = 0;
  std::uint32_t current_version_ = 0;
  bool pending_ = false;
};

// What the back-end knows about a node when it answers.
struct RenewalNodeRecord {
  std::span<const std::uint8_t, 32> node_static_public;  // from the registry
  std::uint32_t last_request_counter = 0;                // highest counter granted so far
  std::uint32_t current_key_version = 0;
};

// Peeks at the clear node id and level of a request so the back-end can look up the node.
[[nodiscard]] E2eError peek_renewal_request(std::span<const std::uint8_t> request, std::uint32_t& node_id,
                                            E2eLevel& level) noexcept;

// Back-end side: checks the request and writes the grant with a fresh random key, which
// it also returns (to stage on its E2eReceiver and E2eSender for that node). The caller
// stores the new request counter (granted_counter) only when this returns ok.
// Errors: malformed, renewal_rejected (handshake failure, static key not the registered
// one, counter not above the last, version mismatch), no_room, crypto_failure.
[[nodiscard]] E2eError answer_renewal(RenewalPattern pattern, std::span<const std::uint8_t, 32> backend_static_private,
                                      const RenewalNodeRecord& record, std::span<const std::uint8_t> request,
                                      std::span<std::uint8_t> grant_out, std::size_t& written,
                                      crypto::SecretArray<E2eLayout::key_size>& new_key,
                                      std::uint32_t& new_version, std::uint32_t& granted_counter) noexcept;

}  // namespace meshsec::e2e
