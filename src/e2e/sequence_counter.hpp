// Sequence numbers that never repeat across reboots and power loss, without a flash write
// per message (docs/e2e.md §4).
//
// The store holds a *limit*: every number ever handed out is below it. start() (at boot)
// resumes at the stored limit — jumping over whatever the last run reserved but did not
// use — and persists limit + block before handing out anything. next() persists a new
// limit each time the block is used up. Cost: one write per `block` messages and one per
// boot; at most `block` numbers are skipped per reboot.
#pragma once
#include <cstdint>

#include "e2e/e2e_error.hpp"

namespace meshsec::e2e {

// The non-volatile cell behind a counter (flash page, EEPROM word, file in simulation).
class SequenceStore {
 public:
  virtual ~SequenceStore() = default;
  // Reads the stored limit; a never-written store reads as 0. False on a read error.
  [[nodiscard]] virtual bool load(std::uint32_t& limit) noexcept = 0;
  // Durably writes a new limit (returns only once it is on the medium). False on error.
  [[nodiscard]] virtual bool save(std::uint32_t limit) noexcept = 0;
};

class SequenceCounter {
 public:
  static constexpr std::uint32_t default_block = 256;

  // Resumes from the store. Errors: store_failed (nothing will be handed out),
  // sequence_exhausted (the store is at the top of the range).
  [[nodiscard]] E2eError start(SequenceStore& store, std::uint32_t block = default_block) noexcept;
  // The next unused number. Errors: not_ready, store_failed, sequence_exhausted.
  [[nodiscard]] E2eError next(std::uint32_t& out) noexcept;
  [[nodiscard]] std::uint32_t peek() const noexcept { return next_; }

 private:
  [[nodiscard]] E2eError reserve() noexcept;
  SequenceStore* store_ = nullptr;
  std::uint32_t block_ = default_block;
  std::uint32_t next_ = 0;
  std::uint32_t limit_ = 0;  // persisted: every number handed out is below it
};

}  // namespace meshsec::e2e
