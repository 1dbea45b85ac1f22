// The chunk-authentication tree of a blob (docs/blob-format.md §4): a binary SHA-256
// Merkle tree over the encrypted chunk records, padded with all-zero leaves to a power of
// two. Leaves are SHA-256(0x00 ‖ ...), inner nodes SHA-256(0x01 ‖ left ‖ right), so a leaf
// can never be passed off as an inner node.
#pragma once
#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

#include "firmware/blob_error.hpp"
#include "firmware/blob_layout.hpp"

namespace meshsec::firmware {

// Leaf hash of chunk `index` (header fields from blob_leaf_prefix, then the record).
// Errors: crypto_failure.
[[nodiscard]] BlobError blob_leaf_hash(const BlobHeader& header, std::uint32_t index, ChunkRecordView record,
                                       blob::Digest& out) noexcept;

// Device side: walks `path` (depth hashes, leaf level first) from `leaf` up and compares
// the result with `root`. Both are public values, so the comparison need not be constant
// time; it uses the constant-time helper anyway. Errors: bad_chunk, crypto_failure.
[[nodiscard]] BlobError merkle_verify_path(const blob::Digest& leaf, std::size_t index,
                                           std::span<const std::uint8_t> path, std::size_t depth,
                                           const blob::Digest& root) noexcept;

// Host side: the whole tree, to compute the root when building and the paths a gateway
// attaches to the chunk packets it sends.
class MerkleTree {
 public:
  // Errors: bad_geometry (no leaves or more than max_chunk_count), crypto_failure.
  [[nodiscard]] BlobError build(std::span<const blob::Digest> leaves);
  [[nodiscard]] const blob::Digest& root() const noexcept { return levels_.back().front(); }
  [[nodiscard]] std::size_t depth() const noexcept { return levels_.empty() ? 0 : levels_.size() - 1; }
  // Sibling hashes from the leaf level up (depth·32 bytes); empty when out of range.
  [[nodiscard]] std::vector<std::uint8_t> path(std::size_t index) const;

 private:
  std::size_t leaf_count_ = 0;
  std::vector<std::vector<blob::Digest>> levels_;  // levels_[0] leaves (padded) ... root
};

}  // namespace meshsec::firmware
