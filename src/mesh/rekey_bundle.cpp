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

bool RekeyBundle::passes_check(std::span<const std::uint8_t> body) const noexcept {
  CoverKeyView v;
  return parse_cover_key(body, v) && cover_key_check_passes(check_key_, v);
}

void RekeyBundle::forget_sealed(std::size_t i) noexcept {
  for (std::size_t j = i + 1; j < sealed_count_; ++j) {
    subsets_[j - 1] = subsets_[j];
    sealed_[j - 1] = sealed_[j];
    checked_[j - 1] = checked_[j];
  }
  --sealed_count_;
  sealed_[sealed_count_] = {};
  checked_[sealed_count_] = false;
}

RekeyBundle::Kept RekeyBundle::keep_sealed_key(std::span<const std::uint8_t> body, const CoverKeyView& v,
                                               bool opened) noexcept {
  if (!adopt(v.epoch)) return Kept::ignored;
  const bool checked = opened || (has_check_key_ && cover_key_check_passes(check_key_, v));
  if (has_check_key_ && !checked) return Kept::forged;
  std::size_t copies = 0;
  for (std::size_t i = 0; i < sealed_count_; ++i) {
    if (subsets_[i] != v.subset) continue;
    if (checked_[i]) return Kept::checked;
    if (checked) {
      // The first place of the subset takes the checked copy; its other unchecked copy goes.
      sealed_[i].keep(body);
      checked_[i] = true;
      for (std::size_t j = sealed_count_; j-- > i + 1;)
        if (subsets_[j] == v.subset) forget_sealed(j);
      return Kept::checked;
    }
    const auto kept = sealed_[i].view();
    if (std::equal(kept.begin(), kept.end(), body.begin(), body.end())) return Kept::ignored;
    ++copies;
  }
  std::size_t slot = sealed_count_;
  if (!checked && copies >= unchecked_copies) return Kept::ignored;  // these stay until the check key comes
  if (sealed_count_ < max_sealed_keys) {
    ++sealed_count_;
  } else {
    // Full: a checked copy, or a subset's first copy, takes the place of a second unchecked
    // copy of another subset; a checked copy also that of any unchecked one (junk sent ahead
    // of the broadcast must not keep genuine keys out).
    slot = max_sealed_keys;
    for (std::size_t i = sealed_count_; i-- > 0 && slot == max_sealed_keys;)
      if (!checked_[i] && is_second_copy(i)) slot = i;
    for (std::size_t i = sealed_count_; checked && i-- > 0 && slot == max_sealed_keys;)
      if (!checked_[i]) slot = i;
    if (slot == max_sealed_keys || (!checked && copies > 0)) return Kept::ignored;
    forget_sealed(slot);
    slot = sealed_count_++;
  }
  subsets_[slot] = v.subset;
  sealed_[slot].keep(body);
  checked_[slot] = checked;
  return checked ? Kept::checked : Kept::unchecked;
}

bool RekeyBundle::is_second_copy(std::size_t i) const noexcept {
  for (std::size_t j = 0; j < i; ++j)
    if (subsets_[j] == subsets_[i]) return true;
  return false;
}

bool RekeyBundle::set_check_key(std::uint16_t net_id, std::uint32_t epoch, std::span<const std::uint8_t> key) noexcept {
  if (!adopt(epoch)) return false;
  if (!derive_cover_check_key(net_id, epoch, key, check_key_)) {
    check_key_.wipe();
    has_check_key_ = false;
    return false;
  }
  has_check_key_ = true;
  for (std::size_t i = sealed_count_; i-- > 0;)
    if (!checked_[i] && !passes_check(sealed_[i].view())) forget_sealed(i);
  // What is left of each subset passed: one copy of it is enough.
  for (std::size_t i = sealed_count_; i-- > 0;) {
    if (is_second_copy(i)) forget_sealed(i);
    else checked_[i] = true;
  }
  return true;
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
    if (subsets_[i] == subset && checked_[i]) return sealed_[i].view();
  return {};
}

}  // namespace meshsec::mesh
