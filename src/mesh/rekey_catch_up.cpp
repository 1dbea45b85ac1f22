#include "mesh/rekey_catch_up.hpp"

#include <limits>

namespace meshsec::mesh {

bool RekeyCatchUp::request(std::uint32_t epoch, keys::SubtreeIndex subset, std::uint64_t now_us,
                           std::uint64_t wait_us) noexcept {
  if (answering_ || now_us < quiet_until_us_ || subset == keys::no_subtree) return false;
  if (!bundle_.whole(epoch) || bundle_.sealed_key(subset).empty()) return false;
  epoch_ = epoch;
  subset_ = subset;
  answering_ = true;
  step_ = 0;
  due_us_ = now_us + wait_us;
  return true;
}

void RekeyCatchUp::heard(std::uint32_t epoch) noexcept {
  if (answering_ && step_ == 0 && epoch == epoch_) answering_ = false;
}

std::uint64_t RekeyCatchUp::due_us() const noexcept {
  return answering_ ? due_us_ : std::numeric_limits<std::uint64_t>::max();
}

std::span<const std::uint8_t> RekeyCatchUp::next(std::uint64_t now_us) noexcept {
  if (!answering_ || now_us < due_us_) return {};
  if (!bundle_.whole(epoch_)) {  // a newer rekey began meanwhile: this one is spent
    answering_ = false;
    return {};
  }
  const std::uint8_t parts = bundle_.parts();
  std::span<const std::uint8_t> body;
  if (step_ < parts) body = bundle_.part(step_);
  else if (step_ == parts) body = bundle_.commitment();
  else body = bundle_.sealed_key(subset_);
  if (++step_ > parts + 1) {
    answering_ = false;
    quiet_until_us_ = now_us + quiet_us;
    ++answers_;
  }
  return body;
}

}  // namespace meshsec::mesh
