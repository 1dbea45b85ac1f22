// Sliding replay window over 32-bit sequence numbers (RFC 6479 style, 64 entries), as a
// small standalone type. check() changes nothing; commit() is called only after the tag
// verified (parse, authenticate, then change state).
#pragma once
#include <cstdint>

namespace meshsec::e2e {

class ReplayWindow {
 public:
  static constexpr std::uint32_t size = 64;

  // strict: accept only numbers above the highest seen (no reordering at all).
  explicit ReplayWindow(bool strict = false) noexcept : strict_(strict) {}

  enum class Verdict : std::uint8_t { fresh, duplicate, too_old };
  [[nodiscard]] Verdict check(std::uint32_t sequence) const noexcept;
  void commit(std::uint32_t sequence) noexcept;

  [[nodiscard]] bool empty() const noexcept { return !any_; }
  [[nodiscard]] std::uint32_t highest() const noexcept { return highest_; }

 private:
  bool strict_ = false;
  bool any_ = false;
  std::uint32_t highest_ = 0;
  std::uint64_t seen_ = 0;  // bit i: highest_ - i was accepted
};

}  // namespace meshsec::e2e
