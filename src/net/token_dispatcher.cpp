#include "net/token_dispatcher.hpp"

namespace meshsec::net {

DispatchOutcome TokenDispatcher::dispatch(std::span<const std::uint8_t> payload, std::uint16_t src,
                                          TokenHandler& handler, MicroClock& clock,
                                          std::uint8_t always_allowed_from) const noexcept {
  DispatchOutcome out;  // starts as "malformed"
  if (wire::validate_tokens(payload) != wire::WireError::ok) return out;
  const std::uint64_t start = clock.now_us();
  wire::TokenReader reader(payload);
  wire::NetToken token;
  out.stop = TokenStop::completed;
  while (reader.next(token)) {
    const std::uint64_t now = clock.now_us();
    out.elapsed_us = now >= start ? now - start : 0;
    if (out.elapsed_us > budget_us_) {
      out.stop = TokenStop::time_overrun;
      out.overran = true;
      return out;
    }
    const bool allowed = token.type >= always_allowed_from || whitelist_.allows(token.type);
    if (!allowed) {
      out.stop = TokenStop::not_whitelisted;
      return out;
    }
    handler.on_token(src, token.type, token.value);
    ++out.processed;
  }
  const std::uint64_t end = clock.now_us();
  out.elapsed_us = end >= start ? end - start : 0;
  out.overran = out.elapsed_us > budget_us_;
  return out;
}

}  // namespace meshsec::net
