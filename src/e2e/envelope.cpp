#include "e2e/envelope.hpp"

#include <array>

#include "crypto/secure_memory.hpp"

namespace meshsec::e2e {
namespace {

bool is_level(const E2eSender* s, E2eLevel level) noexcept {
  return s != nullptr && s->params().level == level && s->params().direction == E2eDirection::uplink;
}

// The level byte of an unauthenticated message, for the downgrade check only.
bool peek_level(std::span<const std::uint8_t> message, E2eLevel& level) noexcept {
  E2eMessageView view;
  if (!parse_e2e_message(message, view)) return false;
  level = view.control.level;
  return true;
}

}  // namespace

E2eError EnvelopeSealer::configure(LevelSet levels, E2eSender* e2, E2eSender* e3) noexcept {
  ready_ = false;
  if (levels.has(SecurityLevel::e2) != is_level(e2, E2eLevel::e2)) return E2eError::not_ready;
  if (levels.has(SecurityLevel::e3) != is_level(e3, E2eLevel::e3)) return E2eError::not_ready;
  levels_ = levels;
  e2_ = levels.has(SecurityLevel::e2) ? e2 : nullptr;
  e3_ = levels.has(SecurityLevel::e3) ? e3 : nullptr;
  ready_ = true;
  return E2eError::ok;
}

std::size_t EnvelopeSealer::overhead() const noexcept {
  return (e2_ != nullptr ? e2_->overhead() : 0) + (e3_ != nullptr ? e3_->overhead() : 0);
}

E2eError EnvelopeSealer::seal(std::span<const std::uint8_t> payload, std::span<std::uint8_t> out,
                              std::size_t& written) noexcept {
  written = 0;
  if (!ready_) return E2eError::not_ready;
  std::array<std::uint8_t, E2eLayout::max_message> inner_buffer{};
  std::span<const std::uint8_t> inner = payload;
  if (e3_ != nullptr) {
    std::size_t n = 0;
    const E2eError e = e3_->seal(payload, inner_buffer, n);
    if (e != E2eError::ok) return e;
    inner = std::span(inner_buffer).first(n);
  }
  if (e2_ != nullptr) return e2_->seal(inner, out, written, e3_ != nullptr);
  if (out.size() < inner.size()) return E2eError::no_room;
  for (std::size_t i = 0; i < inner.size(); ++i) out[i] = inner[i];
  written = inner.size();
  return E2eError::ok;
}

E2eError EnvelopeGateway::configure(LevelSet levels, E2eReceiver* e2) noexcept {
  ready_ = false;
  if (levels.has(SecurityLevel::e2) && e2 == nullptr) return E2eError::not_ready;
  levels_ = levels;
  e2_ = levels.has(SecurityLevel::e2) ? e2 : nullptr;
  ready_ = true;
  return E2eError::ok;
}

E2eError EnvelopeGateway::open(std::span<const std::uint8_t> e1_body, std::span<std::uint8_t> out,
                               std::size_t& written) noexcept {
  written = 0;
  if (!ready_) return E2eError::not_ready;
  const bool want_e3 = levels_.has(SecurityLevel::e3);
  if (e2_ != nullptr) {
    // A message without the E2 layer (bare E3 or plaintext) is a downgrade, not noise.
    E2eLevel level{};
    if (peek_level(e1_body, level) && level != E2eLevel::e2) return E2eError::downgrade;
    E2eOpened info;
    const E2eError e = e2_->open(e1_body, out, written, &info);
    if (e != E2eError::ok) return e;
    // The nested bit is authenticated by the E2 tag: E2-only when E3 is configured is a
    // downgrade, whatever the bytes inside look like.
    if (want_e3 && (!info.nested || !peek_level(out.first(written), level) || level != E2eLevel::e3)) {
      crypto::secure_wipe(out.first(written));
      written = 0;
      return E2eError::downgrade;
    }
    return E2eError::ok;
  }
  if (want_e3) {
    E2eLevel level{};
    if (!peek_level(e1_body, level) || level != E2eLevel::e3) return E2eError::downgrade;
  }
  if (out.size() < e1_body.size()) return E2eError::no_room;
  for (std::size_t i = 0; i < e1_body.size(); ++i) out[i] = e1_body[i];
  written = e1_body.size();
  return E2eError::ok;
}

E2eError EnvelopeBackend::configure(LevelSet levels, E2eReceiver* e3) noexcept {
  ready_ = false;
  if (levels.has(SecurityLevel::e3) && e3 == nullptr) return E2eError::not_ready;
  levels_ = levels;
  e3_ = levels.has(SecurityLevel::e3) ? e3 : nullptr;
  ready_ = true;
  return E2eError::ok;
}

E2eError EnvelopeBackend::open(std::span<const std::uint8_t> forwarded, std::span<std::uint8_t> out,
                               std::size_t& written) noexcept {
  written = 0;
  if (!ready_) return E2eError::not_ready;
  if (e3_ == nullptr) {
    if (out.size() < forwarded.size()) return E2eError::no_room;
    for (std::size_t i = 0; i < forwarded.size(); ++i) out[i] = forwarded[i];
    written = forwarded.size();
    return E2eError::ok;
  }
  E2eLevel level{};
  if (!peek_level(forwarded, level) || level != E2eLevel::e3) return E2eError::downgrade;
  return e3_->open(forwarded, out, written);
}

}  // namespace meshsec::e2e
