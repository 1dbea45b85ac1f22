#include "mesh/rekey_bundle.hpp"

#include <algorithm>

namespace meshsec::mesh {

template <std::size_t N>
void RekeyBundle::Body<N>::keep(std::span<const std::uint8_t> b) noexcept {
  if (b.size() > N) return;  // parsed by the caller: cannot happen
  std::copy(b.begin(), b.end(), bytes.begin());
  length = static_cast<std::uint8_t>(b.size());
}

bool RekeyBundle::adopt(std::uint32_t epoch) noexcept {
  if (epoch < epoch_) return false;
  if (epoch > epoch_) {
    *this = RekeyBundle{};
    epoch_ = epoch;
  }
  return true;
}

void RekeyBundle::keep_part(std::uint32_t epoch, std::uint8_t part, std::uint8_t parts,
                            std::span<const std::uint8_t> body) noexcept {
  if (part >= parts || parts > cover_max_parts || !adopt(epoch)) return;
  if (parts_ == 0) parts_ = parts;
  // Parts at odds with the first one's count, or a second copy: the first stays.
  if (parts != parts_ || parts_kept_[part].length != 0) return;
  parts_kept_[part].keep(body);
}

void RekeyBundle::keep_commitment(std::uint32_t epoch, std::span<const std::uint8_t> body) noexcept {
  if (adopt(epoch) && commitment_.length == 0) commitment_.keep(body);
}

void RekeyBundle::keep_sealed_key(std::uint32_t epoch, keys::SubtreeIndex subset, std::span<const std::uint8_t> body,
                                  bool checked) noexcept {
  if (!adopt(epoch)) return;
  for (std::size_t i = 0; i < sealed_count_; ++i) {
    if (subsets_[i] != subset) continue;
    if (checked) sealed_[i].keep(body);
    return;
  }
  if (sealed_count_ == max_sealed_keys) return;
  subsets_[sealed_count_] = subset;
  sealed_[sealed_count_].keep(body);
  ++sealed_count_;
}

bool RekeyBundle::whole(std::uint32_t epoch) const noexcept {
  if (epoch != epoch_ || epoch == 0 || parts_ == 0 || commitment_.length == 0) return false;
  return std::all_of(parts_kept_.begin(), parts_kept_.begin() + parts_, [](const auto& p) { return p.length != 0; });
}

std::span<const std::uint8_t> RekeyBundle::part(std::uint8_t p) const noexcept {
  return p < parts_ ? parts_kept_[p].view() : std::span<const std::uint8_t>{};
}

std::span<const std::uint8_t> RekeyBundle::commitment() const noexcept { return commitment_.view(); }

std::span<const std::uint8_t> RekeyBundle::sealed_key(keys::SubtreeIndex subset) const noexcept {
  for (std::size_t i = 0; i < sealed_count_; ++i)
    if (subsets_[i] == subset) return sealed_[i].view();
  return {};
}

}  // namespace meshsec::mesh
