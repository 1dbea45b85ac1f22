// The network keys one node holds (B1, docs/wire-format.md §7): at most two at a time,
// identified on air by a 2-bit key index (epoch & 3), with the refresh phases
// normal → staged → switched → normal. Every key is scheduled once (AesAead) when it is
// installed. Epochs only move forward.
#pragma once
#include <cstddef>
#include <cstdint>
#include <span>

#include "crypto/aead.hpp"
#include "crypto/secret.hpp"
#include "net/nv_state.hpp"

namespace meshsec::net {

enum class KeyChange : std::uint8_t {
  installed = 0,   // the ring changed
  unchanged,       // already in that state (a repeated message)
  stale,           // epoch not newer than what we hold
  rejected,        // no such epoch held, or a phase step out of order
  crypto_failure,  // the key could not be scheduled (bad length, backend)
};

class KeyRing {
 public:
  explicit KeyRing(std::size_t mic_length) noexcept : mic_length_(mic_length) {}

  // Replaces every key by this one (factory provisioning, or a "final" delivery).
  [[nodiscard]] KeyChange set_only(std::uint32_t epoch, std::span<const std::uint8_t> key) noexcept;
  // Adds a newer key that is accepted but not yet used for sending.
  [[nodiscard]] KeyChange stage(std::uint32_t epoch, std::span<const std::uint8_t> key) noexcept;
  // Starts sending with the staged key of `epoch`; the old key is still accepted.
  [[nodiscard]] KeyChange switch_to(std::uint32_t epoch) noexcept;
  // Forgets every key older than `epoch` (which must be held).
  [[nodiscard]] KeyChange retire(std::uint32_t epoch) noexcept;

  // The key for an on-air index, or nullptr; sets `epoch`.
  [[nodiscard]] crypto::AesAead* for_index(std::uint8_t key_index, std::uint32_t& epoch) noexcept;
  // The key to send with, or nullptr when none is held; sets `epoch`.
  [[nodiscard]] crypto::AesAead* sender(std::uint32_t& epoch) noexcept;

  [[nodiscard]] bool empty() const noexcept { return !slots_[0].present && !slots_[1].present; }
  [[nodiscard]] std::uint32_t newest_epoch() const noexcept;
  [[nodiscard]] std::uint32_t send_epoch() const noexcept { return slots_[send_].epoch; }
  [[nodiscard]] KeyPhase phase() const noexcept { return phase_; }
  [[nodiscard]] bool holds_epoch(std::uint32_t epoch) const noexcept;

  void save(NetNvState& out) const noexcept;
  [[nodiscard]] KeyChange load(const NetNvState& in) noexcept;

 private:
  struct Slot {
    bool present = false;
    std::uint32_t epoch = 0;
    std::uint8_t length = 0;
    crypto::SecretArray<32> key;
    crypto::AesAead aead;
  };
  [[nodiscard]] KeyChange fill(Slot& slot, std::uint32_t epoch, std::span<const std::uint8_t> key) noexcept;
  static void wipe(Slot& slot) noexcept;

  std::size_t mic_length_;
  Slot slots_[2];
  std::uint8_t send_ = 0;
  KeyPhase phase_ = KeyPhase::normal;
};

}  // namespace meshsec::net
