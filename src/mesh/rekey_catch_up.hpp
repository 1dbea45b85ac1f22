// Handing a broadcast rekey on to a neighbour that missed it (docs/wire-format.md §7.5).
// A node that was asleep, out of range or unlucky through the broadcast is left holding
// a key the network has left: it can open nothing around it. Its neighbours
// notice (its clear sync request names the older epoch; its frames carry the older key's
// index) and one of them hands on, one hop, the bytes of the broadcast it keeps
// (RekeyBundle): the signed list, the signed commitment and the sealed key of the subset
// the requester lies in. The requester checks them exactly as it checks the flood. A
// revoked requester lies in no subset and is handed nothing.
//
// Several neighbours hear the same request: each waits a random moment and stands down
// when it hears another begin a hand-on of the same epoch first (their frames would
// collide at the requester). Should that hand-on serve another subset, the requester asks
// again. Each node answers at most once per `quiet_us`, which bounds what forged requests
// can make it send.
#pragma once
#include <cstddef>
#include <cstdint>
#include <span>

#include "keys/cover_tree.hpp"
#include "mesh/rekey_bundle.hpp"

namespace meshsec::mesh {

class RekeyCatchUp {
 public:
  static constexpr std::uint64_t answer_window_us = 200'000;  // random wait before answering
  static constexpr std::uint64_t quiet_us = 1'000'000;       // between two answers

  RekeyBundle& bundle() noexcept { return bundle_; }
  [[nodiscard]] const RekeyBundle& bundle() const noexcept { return bundle_; }

  // A neighbour in `subset` lacks the key of `epoch`. `now_us` local time, `wait_us` the
  // random wait drawn below answer_window_us. False when this node does not answer: it
  // is answering already, was quiet too recently, or lacks what the subset needs.
  bool request(std::uint32_t epoch, keys::SubtreeIndex subset, std::uint64_t now_us, std::uint64_t wait_us) noexcept;
  // Another node is handing on a broadcast of `epoch`: an answer still waiting stands down.
  void heard(std::uint32_t epoch) noexcept;

  // Local time of the next body to send (UINT64_MAX: none).
  [[nodiscard]] std::uint64_t due_us() const noexcept;
  // The next body to send at `now_us`, or empty. Advances past it.
  [[nodiscard]] std::span<const std::uint8_t> next(std::uint64_t now_us) noexcept;
  [[nodiscard]] std::uint32_t answers() const noexcept { return answers_; }

 private:
  RekeyBundle bundle_;
  std::uint32_t epoch_ = 0;
  keys::SubtreeIndex subset_ = keys::no_subtree;
  bool answering_ = false;
  // List parts, then the commitment, then the sealed key; past 0 the answer has begun and
  // is too late to stand down.
  std::uint8_t step_ = 0;
  std::uint64_t due_us_ = 0;
  std::uint64_t quiet_until_us_ = 0;
  std::uint32_t answers_ = 0;
};

}  // namespace meshsec::mesh
