#include "signing/nonce_pool.hpp"

#include "crypto/secure_memory.hpp"

namespace meshsec::signing {

void NoncePool::refill(Bucket& b, std::uint32_t refill_ms, std::uint32_t now) noexcept {
  if (b.used == 0 || refill_ms == 0) {
    if (refill_ms == 0) b.used = 0;
    return;
  }
  const std::uint32_t refills = (now - b.since) / refill_ms;
  if (refills >= b.used) {
    b.used = 0;
  } else {
    b.used = static_cast<std::uint8_t>(b.used - refills);
    b.since += refills * refill_ms;
  }
}

bool NoncePool::is_live(const Slot& s, std::uint32_t now) const noexcept {
  return s.state == SlotState::live && now - s.issued <= limits_.timeout_ms;
}

void NoncePool::wipe(Slot& s, SlotState state) noexcept {
  // Like signerCheckTimer, overwrite the spent nonce rather than just flagging it.
  crypto::secure_wipe(s.nonce);
  s.state = state;
}

SigningError NoncePool::issue(std::uint8_t sender, std::size_t per_sender, const Nonce& nonce,
                              std::uint32_t now) noexcept {
  expire(now);
  Bucket& mine = sender_buckets_[sender];
  refill(mine, limits_.sender_refill_ms, now);
  refill(global_bucket_, limits_.global_refill_ms, now);
  if (mine.used >= limits_.sender_burst || global_bucket_.used >= limits_.global_burst)
    return SigningError::rate_limited;
  // Both budgets are charged only once both allow the request.
  for (Bucket* b : {&mine, &global_bucket_}) {
    if (b->used == 0) b->since = now;
    ++b->used;
  }

  if (per_sender == 0) per_sender = 1;
  if (per_sender > max_nonces_per_sender) per_sender = max_nonces_per_sender;
  std::size_t held = 0;
  std::size_t oldest = nonce_pool_slots;
  std::size_t free_slot = nonce_pool_slots;
  for (std::size_t i = 0; i < nonce_pool_slots; ++i) {
    const Slot& s = slots_[i];
    if (s.state == SlotState::live && s.sender == sender) {
      ++held;
      if (oldest == nonce_pool_slots || now - s.issued > now - slots_[oldest].issued) oldest = i;
    } else if (s.state != SlotState::live && free_slot == nonce_pool_slots) {
      free_slot = i;
    }
  }
  std::size_t target = free_slot;
  if (held >= per_sender) target = oldest;  // replace only the requester's own nonce
  if (target == nonce_pool_slots) return SigningError::pool_full;
  Slot& s = slots_[target];
  s.state = SlotState::live;
  s.sender = sender;
  s.issued = now;
  s.nonce = nonce;
  return SigningError::ok;
}

void NoncePool::expire(std::uint32_t now) noexcept {
  for (auto& s : slots_)
    if (s.state == SlotState::live && !is_live(s, now)) wipe(s, SlotState::expired);
}

std::size_t NoncePool::live_slots(std::uint8_t sender, std::uint32_t now,
                                  std::span<std::size_t, max_nonces_per_sender> out) const noexcept {
  std::size_t n = 0;
  for (std::size_t i = 0; i < nonce_pool_slots && n < out.size(); ++i)
    if (slots_[i].sender == sender && is_live(slots_[i], now)) out[n++] = i;
  // Oldest first: a burst is answered in request order.
  for (std::size_t a = 1; a < n; ++a)
    for (std::size_t b = a; b > 0 && now - slots_[out[b]].issued > now - slots_[out[b - 1]].issued; --b) {
      const std::size_t t = out[b];
      out[b] = out[b - 1];
      out[b - 1] = t;
    }
  return n;
}

bool NoncePool::has_expired(std::uint8_t sender) const noexcept {
  for (const auto& s : slots_)
    if (s.state == SlotState::expired && s.sender == sender) return true;
  return false;
}

void NoncePool::consume(std::size_t slot) noexcept {
  if (slot < nonce_pool_slots) wipe(slots_[slot], SlotState::free);
}

std::size_t NoncePool::live_count() const noexcept {
  std::size_t n = 0;
  for (const auto& s : slots_)
    if (s.state == SlotState::live) ++n;
  return n;
}

}  // namespace meshsec::signing
