// How far a point-to-point image transfer got, as the node persists it across sessions and
// reboots (docs/auth.md §5). Only chunks that arrived authenticated are counted.
#pragma once
#include <cstdint>

#include "auth/auth_messages.hpp"

namespace meshsec::auth {

struct TransferProgress {
  ImageId image_id{};
  std::uint32_t image_size = 0;
  std::uint16_t chunk_size = 0;
  std::uint32_t next_chunk = 0;  // every chunk below this one is stored

  [[nodiscard]] constexpr std::uint32_t chunk_count() const noexcept {
    return chunk_size == 0 ? 0 : static_cast<std::uint32_t>((std::uint64_t{image_size} + chunk_size - 1) / chunk_size);
  }
  [[nodiscard]] constexpr bool complete() const noexcept { return chunk_count() != 0 && next_chunk >= chunk_count(); }
  // Length of chunk `index` (the last one may be short); 0 when out of range.
  [[nodiscard]] constexpr std::uint32_t chunk_length(std::uint32_t index) const noexcept {
    if (index >= chunk_count()) return 0;
    const std::uint64_t start = std::uint64_t{index} * chunk_size;
    const std::uint64_t left = image_size - start;
    return static_cast<std::uint32_t>(left < chunk_size ? left : chunk_size);
  }
};

}  // namespace meshsec::auth
