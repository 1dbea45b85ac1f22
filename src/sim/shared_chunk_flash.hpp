// Simulated flash for firmware chunks. Verified chunks are byte-identical on every node,
// so the simulator keeps one copy of each distinct (index, bytes) and every node's store
// only records which copy it holds: 10,000 nodes × 128 KiB would not fit otherwise. A
// node still writes (and the copy is compared byte for byte) only after its own
// BlobVerifier accepted the packet; reading returns exactly the bytes written. Nodes of
// both lanes write and read it at once, so it is locked; a copy never moves once made.
#pragma once
#include <cstdint>
#include <mutex>
#include <span>
#include <vector>

#include "node/chunk_store.hpp"

namespace meshsec::sim {

class SharedChunkFlash {
 public:
  // Returns the copy id of these bytes for chunk `index` (adding a copy when new).
  std::uint16_t intern(std::uint32_t index, std::span<const std::uint8_t> bytes);
  [[nodiscard]] std::span<const std::uint8_t> bytes(std::uint32_t index, std::uint16_t copy) const;
  [[nodiscard]] std::size_t distinct_copies() const noexcept { return copies_; }

 private:
  mutable std::mutex mutex_;
  std::vector<std::vector<std::vector<std::uint8_t>>> by_index_;
  std::size_t copies_ = 0;
};

// One node's view of the shared flash.
class NodeChunkStore final : public node::ChunkStore {
 public:
  explicit NodeChunkStore(SharedChunkFlash& flash) noexcept : flash_(flash) {}
  void clear() noexcept override { held_.clear(); }
  [[nodiscard]] bool write(std::uint32_t index, std::span<const std::uint8_t> packet) noexcept override;
  [[nodiscard]] std::span<const std::uint8_t> read(std::uint32_t index) const noexcept override;
  [[nodiscard]] std::size_t held() const noexcept;

 private:
  static constexpr std::uint16_t none = 0xFFFF;
  SharedChunkFlash& flash_;
  std::vector<std::uint16_t> held_;  // copy id per chunk index
};

}  // namespace meshsec::sim
