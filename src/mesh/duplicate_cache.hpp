// Flood duplicate suppression: the messages handled last, in a fixed ring (no heap). A
// message is its (type, origin, sequence number) and the node's keyed digest of what every
// hop carries unchanged (flood_digest.hpp), so a message sent by someone else under a
// number already in use is not a copy of the genuine one. An entry older than the ring is
// forgotten; the TTL still bounds a flood.
#pragma once
#include <array>
#include <cstddef>
#include <cstdint>

#include "node/node_id.hpp"

namespace meshsec::mesh {

struct FloodKey {
  std::uint8_t type = 0;
  node::NodeId origin = 0;
  std::uint16_t seq = 0;
  std::uint32_t digest = 0;  // DuplicateCache::digest_bits of it count
};

class DuplicateCache {
 public:
  static constexpr std::size_t capacity = 64;
  // What is left of a 64-bit entry beside type (8), origin (16) and number (16).
  static constexpr unsigned digest_bits = 24;

  [[nodiscard]] bool contains(const FloodKey& k) const noexcept {
    const std::uint64_t key = make_key(k);
    for (std::size_t i = 0; i < size_; ++i)
      if (keys_[i] == key) return true;
    return false;
  }
  // Returns true when the message was new (and is now remembered). A new message under a
  // number already remembered with other contents is counted (numbers_reused()).
  bool insert(const FloodKey& k) noexcept {
    const std::uint64_t key = make_key(k);
    bool number_seen = false;
    for (std::size_t i = 0; i < size_; ++i) {
      if (keys_[i] == key) return false;
      number_seen = number_seen || (keys_[i] >> digest_bits) == (key >> digest_bits);
    }
    if (number_seen) ++numbers_reused_;
    keys_[next_] = key;
    next_ = (next_ + 1) % capacity;
    if (size_ < capacity) ++size_;
    return true;
  }
  // Messages taken as new although their number was in use with other contents: a number
  // the sender reused, or one somebody else put on the air first.
  [[nodiscard]] std::uint64_t numbers_reused() const noexcept { return numbers_reused_; }

 private:
  static constexpr std::uint64_t make_key(const FloodKey& k) noexcept {
    // Each message type numbers its own messages: the type keeps them apart.
    return (static_cast<std::uint64_t>(k.type) << 56) | (static_cast<std::uint64_t>(k.origin) << 40) |
           (static_cast<std::uint64_t>(k.seq) << 24) | (k.digest & ((1U << digest_bits) - 1U));
  }
  std::array<std::uint64_t, capacity> keys_{};
  std::size_t size_ = 0;
  std::size_t next_ = 0;
  std::uint64_t numbers_reused_ = 0;
};

}  // namespace meshsec::mesh
