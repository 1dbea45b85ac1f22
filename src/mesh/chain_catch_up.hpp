// Spreading the beacon chain's signed checkpoint, and asking for it (docs/wire-format.md
// §6.5, "Checkpoints"; the layout is chain_checkpoint.hpp).
//
// A node checks a beacon by hashing its chain value down to the value it trusts, at most
// BeaconChainVerifier::max_steps positions (7.6 days of rounds). One made, stored or
// asleep longer than that after the value it trusts (every new node trusts the anchor, the
// network's first value) takes no beacon again: no round, no time, no parent. The back
// office therefore signs, once a day of rounds, the gateway's value of the round then; the
// gateway sends it and every node that takes it passes it on once (a flood; a node that
// heard it from two neighbours first stands down, as with the downlinks). A node whose
// check finds a beacon too far on asks its neighbours (a request naming the round it
// trusts); one that holds a newer checkpoint answers after a random wait, and stands down
// if it hears another answer first. Each node answers at most once per `quiet_us`, which
// bounds what forged requests can make it send; the asker repeats its request at a
// doubling interval while its check still falls short. A checkpoint whose signature fails
// makes a node check no other for `verify_quiet_us`: each check costs a signature
// verification (milliseconds on a device), and forged checkpoints of ever newer rounds
// would otherwise cost one each; genuine copies keep coming from the neighbours.
#pragma once
#include <cstddef>
#include <cstdint>
#include <limits>

#include "mesh/chain_checkpoint.hpp"

namespace meshsec::mesh {

class ChainCatchUp {
 public:
  static constexpr std::uint64_t pass_on_window_us = 500'000;  // random wait before passing a new one on
  static constexpr std::uint64_t answer_window_us = 200'000;   // random wait before answering a request
  static constexpr std::uint64_t quiet_us = 5'000'000;         // between two answers
  static constexpr std::uint64_t first_ask_retry_us = 2'000'000;
  static constexpr std::uint64_t max_ask_retry_us = 60'000'000;
  static constexpr std::uint8_t pass_on_copies_enough = 2;  // heard this often: passing on adds little
  static constexpr std::uint64_t verify_quiet_us = 10'000'000;  // after a signature that failed

  enum class Send : std::uint8_t { nothing, checkpoint, request };

  [[nodiscard]] bool holds() const noexcept { return held_.round != 0; }
  [[nodiscard]] const ChainCheckpoint& held() const noexcept { return held_; }
  // A checkpoint newer than the one held, its signature verified: kept, and passed on
  // `wait_us` from `now_us` (local µs) unless two copies of it are heard first.
  void keep(const ChainCheckpoint& checkpoint, std::uint64_t now_us, std::uint64_t wait_us) noexcept;
  // A neighbour sent the checkpoint of `round`: a send of that round still waiting counts
  // it (an answer stands down at the first, a pass-on at pass_on_copies_enough).
  void heard_copy(std::uint32_t round) noexcept;
  // A neighbour trusts the chain only up to `their_round`: false when this node does not
  // answer (it holds nothing newer, sends already, or answered too recently).
  bool request(std::uint32_t their_round, std::uint64_t now_us, std::uint64_t wait_us) noexcept;
  // This node's check found a beacon too far on: ask, first `wait_us` from now, then at a
  // doubling interval; fresh() stops asking (a beacon checked again).
  void stale(std::uint64_t now_us, std::uint64_t wait_us) noexcept;
  void fresh() noexcept { asking_ = false; }
  [[nodiscard]] bool asking() const noexcept { return asking_; }
  // Whether a new checkpoint's signature may be checked at `now_us`; forged() starts the
  // quiet after one failed.
  [[nodiscard]] bool may_verify(std::uint64_t now_us) const noexcept { return now_us >= verify_quiet_until_us_; }
  void forged(std::uint64_t now_us) noexcept { verify_quiet_until_us_ = now_us + verify_quiet_us; }

  // Local time of the next frame to send (UINT64_MAX: none).
  [[nodiscard]] std::uint64_t due_us() const noexcept;
  // What to send at `now_us` (the caller encodes held() or its request); advances past it.
  [[nodiscard]] Send next(std::uint64_t now_us) noexcept;
  // What next() gave could not go out (the network layer refused the frame: after a reboot
  // it sends nothing sealed in the slots it had reserved): try it again at `at_us`, as if
  // it had not been taken. A request's interval does not grow for a request never sent.
  void not_sent(Send what, std::uint64_t at_us) noexcept;

  [[nodiscard]] std::uint32_t answers() const noexcept { return answers_; }
  [[nodiscard]] std::uint32_t requests() const noexcept { return requests_; }

 private:
  static constexpr std::uint64_t never = std::numeric_limits<std::uint64_t>::max();
  ChainCheckpoint held_{};
  bool sending_ = false;
  bool answering_ = false;       // the send waiting is an answer, not a pass-on
  bool last_was_answer_ = false;  // the checkpoint next() gave last was an answer
  std::uint8_t copies_heard_ = 0;  // of held_ since the send was scheduled
  std::uint64_t send_due_us_ = 0;
  std::uint64_t quiet_until_us_ = 0;
  std::uint64_t verify_quiet_until_us_ = 0;
  bool asking_ = false;
  std::uint64_t ask_due_us_ = 0;
  std::uint64_t ask_retry_us_ = first_ask_retry_us;
  std::uint32_t answers_ = 0;
  std::uint32_t requests_ = 0;
};

}  // namespace meshsec::mesh
