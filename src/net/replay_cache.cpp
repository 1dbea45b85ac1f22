#include "net/replay_cache.hpp"

namespace meshsec::net {
namespace {

constexpr std::uint64_t position_of(std::uint32_t time, std::uint8_t seq) noexcept {
  return (static_cast<std::uint64_t>(time) << 8) | seq;
}
constexpr std::uint32_t kBitmapMask = (1U << ReplayCache::bitmap_bits) - 1U;

}  // namespace

ReplayCache::ReplayCache(std::span<ReplayEntry> storage, std::uint32_t window_past,
                         std::uint32_t window_future) noexcept
    : entries_(storage), window_past_(window_past), window_future_(window_future) {
  const std::size_t n = entries_.size();
  power_of_two_ = n != 0 && (n & (n - 1)) == 0;
  if (power_of_two_) index_mask_ = n - 1;
  clear();
}

void ReplayCache::clear() noexcept {
  for (auto& e : entries_) e = ReplayEntry{};
  floor_ = 0;
  has_floor_ = false;
}

// The stored 16 time bits name the largest time at or below the window's upper edge with
// those bits. The true time is never larger, so the reconstruction errs only towards
// rejecting more, never towards accepting a replay.
std::uint64_t ReplayCache::entry_position(const ReplayEntry& e, std::uint32_t now) const noexcept {
  const std::uint64_t horizon = static_cast<std::uint64_t>(now) + window_future_;
  const std::uint64_t back = (horizon - e.time_low) & 0xffffU;
  const std::uint64_t time = horizon >= back ? horizon - back : 0;
  return (time << 8) | (e.seq_bitmap & 0xffU);
}

bool ReplayCache::live(const ReplayEntry& e, std::uint32_t now) const noexcept {
  if (e.src == 0) return false;
  const std::uint64_t oldest = now > window_past_ ? now - window_past_ : 0;
  return (entry_position(e, now) >> 8) >= oldest;
}

std::size_t ReplayCache::home_of(std::uint16_t src) const noexcept {
  // A mask for power-of-two capacities (the node's 64) spares the division.
  return power_of_two_ ? src & index_mask_ : src % entries_.size();
}

const ReplayEntry* ReplayCache::slot_of(std::uint16_t src) const noexcept {
  const std::size_t n = entries_.size();
  if (n == 0) return nullptr;
  std::size_t i = home_of(src);
  for (std::size_t probes = 0; probes < n; ++probes) {
    const ReplayEntry& e = entries_[i];
    if (e.src == src) return &e;
    if (e.src == 0) return nullptr;  // never used: the source was not taken in past here
    i = i + 1 == n ? 0 : i + 1;
  }
  return nullptr;
}

const ReplayEntry* ReplayCache::find(std::uint16_t src, std::uint32_t now) const noexcept {
  const ReplayEntry* e = slot_of(src);
  return e != nullptr && live(*e, now) ? e : nullptr;
}

ReplayEntry* ReplayCache::free_slot_for(std::uint16_t src, std::uint32_t now) noexcept {
  const std::size_t n = entries_.size();
  std::size_t i = home_of(src);
  for (std::size_t probes = 0; probes < n; ++probes) {
    ReplayEntry& e = entries_[i];
    // Its own (expired) entry, or the never-used slot that ends its probe.
    if (e.src == src || e.src == 0) return &e;
    i = i + 1 == n ? 0 : i + 1;
  }
  // Every slot is in use (so every probe goes round the whole cache): any expired one.
  for (auto& e : entries_)
    if (!live(e, now)) return &e;
  return nullptr;
}

ReplayVerdict ReplayCache::judge(const ReplayEntry* e, std::uint64_t position,
                                 std::uint32_t now) const noexcept {
  if (e == nullptr) {
    const std::uint64_t oldest = now > window_past_ ? now - window_past_ : 0;
    const bool floor_matters = has_floor_ && (floor_ >> 8) >= oldest;
    return floor_matters && position <= floor_ ? ReplayVerdict::below_floor : ReplayVerdict::fresh;
  }
  const std::uint64_t high = entry_position(*e, now);
  if (position > high) return ReplayVerdict::fresh;
  const std::uint64_t distance = high - position;
  if (distance == 0 || distance > bitmap_bits) return ReplayVerdict::duplicate;
  const std::uint32_t bit = 1U << (distance - 1);
  return ((e->seq_bitmap >> 8) & bit) != 0 ? ReplayVerdict::duplicate : ReplayVerdict::fresh;
}

ReplayVerdict ReplayCache::check(std::uint16_t src, std::uint32_t time, std::uint8_t seq,
                                 std::uint32_t now) const noexcept {
  return judge(find(src, now), position_of(time, seq), now);
}

ReplayVerdict ReplayCache::check(std::uint16_t src, std::uint32_t time, std::uint8_t seq, std::uint32_t now,
                                 const ReplayEntry*& hint) const noexcept {
  hint = find(src, now);
  return judge(hint, position_of(time, seq), now);
}

ReplayVerdict ReplayCache::commit(std::uint16_t src, std::uint32_t time, std::uint8_t seq,
                                  std::uint32_t now, bool& evicted) noexcept {
  return commit(src, time, seq, now, find(src, now), evicted);
}

ReplayVerdict ReplayCache::commit(std::uint16_t src, std::uint32_t time, std::uint8_t seq, std::uint32_t now,
                                  const ReplayEntry* hint, bool& evicted) noexcept {
  evicted = false;
  const std::uint64_t position = position_of(time, seq);
  // The hint points into our own storage (from check() on this unchanged cache).
  ReplayEntry* entry = hint == nullptr ? nullptr : &entries_[static_cast<std::size_t>(hint - entries_.data())];
  const ReplayVerdict verdict = judge(entry, position, now);
  if (verdict != ReplayVerdict::fresh || entries_.empty()) {
    return entries_.empty() ? ReplayVerdict::below_floor : verdict;
  }
  if (entry == nullptr) {
    // A free or expired slot first (including this source's own expired entry), else
    // evict the live entry with the oldest position and raise the floor to it.
    ReplayEntry* victim = free_slot_for(src, now);
    if (victim == nullptr) {
      victim = &entries_[0];
      for (auto& e : entries_)
        if (entry_position(e, now) < entry_position(*victim, now)) victim = &e;
      const std::uint64_t lost = entry_position(*victim, now);
      if (!has_floor_ || lost > floor_) floor_ = lost;
      has_floor_ = true;
      evicted = true;
    }
    victim->src = src;
    victim->time_low = static_cast<std::uint16_t>(time & 0xffffU);
    victim->seq_bitmap = seq;
    return ReplayVerdict::fresh;
  }
  const std::uint64_t high = entry_position(*entry, now);
  std::uint32_t bitmap = entry->seq_bitmap >> 8;
  if (position > high) {
    const std::uint64_t shift = position - high;
    // The old highest position moves into the bitmap at distance `shift`.
    bitmap = shift > bitmap_bits ? 0U
                                 : ((bitmap << shift) | (1U << (shift - 1))) & kBitmapMask;
    entry->time_low = static_cast<std::uint16_t>(time & 0xffffU);
    entry->seq_bitmap = (bitmap << 8) | seq;
  } else {
    bitmap |= 1U << (high - position - 1);
    entry->seq_bitmap = (bitmap << 8) | (entry->seq_bitmap & 0xffU);
  }
  return ReplayVerdict::fresh;
}

std::size_t ReplayCache::live_entries(std::uint32_t now) const noexcept {
  std::size_t n = 0;
  for (const auto& e : entries_)
    if (live(e, now)) ++n;
  return n;
}

}  // namespace meshsec::net
