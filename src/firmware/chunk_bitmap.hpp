// Which chunks of a blob have been verified: a fixed bitmap sized for the largest blob, so
// the verifier never allocates.
#pragma once
#include <array>
#include <cstddef>
#include <cstdint>

#include "firmware/blob_layout.hpp"

namespace meshsec::firmware {

class ChunkBitmap {
 public:
  void reset(std::size_t count) noexcept {
    bits_.fill(0);
    count_ = count > blob::max_chunk_count ? blob::max_chunk_count : count;
    present_ = 0;
  }
  [[nodiscard]] bool test(std::size_t index) const noexcept {
    return index < count_ && (bits_[index / 8] & bit(index)) != 0;
  }
  // Returns true when the bit was newly set.
  bool set(std::size_t index) noexcept {
    if (index >= count_ || test(index)) return false;
    bits_[index / 8] = static_cast<std::uint8_t>(bits_[index / 8] | bit(index));
    ++present_;
    return true;
  }
  [[nodiscard]] std::size_t count() const noexcept { return count_; }
  [[nodiscard]] std::size_t present() const noexcept { return present_; }
  [[nodiscard]] bool full() const noexcept { return count_ != 0 && present_ == count_; }
  // First missing index, or count() when none is missing.
  [[nodiscard]] std::size_t first_missing() const noexcept {
    for (std::size_t i = 0; i < count_; ++i)
      if (!test(i)) return i;
    return count_;
  }

 private:
  static constexpr std::uint8_t bit(std::size_t index) noexcept {
    return static_cast<std::uint8_t>(1U << (index % 8));
  }
  std::array<std::uint8_t, blob::max_chunk_count / 8> bits_{};
  std::size_t count_ = 0;
  std::size_t present_ = 0;
};

}  // namespace meshsec::firmware
