// A SequenceStore in RAM, for simulation, tests and tools; it counts its writes so the
// "one write per block" property can be checked. Losing it is a reset, so never use it
// for a real node.
#pragma once
#include <cstdint>

#include "e2e/sequence_counter.hpp"

namespace meshsec::e2e {

class MemorySequenceStore final : public SequenceStore {
 public:
  [[nodiscard]] bool load(std::uint32_t& limit) noexcept override {
    if (fail_) return false;
    limit = limit_;
    return true;
  }
  [[nodiscard]] bool save(std::uint32_t limit) noexcept override {
    if (fail_) return false;
    limit_ = limit;
    ++writes_;
    return true;
  }
  void set_failing(bool fail) noexcept { fail_ = fail; }
  [[nodiscard]] std::uint32_t limit() const noexcept { return limit_; }
  [[nodiscard]] std::uint32_t writes() const noexcept { return writes_; }
  // Rolls the medium back (a restored backup, a cloned flash image) — an attack to test.
  void overwrite(std::uint32_t limit) noexcept { limit_ = limit; }

 private:
  std::uint32_t limit_ = 0;
  std::uint32_t writes_ = 0;
  bool fail_ = false;
};

}  // namespace meshsec::e2e
