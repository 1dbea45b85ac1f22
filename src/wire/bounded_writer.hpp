// The writing twin of BoundedReader: writes into a fixed buffer, latches no_room.
#pragma once
#include <cstddef>
#include <cstdint>
#include <span>

#include "wire/wire_error.hpp"

namespace meshsec::wire {

class BoundedWriter {
 public:
  explicit BoundedWriter(std::span<std::uint8_t> out) noexcept : out_(out) {}

  void u8(std::uint8_t v) noexcept { be(v, 1); }
  void u16be(std::uint16_t v) noexcept { be(v, 2); }
  void u24be(std::uint32_t v) noexcept { be(v, 3); }
  void u32be(std::uint32_t v) noexcept { be(v, 4); }
  void u48be(std::uint64_t v) noexcept { be(v, 6); }
  void u64be(std::uint64_t v) noexcept { be(v, 8); }
  void u16le(std::uint16_t v) noexcept { le(v, 2); }
  void u32le(std::uint32_t v) noexcept { le(v, 4); }
  void u64le(std::uint64_t v) noexcept { le(v, 8); }
  void bytes(std::span<const std::uint8_t> data) noexcept {
    auto dst = reserve(data.size());
    for (std::size_t i = 0; i < dst.size(); ++i) dst[i] = data[i];
  }
  // Reserves n bytes to be filled later (e.g. a tag computed after the header).
  [[nodiscard]] std::span<std::uint8_t> reserve(std::size_t n) noexcept {
    if (error_ != WireError::ok) return {};
    if (n > out_.size() - offset_) {
      error_ = WireError::no_room;
      return {};
    }
    offset_ += n;
    return out_.subspan(offset_ - n, n);
  }

  [[nodiscard]] std::size_t size() const noexcept { return offset_; }
  [[nodiscard]] std::span<std::uint8_t> written() const noexcept { return out_.first(offset_); }
  [[nodiscard]] bool ok() const noexcept { return error_ == WireError::ok; }
  [[nodiscard]] WireError error() const noexcept { return error_; }

 private:
  void be(std::uint64_t v, std::size_t n) noexcept {
    auto dst = reserve(n);
    for (std::size_t i = 0; i < dst.size(); ++i) dst[i] = static_cast<std::uint8_t>(v >> (8 * (n - 1 - i)));
  }
  void le(std::uint64_t v, std::size_t n) noexcept {
    auto dst = reserve(n);
    for (std::size_t i = 0; i < dst.size(); ++i) dst[i] = static_cast<std::uint8_t>(v >> (8 * i));
  }

  std::span<std::uint8_t> out_;
  std::size_t offset_ = 0;
  WireError error_ = WireError::ok;
};

}  // namespace meshsec::wire
