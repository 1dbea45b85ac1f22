// The network's global time as one node knows it (M5, docs/wire-format.md §6).
//
// Global time counts slots (one network round each). The node's own monotonic clock,
// supplied by the caller in milliseconds since boot (the simulator advances it), carries
// the global time forward between synchronisations. A node that has just booted is not
// synchronised: it knows no global time until it adopts one (an authenticated sync
// response, or the root of the network setting it).
#pragma once
#include <cstdint>

namespace meshsec::net {

using LocalTime = std::uint64_t;  // milliseconds of the node's own clock

class GlobalClock {
 public:
  explicit GlobalClock(std::uint32_t slot_ms) noexcept : slot_ms_(slot_ms == 0 ? 1 : slot_ms) {}

  // Advances the node's own clock (never backwards: an older value is ignored).
  void tick(LocalTime local_now) noexcept {
    if (local_now > local_now_) local_now_ = local_now;
  }
  // Adopts `slot` as the global time at the current local time.
  void adopt(std::uint32_t slot) noexcept {
    base_slot_ = slot;
    base_local_ = local_now_;
    synced_ = true;
  }
  void forget() noexcept { synced_ = false; }

  [[nodiscard]] bool synced() const noexcept { return synced_; }
  [[nodiscard]] LocalTime local_now() const noexcept { return local_now_; }
  // The current global slot (0 while not synchronised).
  [[nodiscard]] std::uint32_t now() const noexcept {
    if (!synced_) return 0;
    const LocalTime elapsed = (local_now_ - base_local_) / slot_ms_;
    return static_cast<std::uint32_t>(base_slot_ + elapsed);
  }
  [[nodiscard]] std::uint32_t slot_ms() const noexcept { return slot_ms_; }

  // The full time nearest to now() whose low 16 bits are `low` (frames carry only those;
  // the acceptance window is far narrower than ±32768 slots, so this is unambiguous for
  // every frame that can pass). Returns false when that time would lie before slot 0.
  [[nodiscard]] bool reconstruct(std::uint16_t low, std::uint32_t& full) const noexcept {
    const std::uint32_t current = now();
    const auto delta = static_cast<std::int16_t>(static_cast<std::uint16_t>(low - (current & 0xffffU)));
    const std::int64_t t = static_cast<std::int64_t>(current) + delta;
    if (t < 0 || t > static_cast<std::int64_t>(UINT32_MAX)) return false;
    full = static_cast<std::uint32_t>(t);
    return true;
  }

 private:
  std::uint32_t slot_ms_;
  LocalTime local_now_ = 0;
  LocalTime base_local_ = 0;
  std::uint32_t base_slot_ = 0;
  bool synced_ = false;
};

}  // namespace meshsec::net
