// The secure point-to-point link after 9798-2 (M7, docs/auth.md §4): AES-CCM under K_s,
// one sequence number per direction, strictly increasing; a message whose number is not
// above the last accepted one is a replay or a reordering and is dropped. Data flows
// A → B in chunk order; B acknowledges with the next chunk it needs, so a broken transfer
// resumes in a new session where it stopped (§5).
#pragma once
#include <cstddef>
#include <cstdint>
#include <span>

#include "auth/auth_error.hpp"
#include "auth/auth_messages.hpp"
#include "auth/session_key.hpp"
#include "auth/transfer_progress.hpp"
#include "crypto/aead.hpp"

namespace meshsec::auth {

inline constexpr std::uint8_t direction_a_to_b = 0xA0;
inline constexpr std::uint8_t direction_b_to_a = 0xB0;

// One direction's sending and receiving counters over one AEAD key.
class LinkCipher {
 public:
  // Takes K_s (moved in). Errors: crypto_failure.
  [[nodiscard]] AuthError init(SessionKey&& key, std::uint8_t send_direction, std::uint8_t receive_direction) noexcept;
  [[nodiscard]] bool ready() const noexcept { return aead_.ready(); }
  // Next number to send; sequence_exhausted before it would wrap.
  [[nodiscard]] AuthError next_send(std::uint32_t& seq) noexcept;
  [[nodiscard]] bool fresh(std::uint32_t seq) const noexcept { return seq > last_received_; }
  void accept(std::uint32_t seq) noexcept { last_received_ = seq; }
  [[nodiscard]] AuthError seal(std::uint32_t seq, std::span<const std::uint8_t> aad, std::span<const std::uint8_t> plain,
                               std::span<std::uint8_t> cipher, std::span<std::uint8_t> tag) noexcept;
  [[nodiscard]] AuthError open(std::uint32_t seq, std::span<const std::uint8_t> aad, std::span<const std::uint8_t> cipher,
                               std::span<const std::uint8_t> tag, std::span<std::uint8_t> plain) noexcept;

 private:
  crypto::AesAead aead_;
  std::uint8_t send_direction_ = 0;
  std::uint8_t receive_direction_ = 0;
  std::uint32_t last_sent_ = 0;      // 0 is never sent
  std::uint32_t last_received_ = 0;
};

// Uploader (A) side.
class UploaderLink {
 public:
  // next_chunk: the resume point B reported in token 3. Errors: crypto_failure, transfer_mismatch.
  [[nodiscard]] AuthError init(SessionKey&& key, const TransferOffer& offer, std::uint32_t next_chunk) noexcept;
  // Seals chunk `index` (its exact length). Errors: wrong_state, transfer_mismatch,
  // sequence_exhausted, no_room, crypto_failure.
  [[nodiscard]] AuthError seal_chunk(std::uint32_t index, std::span<const std::uint8_t> chunk,
                                     std::span<std::uint8_t> out, std::size_t& written) noexcept;
  // An acknowledgement: parse → fresh seq → tag → next chunk not behind the last ack.
  // Errors: wrong_state, malformed, replay, auth_failed, transfer_mismatch.
  [[nodiscard]] AuthError open_ack(std::span<const std::uint8_t> message) noexcept;

  [[nodiscard]] std::uint32_t next_chunk() const noexcept { return progress_.next_chunk; }
  [[nodiscard]] bool complete() const noexcept { return progress_.complete(); }
  [[nodiscard]] const TransferProgress& progress() const noexcept { return progress_; }

 private:
  LinkCipher cipher_;
  TransferProgress progress_{};  // what B has acknowledged
};

// Node (B) side.
class NodeLink {
 public:
  // Errors: crypto_failure.
  [[nodiscard]] AuthError init(SessionKey&& key) noexcept;
  // A data message: parse → fresh seq → tag → chunk is the next one (or an earlier one
  // sent again) with its exact length. Only then: the seq is accepted and, for a new
  // chunk, its plaintext is in `chunk_out` and progress.next_chunk moves on (the caller
  // stores the chunk, then persists progress). `is_new` is false for a repeated chunk.
  // Errors: wrong_state, malformed, replay, auth_failed, out_of_order, transfer_mismatch,
  // no_room.
  [[nodiscard]] AuthError open_chunk(std::span<const std::uint8_t> message, TransferProgress& progress,
                                     std::span<std::uint8_t> chunk_out, std::size_t& chunk_length,
                                     std::uint32_t& chunk_index, bool& is_new) noexcept;
  // Acknowledgement with progress.next_chunk. Errors: wrong_state, sequence_exhausted, no_room.
  [[nodiscard]] AuthError seal_ack(const TransferProgress& progress, std::span<std::uint8_t> out,
                                   std::size_t& written) noexcept;

 private:
  LinkCipher cipher_;
};

}  // namespace meshsec::auth
