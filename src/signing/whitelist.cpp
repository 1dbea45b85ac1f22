#include "signing/whitelist.hpp"

#include "crypto/secure_memory.hpp"

namespace meshsec::signing {

SigningError Whitelist::add(std::uint8_t node_id, const Serial& serial) noexcept {
  WhitelistEntry* slot = nullptr;
  for (std::size_t i = 0; i < count_; ++i)
    if (entries_[i].node_id == node_id) slot = &entries_[i];
  if (slot == nullptr) {
    if (count_ == whitelist_capacity) return SigningError::pool_full;
    slot = &entries_[count_++];
  }
  slot->node_id = node_id;
  slot->serial = serial;
  revoked_[node_id / 8] = static_cast<std::uint8_t>(revoked_[node_id / 8] & ~(1U << (node_id % 8)));
  ++generation_;
  return SigningError::ok;
}

void Whitelist::revoke(std::uint8_t node_id) noexcept {
  for (std::size_t i = 0; i < count_; ++i) {
    if (entries_[i].node_id != node_id) continue;
    entries_[i] = entries_[count_ - 1];
    crypto::secure_wipe(entries_[count_ - 1].serial);
    entries_[count_ - 1].node_id = 0;
    --count_;
    break;
  }
  revoked_[node_id / 8] = static_cast<std::uint8_t>(revoked_[node_id / 8] | (1U << (node_id % 8)));
  ++generation_;
}

const Serial* Whitelist::find(std::uint8_t node_id) const noexcept {
  for (std::size_t i = 0; i < count_; ++i)
    if (entries_[i].node_id == node_id) return &entries_[i].serial;
  return nullptr;
}

void Whitelist::clear() noexcept {
  for (auto& e : entries_) {
    crypto::secure_wipe(e.serial);
    e.node_id = 0;
  }
  count_ = 0;
  revoked_.fill(0);
  generation_ = 0;
}

void Whitelist::restore(std::span<const WhitelistEntry> entries, const std::array<std::uint8_t, 32>& revoked,
                        std::uint32_t generation) noexcept {
  clear();
  for (std::size_t i = 0; i < entries.size() && i < whitelist_capacity; ++i) entries_[i] = entries[i];
  count_ = entries.size() < whitelist_capacity ? entries.size() : whitelist_capacity;
  revoked_ = revoked;
  generation_ = generation;
}

}  // namespace meshsec::signing
