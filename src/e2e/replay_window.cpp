#include "e2e/replay_window.hpp"

namespace meshsec::e2e {

ReplayWindow::Verdict ReplayWindow::check(std::uint32_t sequence) const noexcept {
  if (!any_ || sequence > highest_) return Verdict::fresh;
  if (strict_) return sequence == highest_ ? Verdict::duplicate : Verdict::too_old;
  const std::uint32_t age = highest_ - sequence;
  if (age >= size) return Verdict::too_old;
  return (seen_ >> age) & 1U ? Verdict::duplicate : Verdict::fresh;
}

void ReplayWindow::commit(std::uint32_t sequence) noexcept {
  if (!any_) {
    any_ = true;
    highest_ = sequence;
    seen_ = 1;
    return;
  }
  if (sequence > highest_) {
    const std::uint32_t shift = sequence - highest_;
    seen_ = shift >= size ? 0 : seen_ << shift;
    seen_ |= 1;
    highest_ = sequence;
    return;
  }
  const std::uint32_t age = highest_ - sequence;
  if (age < size) seen_ |= std::uint64_t{1} << age;
}

}  // namespace meshsec::e2e
