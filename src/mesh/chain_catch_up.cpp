#include "mesh/chain_catch_up.hpp"

#include <algorithm>

namespace meshsec::mesh {

void ChainCatchUp::keep(const ChainCheckpoint& checkpoint, std::uint64_t now_us, std::uint64_t wait_us) noexcept {
  if (checkpoint.round <= held_.round) return;
  held_ = checkpoint;
  sending_ = true;
  answering_ = false;
  copies_heard_ = 0;
  send_due_us_ = now_us + wait_us;
}

void ChainCatchUp::heard_copy(std::uint32_t round) noexcept {
  if (!sending_ || round != held_.round) return;
  if (copies_heard_ < 0xFF) ++copies_heard_;
  if (copies_heard_ >= (answering_ ? 1 : pass_on_copies_enough)) sending_ = false;
}

bool ChainCatchUp::request(std::uint32_t their_round, std::uint64_t now_us, std::uint64_t wait_us) noexcept {
  if (!holds() || held_.round <= their_round || sending_ || now_us < quiet_until_us_) return false;
  sending_ = true;
  answering_ = true;
  copies_heard_ = 0;
  send_due_us_ = now_us + wait_us;
  return true;
}

void ChainCatchUp::stale(std::uint64_t now_us, std::uint64_t wait_us) noexcept {
  if (asking_) return;
  asking_ = true;
  ask_due_us_ = now_us + wait_us;
  ask_retry_us_ = first_ask_retry_us;
}

std::uint64_t ChainCatchUp::due_us() const noexcept {
  std::uint64_t due = never;
  if (sending_) due = send_due_us_;
  if (asking_) due = std::min(due, ask_due_us_);
  return due;
}

ChainCatchUp::Send ChainCatchUp::next(std::uint64_t now_us) noexcept {
  if (sending_ && now_us >= send_due_us_) {
    sending_ = false;
    last_was_answer_ = answering_;
    if (answering_) {
      quiet_until_us_ = now_us + quiet_us;
      ++answers_;
    }
    return Send::checkpoint;
  }
  if (asking_ && now_us >= ask_due_us_) {
    ask_due_us_ = now_us + ask_retry_us_;
    ask_retry_us_ = std::min(2 * ask_retry_us_, max_ask_retry_us);
    ++requests_;
    return Send::request;
  }
  return Send::nothing;
}

void ChainCatchUp::not_sent(Send what, std::uint64_t at_us) noexcept {
  if (what == Send::checkpoint && !sending_) {
    sending_ = true;
    answering_ = last_was_answer_;
    copies_heard_ = 0;
    send_due_us_ = at_us;
    if (last_was_answer_) {
      quiet_until_us_ = 0;
      --answers_;
    }
  } else if (what == Send::request && asking_) {
    ask_due_us_ = at_us;
    ask_retry_us_ = std::max(first_ask_retry_us, ask_retry_us_ / 2);
    --requests_;
  }
}

}  // namespace meshsec::mesh
