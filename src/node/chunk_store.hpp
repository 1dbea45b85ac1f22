// Where a node keeps verified firmware chunk packets (flash on a device). Only the
// disseminator writes, and only after the BlobVerifier accepted the packet.
#pragma once
#include <cstdint>
#include <span>

namespace meshsec::node {

class ChunkStore {
 public:
  virtual ~ChunkStore() = default;
  // Forgets every stored chunk (a new blob starts).
  virtual void clear() noexcept = 0;
  // Stores the verified chunk packet of chunk `index`; false when there is no room.
  [[nodiscard]] virtual bool write(std::uint32_t index, std::span<const std::uint8_t> packet) noexcept = 0;
  // The stored packet, empty when chunk `index` is not held.
  [[nodiscard]] virtual std::span<const std::uint8_t> read(std::uint32_t index) const noexcept = 0;
};

}  // namespace meshsec::node
