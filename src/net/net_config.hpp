// Configuration of one node's network layer, with secure defaults (B2): a weaker choice
// (a 4-byte MIC) must be switched on explicitly, and validate() refuses it otherwise.
#pragma once
#include <array>
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "net/token_dispatcher.hpp"

namespace meshsec::net {

struct NetConfig {
  std::uint16_t address = 0;     // this node's unicast address, 1..0x7fff
  std::uint8_t channel = 0;      // 0..15
  std::uint16_t domain = 0;      // 0..4095: the installation
  std::size_t mic_length = 8;    // 4, 8 or 16 (network-wide)
  bool allow_short_mic = false;  // the explicit opt-in a 4-byte MIC needs
  std::uint32_t slot_ms = 1000;  // one network round = one global time slot
  // Acceptance window in slots (wire-format.md §8): a flooded frame advances one hop per
  // round, so a genuine frame is at most max_ttl rounds old, plus one slot of clock skew.
  std::uint32_t window_past = 17;
  std::uint32_t window_future = 1;
  std::uint8_t max_ttl = 16;
  std::uint8_t default_ttl = 8;
  // Slots reserved ahead in non-volatile memory per write (wire-format.md §9): one write
  // per this many slots; after a reboot the node stays silent for at most this long.
  std::uint32_t nv_reserve_slots = 64;
  std::uint64_t round_time_us = 1'000'000;  // token processing budget per frame
  TokenWhitelist whitelist;                 // empty: no application token is processed
  std::array<std::uint16_t, 4> groups{};    // group addresses subscribed to (0 = unused)
};

enum class ConfigError : std::uint8_t {
  ok = 0,
  bad_address,
  bad_channel,
  bad_domain,
  bad_mic_length,
  short_mic_not_allowed,
  bad_window,
  bad_ttl,
  bad_slot,
};

[[nodiscard]] ConfigError validate(const NetConfig& config) noexcept;
[[nodiscard]] std::string_view to_string(ConfigError e) noexcept;
// True when the configuration is weaker than the defaults (the caller logs it).
[[nodiscard]] bool weaker_than_default(const NetConfig& config) noexcept;

}  // namespace meshsec::net
