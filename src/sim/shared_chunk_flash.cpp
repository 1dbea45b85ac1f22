#include "sim/shared_chunk_flash.hpp"

#include <algorithm>

namespace meshsec::sim {

std::uint16_t SharedChunkFlash::intern(std::uint32_t index, std::span<const std::uint8_t> bytes) {
  const std::lock_guard lock(mutex_);
  if (by_index_.size() <= index) by_index_.resize(index + 1);
  auto& copies = by_index_[index];
  for (std::size_t i = 0; i < copies.size(); ++i)
    if (std::equal(copies[i].begin(), copies[i].end(), bytes.begin(), bytes.end())) return static_cast<std::uint16_t>(i);
  copies.emplace_back(bytes.begin(), bytes.end());
  ++copies_;
  return static_cast<std::uint16_t>(copies.size() - 1);
}

std::span<const std::uint8_t> SharedChunkFlash::bytes(std::uint32_t index, std::uint16_t copy) const {
  const std::lock_guard lock(mutex_);
  if (index >= by_index_.size() || copy >= by_index_[index].size()) return {};
  return by_index_[index][copy];
}

bool NodeChunkStore::write(std::uint32_t index, std::span<const std::uint8_t> packet) noexcept {
  try {
    if (held_.size() <= index) held_.resize(index + 1, none);
    held_[index] = flash_.intern(index, packet);
    return true;
  } catch (...) {
    return false;  // out of memory: the node simply lacks the chunk
  }
}

std::span<const std::uint8_t> NodeChunkStore::read(std::uint32_t index) const noexcept {
  if (index >= held_.size() || held_[index] == none) return {};
  return flash_.bytes(index, held_[index]);
}

std::size_t NodeChunkStore::held() const noexcept {
  return static_cast<std::size_t>(std::count_if(held_.begin(), held_.end(), [](std::uint16_t c) { return c != none; }));
}

}  // namespace meshsec::sim
