// The receiver's outstanding nonces (docs/signing.md §Nonce pool).
//
// MySensors keeps ONE nonce per receiver, shared by every sender: any second request
// overwrites it and any signed frame burns it (issues #1458, #1512). This pool keeps up to
// `nonce_pool_slots` nonces, each bound to the sender that asked, at most `per_sender` of
// them per sender (1 for MySensors peers, more for native peers), and a nonce is consumed
// only by a frame that verifies under it. Nonce requests pass two token buckets (per
// sender and global) first, so a flood of requests neither evicts other senders' nonces
// nor keeps the receiver busy. Time is a caller-supplied millisecond counter; differences
// are taken modulo 2^32, so wrap-around is harmless.
#pragma once
#include <array>
#include <cstddef>
#include <cstdint>
#include <span>

#include "signing/atsha204_emulation.hpp"
#include "signing/signing_error.hpp"

namespace meshsec::signing {

inline constexpr std::size_t nonce_pool_slots = 16;
inline constexpr std::size_t max_nonces_per_sender = 8;

struct NoncePoolLimits {
  std::uint32_t timeout_ms = 5000;         // MY_VERIFICATION_TIMEOUT_MS
  std::uint8_t sender_burst = 4;           // requests a sender may make back to back
  std::uint32_t sender_refill_ms = 250;    // then one more per interval
  std::uint8_t global_burst = 16;          // requests from everyone together
  std::uint32_t global_refill_ms = 50;
};

class NoncePool {
 public:
  explicit NoncePool(NoncePoolLimits limits = {}) noexcept : limits_(limits) {}

  // Rate-limits, then stores `nonce` for `sender`. When the sender already holds
  // `per_sender` live nonces its oldest is replaced (its own, never another sender's).
  // Errors: rate_limited, pool_full (every slot holds a live nonce of other senders).
  [[nodiscard]] SigningError issue(std::uint8_t sender, std::size_t per_sender, const Nonce& nonce,
                                   std::uint32_t now) noexcept;

  // signerCheckTimer(): wipes every nonce older than the timeout (marks it expired).
  void expire(std::uint32_t now) noexcept;

  // Slots of the sender's live nonces, oldest first; returns how many were written.
  [[nodiscard]] std::size_t live_slots(std::uint8_t sender, std::uint32_t now,
                                       std::span<std::size_t, max_nonces_per_sender> out) const noexcept;
  // Whether the sender's most recent nonce ran out (for the error reported on no match).
  [[nodiscard]] bool has_expired(std::uint8_t sender) const noexcept;
  [[nodiscard]] const Nonce& nonce_at(std::size_t slot) const noexcept { return slots_[slot].nonce; }
  // Called only after a frame verified under the slot's nonce: wipes and frees it.
  void consume(std::size_t slot) noexcept;
  [[nodiscard]] std::size_t live_count() const noexcept;

 private:
  enum class SlotState : std::uint8_t { free, live, expired };
  struct Slot {
    SlotState state = SlotState::free;
    std::uint8_t sender = 0;
    std::uint32_t issued = 0;
    Nonce nonce{};
  };
  struct Bucket {
    std::uint8_t used = 0;
    std::uint32_t since = 0;
  };
  static void refill(Bucket& b, std::uint32_t refill_ms, std::uint32_t now) noexcept;
  [[nodiscard]] bool is_live(const Slot& s, std::uint32_t now) const noexcept;
  void wipe(Slot& s, SlotState state) noexcept;

  NoncePoolLimits limits_;
  std::array<Slot, nonce_pool_slots> slots_{};
  std::array<Bucket, 256> sender_buckets_{};
  Bucket global_bucket_{};
};

}  // namespace meshsec::signing
