#include "net/key_ring.hpp"

#include "wire/key_delivery.hpp"

namespace meshsec::net {

void KeyRing::wipe(Slot& slot) noexcept {
  slot.present = false;
  slot.epoch = 0;
  slot.length = 0;
  slot.key.wipe();
  slot.aead = crypto::AesAead{};  // frees the scheduled key (OpenSSL cleanses it)
}

KeyChange KeyRing::fill(Slot& slot, std::uint32_t epoch, std::span<const std::uint8_t> key) noexcept {
  if (key.size() != 16 && key.size() != 32) return KeyChange::crypto_failure;
  crypto::AesAead aead;
  if (aead.init(crypto::AeadMode::ccm, key, mic_length_) != crypto::Status::ok)
    return KeyChange::crypto_failure;
  wipe(slot);
  for (std::size_t i = 0; i < key.size(); ++i) slot.key.data()[i] = key[i];
  slot.length = static_cast<std::uint8_t>(key.size());
  slot.epoch = epoch;
  slot.aead = std::move(aead);
  slot.present = true;
  return KeyChange::installed;
}

KeyChange KeyRing::set_only(std::uint32_t epoch, std::span<const std::uint8_t> key) noexcept {
  Slot fresh_slot;
  const KeyChange c = fill(fresh_slot, epoch, key);
  if (c != KeyChange::installed) return c;
  wipe(slots_[0]);
  wipe(slots_[1]);
  slots_[0].present = true;
  slots_[0].epoch = epoch;
  slots_[0].length = fresh_slot.length;
  slots_[0].key.assign(fresh_slot.key.span());
  slots_[0].aead = std::move(fresh_slot.aead);
  wipe(fresh_slot);
  send_ = 0;
  phase_ = KeyPhase::normal;
  return KeyChange::installed;
}

KeyChange KeyRing::stage(std::uint32_t epoch, std::span<const std::uint8_t> key) noexcept {
  if (empty()) return set_only(epoch, key);
  if (epoch <= newest_epoch()) return KeyChange::stale;
  const Slot& current = slots_[send_];
  // Two held keys must differ in their 2-bit index; a node that far behind drops its old
  // key, which nobody accepts any more anyway.
  if (wire::key_index_of_epoch(epoch) == wire::key_index_of_epoch(current.epoch))
    return set_only(epoch, key);
  if (phase_ == KeyPhase::switched) {
    // A newer refresh starts while the old one is still in transition: the key before
    // the one we send with is retired first.
    wipe(slots_[1 - send_]);
  }
  const KeyChange c = fill(slots_[1 - send_], epoch, key);
  if (c == KeyChange::installed) phase_ = KeyPhase::staged;
  return c;
}

KeyChange KeyRing::switch_to(std::uint32_t epoch) noexcept {
  if (slots_[send_].present && slots_[send_].epoch == epoch) return KeyChange::unchanged;
  Slot& other = slots_[1 - send_];
  if (phase_ != KeyPhase::staged || !other.present || other.epoch != epoch) return KeyChange::rejected;
  send_ = static_cast<std::uint8_t>(1 - send_);
  phase_ = KeyPhase::switched;
  return KeyChange::installed;
}

KeyChange KeyRing::retire(std::uint32_t epoch) noexcept {
  if (phase_ == KeyPhase::staged) {
    const KeyChange c = switch_to(epoch);
    if (c != KeyChange::installed) return KeyChange::rejected;
  }
  if (!slots_[send_].present || slots_[send_].epoch != epoch) return KeyChange::rejected;
  if (phase_ == KeyPhase::normal) return KeyChange::unchanged;
  wipe(slots_[1 - send_]);
  phase_ = KeyPhase::normal;
  return KeyChange::installed;
}

crypto::AesAead* KeyRing::for_index(std::uint8_t key_index, std::uint32_t& epoch) noexcept {
  for (auto& slot : slots_) {
    if (slot.present && wire::key_index_of_epoch(slot.epoch) == key_index) {
      epoch = slot.epoch;
      return &slot.aead;
    }
  }
  return nullptr;
}

crypto::AesAead* KeyRing::sender(std::uint32_t& epoch) noexcept {
  Slot& slot = slots_[send_];
  if (!slot.present) return nullptr;
  epoch = slot.epoch;
  return &slot.aead;
}

std::uint32_t KeyRing::newest_epoch() const noexcept {
  std::uint32_t newest = 0;
  for (const auto& slot : slots_)
    if (slot.present && slot.epoch > newest) newest = slot.epoch;
  return newest;
}

bool KeyRing::holds_epoch(std::uint32_t epoch) const noexcept {
  for (const auto& slot : slots_)
    if (slot.present && slot.epoch == epoch) return true;
  return false;
}

void KeyRing::save(NetNvState& out) const noexcept {
  for (int i = 0; i < 2; ++i) {
    out.keys[i].present = slots_[i].present;
    out.keys[i].epoch = slots_[i].epoch;
    out.keys[i].length = slots_[i].length;
    out.keys[i].key.assign(slots_[i].key.span());
  }
  out.send_slot = send_;
  out.phase = phase_;
}

KeyChange KeyRing::load(const NetNvState& in) noexcept {
  if (in.send_slot > 1 || !in.keys[in.send_slot].present) return KeyChange::rejected;
  for (int i = 0; i < 2; ++i) {
    wipe(slots_[i]);
    if (!in.keys[i].present) continue;
    const KeyChange c = fill(slots_[i], in.keys[i].epoch, in.keys[i].key.span().first(in.keys[i].length));
    if (c != KeyChange::installed) return c;
  }
  send_ = in.send_slot;
  phase_ = in.phase;
  return KeyChange::installed;
}

}  // namespace meshsec::net
