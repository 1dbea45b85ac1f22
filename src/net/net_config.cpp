#include "net/net_config.hpp"

#include "wire/net_frame.hpp"

namespace meshsec::net {

ConfigError validate(const NetConfig& c) noexcept {
  if (c.address == 0 || (c.address & wire::NetLayout::group_flag) != 0) return ConfigError::bad_address;
  if (c.channel > wire::NetLayout::max_channel) return ConfigError::bad_channel;
  if (c.domain > wire::NetLayout::max_domain) return ConfigError::bad_domain;
  if (wire::mic_code_for(c.mic_length) > 2) return ConfigError::bad_mic_length;
  if (c.mic_length < 8 && !c.allow_short_mic) return ConfigError::short_mic_not_allowed;
  // 16 time bits on air must name one slot unambiguously across the whole window.
  if (c.window_past == 0 || c.window_past + c.window_future >= 0x8000U) return ConfigError::bad_window;
  if (c.max_ttl == 0 || c.default_ttl > c.max_ttl) return ConfigError::bad_ttl;
  if (c.slot_ms == 0 || c.nv_reserve_slots == 0) return ConfigError::bad_slot;
  return ConfigError::ok;
}

std::string_view to_string(ConfigError e) noexcept {
  switch (e) {
    case ConfigError::ok: return "ok";
    case ConfigError::bad_address: return "bad_address";
    case ConfigError::bad_channel: return "bad_channel";
    case ConfigError::bad_domain: return "bad_domain";
    case ConfigError::bad_mic_length: return "bad_mic_length";
    case ConfigError::short_mic_not_allowed: return "short_mic_not_allowed";
    case ConfigError::bad_window: return "bad_window";
    case ConfigError::bad_ttl: return "bad_ttl";
    case ConfigError::bad_slot: return "bad_slot";
  }
  return "unknown";
}

bool weaker_than_default(const NetConfig& c) noexcept { return c.mic_length < 8; }

}  // namespace meshsec::net
