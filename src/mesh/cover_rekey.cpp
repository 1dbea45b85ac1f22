#include "mesh/cover_rekey.hpp"

#include <algorithm>

#include "crypto/secure_memory.hpp"

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

bool CoverRekey::holds(const CoverAnnouncement& a) const noexcept {
  if (a.epoch != epoch_ || a.parts != parts_ || a.ack_one_in != ack_one_in_ || (parts_held_ & (1U << a.part)) == 0 ||
      counts_[a.part] != a.count)
    return false;
  return std::equal(a.ids().begin(), a.ids().end(), revoked_.begin() + a.part * cover_ids_per_part);
}

void CoverRekey::begin(std::uint32_t epoch) noexcept {
  epoch_ = epoch;
  parts_ = 0;
  ack_one_in_ = 0;
  asks_ack_ = false;
  parts_held_ = 0;
  counts_ = {};
  revoked_ = {};
  subset_ = keys::no_subtree;
  has_commitment_ = false;
  commitment_ = {};
}

bool CoverRekey::take(const CoverKeyCommitment& c) noexcept {
  if (c.epoch < epoch_) return false;
  if (c.epoch > epoch_) begin(c.epoch);
  if (has_commitment_) return false;
  commitment_ = c.commitment;
  has_commitment_ = true;
  return true;
}

bool CoverRekey::holds(const CoverKeyCommitment& c) const noexcept {
  return c.epoch == epoch_ && has_commitment_ && c.commitment == commitment_;
}

bool CoverRekey::take(const CoverAnnouncement& a) noexcept {
  if (a.epoch < epoch_ || a.part >= a.parts || a.parts > cover_max_parts) return false;
  if (a.epoch > epoch_) begin(a.epoch);
  if (parts_ == 0) {  // the epoch's first part
    parts_ = a.parts;
    ack_one_in_ = a.ack_one_in;
    asks_ack_ = a.asks_ack_of(id_);
  }
  if (a.parts != parts_ || a.ack_one_in != ack_one_in_ || (parts_held_ & (1U << a.part)) != 0) return false;
  std::copy(a.ids().begin(), a.ids().end(), revoked_.begin() + a.part * cover_ids_per_part);
  counts_[a.part] = a.count;
  parts_held_ = static_cast<std::uint8_t>(parts_held_ | (1U << a.part));
  // The list is whole: find the one subset of the cover this node lies in.
  if (whole()) subset_ = covering(id_);
  return true;
}

bool CoverRekey::whole() const noexcept { return parts_ != 0 && parts_held_ == (1U << parts_) - 1U; }

keys::SubtreeIndex CoverRekey::covering(node::NodeId id) const noexcept {
  std::array<node::NodeId, cover_max_revoked> all{};
  std::size_t n = 0;
  for (std::size_t p = 0; p < parts_; ++p)
    for (std::size_t i = 0; i < counts_[p]; ++i) all[n++] = revoked_[p * cover_ids_per_part + i];
  return keys::covering_subtree(id, std::span<const node::NodeId>(all).first(n));
}

keys::SubtreeIndex CoverRekey::subset_for(std::uint32_t epoch) const noexcept {
  return epoch == epoch_ ? subset_ : keys::no_subtree;
}

keys::SubtreeIndex CoverRekey::subset_of(node::NodeId id, std::uint32_t epoch) const noexcept {
  return epoch == epoch_ && whole() ? covering(id) : keys::no_subtree;
}

CoverOutcome CoverRekey::open(std::uint16_t net_id, const CoverKeyView& v, std::span<std::uint8_t> key_out) noexcept {
  const keys::SubtreeIndex mine = subset_for(v.epoch);
  if (mine == keys::no_subtree || v.subset != mine || !has_commitment_ || key_bytes_ == 0)
    return CoverOutcome::not_ours;
  crypto::AesAead aead;
  const auto key = path_[keys::cover_level(mine)].span().first(key_bytes_);
  if (init_cover_key(aead, key) != crypto::Status::ok || key_out.size() != v.sealed_key.size() ||
      open_cover_key(aead, net_id, v, key_out) != crypto::Status::ok)
    return CoverOutcome::failed_check;
  // Sealed under this subset's key, by the back office or by a node of the subset: only the
  // back office's key matches its commitment.
  CoverCommitment c{};
  if (!commit_cover_key(net_id, v.epoch, key_out, c) || !crypto::equal_constant_time(c, commitment_)) {
    crypto::secure_wipe(key_out.data(), key_out.size());
    return CoverOutcome::failed_check;
  }
  return CoverOutcome::opened;
}

void CoverRekey::wipe() noexcept {
  for (auto& k : path_) k.wipe();
  key_bytes_ = 0;
  begin(0);
}

}  // namespace meshsec::mesh
