// The one cursor through which every parser reads untrusted bytes.
//
// Every read is bounds-checked; the first failure latches (later reads return zero values
// and fail), so a parser can read a whole layout and check error() once at the end, and
// nothing it read after a failure can be mistaken for data. Arithmetic is written as
// `need > size - offset` so it cannot overflow.
#pragma once
#include <cstddef>
#include <cstdint>
#include <span>

#include "wire/wire_error.hpp"

namespace meshsec::wire {

class BoundedReader {
 public:
  explicit BoundedReader(std::span<const std::uint8_t> bytes) noexcept : bytes_(bytes) {}

  [[nodiscard]] std::uint8_t u8() noexcept { return static_cast<std::uint8_t>(be(1)); }
  [[nodiscard]] std::uint16_t u16be() noexcept { return static_cast<std::uint16_t>(be(2)); }
  [[nodiscard]] std::uint32_t u24be() noexcept { return static_cast<std::uint32_t>(be(3)); }
  [[nodiscard]] std::uint32_t u32be() noexcept { return static_cast<std::uint32_t>(be(4)); }
  [[nodiscard]] std::uint64_t u48be() noexcept { return be(6); }
  [[nodiscard]] std::uint64_t u64be() noexcept { return be(8); }
  [[nodiscard]] std::uint16_t u16le() noexcept { return static_cast<std::uint16_t>(le(2)); }
  [[nodiscard]] std::uint32_t u32le() noexcept { return static_cast<std::uint32_t>(le(4)); }
  [[nodiscard]] std::uint64_t u64le() noexcept { return le(8); }

  // A view of the next n bytes (empty span on failure).
  [[nodiscard]] std::span<const std::uint8_t> bytes(std::size_t n) noexcept {
    if (!take(n)) return {};
    return bytes_.subspan(offset_ - n, n);
  }
  // Copies exactly out.size() bytes; zero-fills out on failure.
  bool copy_to(std::span<std::uint8_t> out) noexcept {
    auto src = bytes(out.size());
    if (src.size() != out.size()) {
      for (auto& b : out) b = 0;
      return false;
    }
    for (std::size_t i = 0; i < out.size(); ++i) out[i] = src[i];
    return true;
  }
  // A u8- or u16-prefixed field whose length must lie in [min, max].
  [[nodiscard]] std::span<const std::uint8_t> prefixed_u8(std::size_t min, std::size_t max) noexcept {
    return prefixed(u8(), min, max);
  }
  [[nodiscard]] std::span<const std::uint8_t> prefixed_u16(std::size_t min, std::size_t max) noexcept {
    return prefixed(u16be(), min, max);
  }
  // Everything not yet read.
  [[nodiscard]] std::span<const std::uint8_t> rest() noexcept { return bytes(remaining()); }
  bool skip(std::size_t n) noexcept { return take(n); }

  [[nodiscard]] std::size_t remaining() const noexcept { return error_ == WireError::ok ? bytes_.size() - offset_ : 0; }
  [[nodiscard]] std::size_t offset() const noexcept { return offset_; }
  [[nodiscard]] bool ok() const noexcept { return error_ == WireError::ok; }
  [[nodiscard]] WireError error() const noexcept { return error_; }
  // Marks a semantic failure found by the parser (bad magic, unknown type) so error()
  // reports it; the first error wins.
  void fail(WireError e) noexcept {
    if (error_ == WireError::ok) error_ = e;
  }
  // Ends a parse: error() if a read failed, trailing_bytes if anything is left over.
  [[nodiscard]] WireError finish() noexcept {
    if (error_ == WireError::ok && offset_ != bytes_.size()) error_ = WireError::trailing_bytes;
    return error_;
  }

 private:
  bool take(std::size_t n) noexcept {
    if (error_ != WireError::ok) return false;
    if (n > bytes_.size() - offset_) {
      error_ = WireError::truncated;
      return false;
    }
    offset_ += n;
    return true;
  }
  std::uint64_t be(std::size_t n) noexcept {
    if (!take(n)) return 0;
    std::uint64_t v = 0;
    for (std::size_t i = offset_ - n; i < offset_; ++i) v = (v << 8) | bytes_[i];
    return v;
  }
  std::uint64_t le(std::size_t n) noexcept {
    if (!take(n)) return 0;
    std::uint64_t v = 0;
    for (std::size_t i = offset_; i > offset_ - n; --i) v = (v << 8) | bytes_[i - 1];
    return v;
  }
  std::span<const std::uint8_t> prefixed(std::size_t length, std::size_t min, std::size_t max) noexcept {
    if (error_ != WireError::ok) return {};
    if (length < min || length > max) {
      error_ = WireError::length_out_of_range;
      return {};
    }
    return bytes(length);
  }

  std::span<const std::uint8_t> bytes_;
  std::size_t offset_ = 0;
  WireError error_ = WireError::ok;
};

}  // namespace meshsec::wire
