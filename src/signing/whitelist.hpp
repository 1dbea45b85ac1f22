// The verifier's whitelist: node id → 9-byte secret serial (MySensors whitelist_entry_t),
// plus a revocation bitmap. MySensors compiles the list into the firmware; here entries
// are added and revoked at run time (whitelist_admin.hpp) and persisted
// (whitelist_codec.hpp). A revoked node is refused before any signature work.
#pragma once
#include <array>
#include <cstddef>
#include <cstdint>
#include <span>

#include "signing/atsha204_emulation.hpp"
#include "signing/signing_error.hpp"

namespace meshsec::signing {

inline constexpr std::size_t whitelist_capacity = 32;

struct WhitelistEntry {
  std::uint8_t node_id = 0;
  Serial serial{};
};

class Whitelist {
 public:
  // Adds or replaces the entry and lifts a revocation of that node. Errors: pool_full.
  [[nodiscard]] SigningError add(std::uint8_t node_id, const Serial& serial) noexcept;
  // Removes (wipes) the entry and marks the node revoked; revoking an unknown node is
  // allowed (it blocks the id from native admission as well).
  void revoke(std::uint8_t node_id) noexcept;
  [[nodiscard]] const Serial* find(std::uint8_t node_id) const noexcept;
  [[nodiscard]] bool is_revoked(std::uint8_t node_id) const noexcept {
    return (revoked_[node_id / 8] >> (node_id % 8) & 1U) != 0;
  }
  [[nodiscard]] std::span<const WhitelistEntry> entries() const noexcept {
    return std::span<const WhitelistEntry>(entries_).first(count_);
  }
  [[nodiscard]] const std::array<std::uint8_t, 32>& revoked_bitmap() const noexcept { return revoked_; }
  // Changes on every add/revoke; persisted so an older file can be recognised.
  [[nodiscard]] std::uint32_t generation() const noexcept { return generation_; }

  void clear() noexcept;
  // Used by the codec to rebuild a decoded list.
  void restore(std::span<const WhitelistEntry> entries, const std::array<std::uint8_t, 32>& revoked,
               std::uint32_t generation) noexcept;

 private:
  std::array<WhitelistEntry, whitelist_capacity> entries_{};
  std::size_t count_ = 0;
  std::array<std::uint8_t, 32> revoked_{};
  std::uint32_t generation_ = 0;
};

}  // namespace meshsec::signing
