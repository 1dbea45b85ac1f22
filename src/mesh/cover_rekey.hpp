// A node's side of a broadcast rekey (keys/cover_tree.hpp, mesh/rekey_message.hpp): it
// holds the 17 subset keys on its path, gathers the back office's signed list of revoked
// nodes for the next epoch, works out the one subset of the cover it lies in, and opens
// the sealed key for that subset only. A node in the list lies in no subset: it opens
// nothing. No heap, fixed sizes: this runs on the device.
#pragma once
#include <array>
#include <cstddef>
#include <cstdint>
#include <span>

#include "crypto/secret.hpp"
#include "keys/cover_tree.hpp"
#include "keys/node_key_set.hpp"
#include "mesh/rekey_message.hpp"

namespace meshsec::mesh {

enum class CoverOutcome : std::uint8_t {
  not_ours,      // another subset's key, an epoch this node is not gathering, or its list incomplete
  opened,        // the next network key is in key_out
  failed_check,  // it names this node's subset but fails its tag: forged or corrupted
};

class CoverRekey {
 public:
  // Copies the node's path keys from its personalised set. False when the set has none.
  [[nodiscard]] bool init(node::NodeId id, const keys::NodeKeySet& keys) noexcept;

  // One part of a verified list (its signature already checked). A part for a newer epoch
  // than the one gathered starts over; parts of older epochs, or at odds with the parts
  // already held for the same epoch, are ignored. True when the part was new.
  bool take(const CoverAnnouncement& a) noexcept;
  // True when this very part (same epoch, parts and ids) is already held: another copy of
  // it needs no second signature check.
  [[nodiscard]] bool holds(const CoverAnnouncement& a) const noexcept;

  // The back office's verified commitment to the epoch's key (its signature already
  // checked). Like a part: a newer epoch starts over, an older one is ignored. True when new.
  bool take(const CoverKeyCommitment& c) noexcept;
  [[nodiscard]] bool holds(const CoverKeyCommitment& c) const noexcept;

  // Whether the list of `epoch` asks this node to acknowledge the key (rekey_message.hpp).
  [[nodiscard]] bool asks_ack(std::uint32_t epoch) const noexcept { return epoch == epoch_ && asks_ack_; }

  // The subset whose sealed key this node opens for `epoch`: no_subtree until every part
  // of that epoch's list is in, and for a revoked node.
  [[nodiscard]] keys::SubtreeIndex subset_for(std::uint32_t epoch) const noexcept;
  // The subset another node lies in, for `epoch`: what a neighbour that missed the
  // broadcast needs handed on (no_subtree until the list is whole, and for a revoked node).
  [[nodiscard]] keys::SubtreeIndex subset_of(node::NodeId id, std::uint32_t epoch) const noexcept;

  // Opens a sealed key meant for this node's subset into key_out (the key's size); a key
  // the commitment does not match fails the check (key_out wiped). Until both the list and
  // the commitment are in, every sealed key is not_ours.
  [[nodiscard]] CoverOutcome open(std::uint16_t net_id, const CoverKeyView& v, std::span<std::uint8_t> key_out) noexcept;

  void wipe() noexcept;

 private:
  void begin(std::uint32_t epoch) noexcept;  // forget the epoch gathered, gather this one
  [[nodiscard]] bool whole() const noexcept;  // every part of the list gathered is in
  [[nodiscard]] keys::SubtreeIndex covering(node::NodeId id) const noexcept;

  node::NodeId id_ = 0;
  std::size_t key_bytes_ = 0;
  std::array<crypto::SecretArray<keys::max_key_bytes>, keys::cover_path_keys> path_{};
  std::uint32_t epoch_ = 0;  // the list being gathered
  std::uint8_t parts_ = 0;
  std::uint8_t parts_held_ = 0;  // bit p: part p is in
  std::uint8_t ack_one_in_ = 0;
  bool asks_ack_ = false;
  std::array<std::uint8_t, cover_max_parts> counts_{};
  std::array<node::NodeId, cover_max_revoked> revoked_{};
  keys::SubtreeIndex subset_ = keys::no_subtree;  // once the list is whole
  bool has_commitment_ = false;
  CoverCommitment commitment_{};
};

}  // namespace meshsec::mesh
