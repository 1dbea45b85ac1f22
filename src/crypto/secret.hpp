// Move-only holders for key material. Both wipe their bytes on destruction and leave a
// moved-from object zeroed, so a secret exists in exactly one place at a time.
#pragma once
#include <array>
#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

#include "crypto/secure_memory.hpp"

namespace meshsec::crypto {

// Fixed-size secret; no heap, suitable for device-side state.
template <std::size_t N>
class SecretArray {
 public:
  SecretArray() noexcept = default;
  explicit SecretArray(std::span<const std::uint8_t, N> from) noexcept { assign(from); }
  SecretArray(const SecretArray&) = delete;
  SecretArray& operator=(const SecretArray&) = delete;
  SecretArray(SecretArray&& other) noexcept : bytes_(other.bytes_) { other.wipe(); }
  SecretArray& operator=(SecretArray&& other) noexcept {
    if (this != &other) {
      bytes_ = other.bytes_;
      other.wipe();
    }
    return *this;
  }
  ~SecretArray() { wipe(); }

  void assign(std::span<const std::uint8_t, N> from) noexcept {
    for (std::size_t i = 0; i < N; ++i) bytes_[i] = from[i];
  }
  void wipe() noexcept { secure_wipe(bytes_.data(), N); }

  [[nodiscard]] static constexpr std::size_t size() noexcept { return N; }
  [[nodiscard]] std::uint8_t* data() noexcept { return bytes_.data(); }
  [[nodiscard]] const std::uint8_t* data() const noexcept { return bytes_.data(); }
  [[nodiscard]] std::span<std::uint8_t, N> span() noexcept { return bytes_; }
  [[nodiscard]] std::span<const std::uint8_t, N> span() const noexcept { return bytes_; }

 private:
  std::array<std::uint8_t, N> bytes_{};
};

// Variable-size secret for host-side code (HSM, CLI, gateway). Never shrinks or grows in
// place: reallocation would leave unwiped copies behind.
class SecretBytes {
 public:
  SecretBytes() = default;
  explicit SecretBytes(std::size_t size) : bytes_(size, 0) {}
  explicit SecretBytes(std::span<const std::uint8_t> from) : bytes_(from.begin(), from.end()) {}
  SecretBytes(const SecretBytes&) = delete;
  SecretBytes& operator=(const SecretBytes&) = delete;
  SecretBytes(SecretBytes&& other) noexcept : bytes_(std::move(other.bytes_)) { other.bytes_.clear(); }
  SecretBytes& operator=(SecretBytes&& other) noexcept {
    if (this != &other) {
      wipe();
      bytes_ = std::move(other.bytes_);
      other.bytes_.clear();
    }
    return *this;
  }
  ~SecretBytes() { wipe(); }

  void wipe() noexcept { secure_wipe(bytes_.data(), bytes_.size()); }
  [[nodiscard]] SecretBytes clone() const { return SecretBytes(span()); }

  [[nodiscard]] std::size_t size() const noexcept { return bytes_.size(); }
  [[nodiscard]] bool empty() const noexcept { return bytes_.empty(); }
  [[nodiscard]] std::uint8_t* data() noexcept { return bytes_.data(); }
  [[nodiscard]] const std::uint8_t* data() const noexcept { return bytes_.data(); }
  [[nodiscard]] std::span<std::uint8_t> span() noexcept { return bytes_; }
  [[nodiscard]] std::span<const std::uint8_t> span() const noexcept { return bytes_; }

 private:
  std::vector<std::uint8_t> bytes_;
};

}  // namespace meshsec::crypto
