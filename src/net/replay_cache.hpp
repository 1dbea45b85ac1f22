// Per-source replay cache over the acceptance window (docs/wire-format.md §8).
//
// A frame's position is (global time << 8 | sequence). Each source heard inside the window
// has one 8-byte entry: its highest accepted position and a bitmap of the 24 positions
// below it (so frames reordered by multi-route flooding still get through once).
// Anything older than the bitmap is treated as a replay: a late genuine frame may be lost,
// a replay never passes.
//
// An entry whose highest position has left the acceptance window holds no information
// (the time check alone rejects everything at or below it), so it is free for reuse.
// When every entry is live and a new source appears, the entry with the oldest position
// is evicted and the cache's floor rises to that position: from then on a source without
// an entry must be strictly above the floor. A replay of the evicted source's frames is
// therefore still rejected; the only cost is that late frames of unknown sources at or
// below the floor are dropped too (counted as replay_floor).
//
// check() changes nothing (a cheap pre-check before the MIC); commit() runs only after
// the MIC verified and re-checks, so the cache moves only for authentic frames.
//
// Lookup is by direct index with linear probing: a source's home slot is its address
// modulo the capacity (consecutive node addresses land in distinct slots), and a probe
// ends at its own entry or at a never-used slot. Slots never return to "never used"
// except by clear(), so a source taken in where no never-used slot is left stays
// reachable: its probe then meets no never-used slot and goes round the whole cache.
#pragma once
#include <cstddef>
#include <cstdint>
#include <span>

namespace meshsec::net {

struct ReplayEntry {
  std::uint16_t src = 0;        // 0 = free (0 is never a valid source address)
  std::uint16_t time_low = 0;   // low 16 bits of the highest accepted time
  std::uint32_t seq_bitmap = 0; // bits 0-7: highest sequence; bits 8-31: seen-below bitmap
};
static_assert(sizeof(ReplayEntry) == 8, "replay cache: 8 bytes per peer, as a Bluetooth Mesh RPL entry");

enum class ReplayVerdict : std::uint8_t { fresh, duplicate, below_floor };

class ReplayCache {
 public:
  static constexpr unsigned bitmap_bits = 24;

  // `storage` is owned by the caller (fixed array in the node); `window_past` and
  // `window_future` are the acceptance window in slots (their sum must stay below 32768
  // so 16 stored time bits are unambiguous).
  ReplayCache(std::span<ReplayEntry> storage, std::uint32_t window_past,
              std::uint32_t window_future) noexcept;

  // `time` must already lie inside [now - window_past, now + window_future].
  [[nodiscard]] ReplayVerdict check(std::uint16_t src, std::uint32_t time, std::uint8_t seq,
                                    std::uint32_t now) const noexcept;
  // The same, also returning where the source's entry is (nullptr: none), so commit()
  // need not search again. The hint is valid until the cache next changes.
  [[nodiscard]] ReplayVerdict check(std::uint16_t src, std::uint32_t time, std::uint8_t seq,
                                    std::uint32_t now, const ReplayEntry*& hint) const noexcept;
  // Records an authentic frame. Returns the verdict it found (fresh means recorded);
  // `evicted` tells whether a live entry had to make room.
  [[nodiscard]] ReplayVerdict commit(std::uint16_t src, std::uint32_t time, std::uint8_t seq,
                                     std::uint32_t now, bool& evicted) noexcept;
  // commit() with the hint from check() made on the unchanged cache.
  [[nodiscard]] ReplayVerdict commit(std::uint16_t src, std::uint32_t time, std::uint8_t seq,
                                     std::uint32_t now, const ReplayEntry* hint, bool& evicted) noexcept;

  // Forgets everything (RAM state lost at reboot; the time window still bounds replays).
  void clear() noexcept;
  [[nodiscard]] std::size_t capacity() const noexcept { return entries_.size(); }
  [[nodiscard]] std::size_t live_entries(std::uint32_t now) const noexcept;
  [[nodiscard]] std::uint64_t floor() const noexcept { return floor_; }

 private:
  [[nodiscard]] std::uint64_t entry_position(const ReplayEntry& e, std::uint32_t now) const noexcept;
  [[nodiscard]] bool live(const ReplayEntry& e, std::uint32_t now) const noexcept;
  [[nodiscard]] std::size_t home_of(std::uint16_t src) const noexcept;
  // The source's entry, live or not, or nullptr.
  [[nodiscard]] const ReplayEntry* slot_of(std::uint16_t src) const noexcept;
  // The source's live entry, or nullptr.
  [[nodiscard]] const ReplayEntry* find(std::uint16_t src, std::uint32_t now) const noexcept;
  // Where a source without a live entry is recorded: its own expired entry, else the
  // first never-used slot on its probe, else any expired entry, else nullptr (full).
  [[nodiscard]] ReplayEntry* free_slot_for(std::uint16_t src, std::uint32_t now) noexcept;
  [[nodiscard]] ReplayVerdict judge(const ReplayEntry* e, std::uint64_t position,
                                    std::uint32_t now) const noexcept;

  std::span<ReplayEntry> entries_;
  std::size_t index_mask_ = 0;  // capacity - 1, used when the capacity is a power of two
  bool power_of_two_ = false;
  std::uint32_t window_past_;
  std::uint32_t window_future_;
  std::uint64_t floor_ = 0;  // positions <= floor_ are refused for sources without an entry
  bool has_floor_ = false;
};

}  // namespace meshsec::net
