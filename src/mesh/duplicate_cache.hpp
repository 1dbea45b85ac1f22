// Flood duplicate suppression: the (origin, seq) pairs of the last messages handled, in a
// fixed ring (no heap). A pair older than the ring is forgotten; the TTL still bounds it.
#pragma once
#include <array>
#include <cstddef>
#include <cstdint>

#include "node/node_id.hpp"

namespace meshsec::mesh {

class DuplicateCache {
 public:
  static constexpr std::size_t capacity = 64;

  [[nodiscard]] bool contains(std::uint8_t type, node::NodeId origin, std::uint16_t seq) const noexcept {
    const std::uint64_t key = make_key(type, origin, seq);
    for (std::size_t i = 0; i < size_; ++i)
      if (keys_[i] == key) return true;
    return false;
  }
  // Returns true when the pair was new (and is now remembered).
  bool insert(std::uint8_t type, node::NodeId origin, std::uint16_t seq) noexcept {
    if (contains(type, origin, seq)) return false;
    keys_[next_] = make_key(type, origin, seq);
    next_ = (next_ + 1) % capacity;
    if (size_ < capacity) ++size_;
    return true;
  }

 private:
  static constexpr std::uint64_t make_key(std::uint8_t type, node::NodeId origin, std::uint16_t seq) noexcept {
    // Each message type numbers its own messages: the type keeps them apart.
    return (static_cast<std::uint64_t>(type) << 32) | (static_cast<std::uint64_t>(origin) << 16) | seq;
  }
  std::array<std::uint64_t, capacity> keys_{};
  std::size_t size_ = 0;
  std::size_t next_ = 0;
};

}  // namespace meshsec::mesh
