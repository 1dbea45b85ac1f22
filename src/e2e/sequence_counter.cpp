#include "e2e/sequence_counter.hpp"

namespace meshsec::e2e {
namespace {
constexpr std::uint32_t kTop = 0xffffffffU;  // never handed out: the limit can always exceed it
}

E2eError SequenceCounter::reserve() noexcept {
  const std::uint32_t room = kTop - next_;
  const std::uint32_t limit = next_ + (block_ < room ? block_ : room);
  if (limit == next_) return E2eError::sequence_exhausted;
  // Persist first: a power cut after this write only wastes numbers, never repeats one.
  if (!store_->save(limit)) return E2eError::store_failed;
  limit_ = limit;
  return E2eError::ok;
}

E2eError SequenceCounter::start(SequenceStore& store, std::uint32_t block) noexcept {
  store_ = nullptr;
  std::uint32_t stored = 0;
  if (!store.load(stored)) return E2eError::store_failed;
  store_ = &store;
  block_ = block == 0 ? 1 : block;
  next_ = stored;  // the jump: everything below the stored limit may have been used
  limit_ = stored;
  const E2eError e = reserve();
  if (e != E2eError::ok) store_ = nullptr;
  return e;
}

E2eError SequenceCounter::next(std::uint32_t& out) noexcept {
  if (store_ == nullptr) return E2eError::not_ready;
  if (next_ == limit_) {
    const E2eError e = reserve();
    if (e != E2eError::ok) return e;
  }
  out = next_++;
  return E2eError::ok;
}

}  // namespace meshsec::e2e
