// Token processing of an accepted frame (M4): only whitelisted token types are handed
// to the application; the first token that is not on the whitelist ends processing of
// the frame. Processing time is measured with a caller-supplied clock and checked
// against the network round time: a frame whose tokens would run past it stops there
// and the overrun is counted, so token work can never eat the next round.
#pragma once
#include <array>
#include <cstddef>
#include <cstdint>
#include <span>

#include "wire/net_token.hpp"

namespace meshsec::net {

// 256 bits, one per token type. Empty by default (secure by default: nothing is
// processed until the installation says what may be).
class TokenWhitelist {
 public:
  void allow(std::uint8_t type) noexcept { bits_[type >> 6] |= bit(type); }
  void allow_range(std::uint8_t first, std::uint8_t last) noexcept {
    for (unsigned t = first; t <= last; ++t) allow(static_cast<std::uint8_t>(t));
  }
  void deny(std::uint8_t type) noexcept { bits_[type >> 6] &= ~bit(type); }
  [[nodiscard]] bool allows(std::uint8_t type) const noexcept { return (bits_[type >> 6] & bit(type)) != 0; }

 private:
  static constexpr std::uint64_t bit(std::uint8_t type) noexcept { return std::uint64_t{1} << (type & 63U); }
  std::array<std::uint64_t, 4> bits_{};
};

// Microseconds of the caller's clock (the simulator's, or a hardware timer).
class MicroClock {
 public:
  virtual ~MicroClock() = default;
  [[nodiscard]] virtual std::uint64_t now_us() noexcept = 0;
};

// Receives the tokens of one frame, in order.
class TokenHandler {
 public:
  virtual ~TokenHandler() = default;
  virtual void on_token(std::uint16_t src, std::uint8_t type, std::span<const std::uint8_t> value) noexcept = 0;
};

enum class TokenStop : std::uint8_t { completed, not_whitelisted, time_overrun, malformed };

struct DispatchOutcome {
  TokenStop stop = TokenStop::malformed;
  std::size_t processed = 0;
  std::uint64_t elapsed_us = 0;
  bool overran = false;  // processing took longer than the budget (also when it completed)
};

class TokenDispatcher {
 public:
  TokenDispatcher(const TokenWhitelist& whitelist, std::uint64_t budget_us) noexcept
      : whitelist_(whitelist), budget_us_(budget_us) {}

  // The structure of every token is checked before the first one is handed over, so a
  // malformed payload delivers nothing. `always_allowed` types (the network layer's own)
  // bypass the whitelist.
  [[nodiscard]] DispatchOutcome dispatch(std::span<const std::uint8_t> payload, std::uint16_t src,
                                         TokenHandler& handler, MicroClock& clock,
                                         std::uint8_t always_allowed_from = 0xff) const noexcept;

  [[nodiscard]] std::uint64_t budget_us() const noexcept { return budget_us_; }
  [[nodiscard]] const TokenWhitelist& whitelist() const noexcept { return whitelist_; }

 private:
  TokenWhitelist whitelist_;
  std::uint64_t budget_us_;
};

}  // namespace meshsec::net
