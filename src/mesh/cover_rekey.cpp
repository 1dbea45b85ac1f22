#include "mesh/cover_rekey.hpp"

#include <algorithm>

namespace meshsec::mesh {

bool CoverRekey::init(node::NodeId id, const keys::NodeKeySet& keys) noexcept {
  wipe();
  id_ = id;
  for (unsigned level = 0; level < keys::cover_path_keys; ++level) {
    const auto key = keys.cover_key(level);
    if (key.empty()) {
      wipe();
      return false;
    }
    std::copy(key.begin(), key.end(), path_[level].span().begin());
    key_bytes_ = key.size();
  }
  return true;
}

bool CoverRekey::holds_part(const CoverAnnouncement& a) const noexcept {
  if (a.epoch != epoch_ || a.parts != parts_ || a.ack_one_in != ack_one_in_ || (parts_held_ & (1U << a.part)) == 0 ||
      counts_[a.part] != a.count)
    return false;
  return std::equal(a.ids().begin(), a.ids().end(), revoked_.begin() + a.part * cover_ids_per_part);
}

bool CoverRekey::take_part(const CoverAnnouncement& a) noexcept {
  if (a.epoch < epoch_ || a.part >= a.parts || a.parts > cover_max_parts) return false;
  if (a.epoch > epoch_) {
    epoch_ = a.epoch;
    parts_ = a.parts;
    ack_one_in_ = a.ack_one_in;
    asks_ack_ = a.asks_ack_of(id_);
    parts_held_ = 0;
    counts_ = {};
    revoked_ = {};
    subset_ = keys::no_subtree;
  }
  if (a.parts != parts_ || a.ack_one_in != ack_one_in_ || (parts_held_ & (1U << a.part)) != 0) return false;
  std::copy(a.ids().begin(), a.ids().end(), revoked_.begin() + a.part * cover_ids_per_part);
  counts_[a.part] = a.count;
  parts_held_ = static_cast<std::uint8_t>(parts_held_ | (1U << a.part));
  if (parts_held_ == (1U << parts_) - 1U) {
    // The list is whole: pack it and find the one subset of the cover this node lies in.
    std::array<node::NodeId, cover_max_revoked> all{};
    std::size_t n = 0;
    for (std::size_t p = 0; p < parts_; ++p)
      for (std::size_t i = 0; i < counts_[p]; ++i) all[n++] = revoked_[p * cover_ids_per_part + i];
    subset_ = keys::covering_subtree(id_, std::span<const node::NodeId>(all).first(n));
  }
  return true;
}

keys::SubtreeIndex CoverRekey::subset_for(std::uint32_t epoch) const noexcept {
  return epoch == epoch_ ? subset_ : keys::no_subtree;
}

CoverOutcome CoverRekey::open(std::uint16_t net_id, const CoverKeyView& v, std::span<std::uint8_t> key_out) noexcept {
  const keys::SubtreeIndex mine = subset_for(v.epoch);
  if (mine == keys::no_subtree || v.subset != mine || key_bytes_ == 0) return CoverOutcome::not_ours;
  crypto::AesAead aead;
  const auto key = path_[keys::cover_level(mine)].span().first(key_bytes_);
  if (init_cover_key(aead, key) != crypto::Status::ok || key_out.size() != v.sealed_key.size())
    return CoverOutcome::failed_check;
  return open_cover_key(aead, net_id, v, key_out) == crypto::Status::ok ? CoverOutcome::opened
                                                                       : CoverOutcome::failed_check;
}

void CoverRekey::wipe() noexcept {
  for (auto& k : path_) k.wipe();
  key_bytes_ = 0;
  epoch_ = 0;
  parts_ = 0;
  parts_held_ = 0;
  ack_one_in_ = 0;
  asks_ack_ = false;
  subset_ = keys::no_subtree;
}

}  // namespace meshsec::mesh
