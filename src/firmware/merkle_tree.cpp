#include "firmware/merkle_tree.hpp"

#include "crypto/mac.hpp"
#include "crypto/secure_memory.hpp"

namespace meshsec::firmware {
namespace {

constexpr std::uint8_t inner_prefix[1] = {0x01};

bool hash_inner(const blob::Digest& left, const blob::Digest& right, blob::Digest& out) noexcept {
  return crypto::sha256({inner_prefix, left, right}, out) == crypto::Status::ok;
}

}  // namespace

BlobError blob_leaf_hash(const BlobHeader& header, std::uint32_t index, ChunkRecordView record,
                         blob::Digest& out) noexcept {
  std::array<std::uint8_t, blob::leaf_prefix_size> prefix{};
  blob_leaf_prefix(header, index, prefix);
  if (crypto::sha256({prefix, record.ciphertext, record.tag}, out) != crypto::Status::ok) {
    return BlobError::crypto_failure;
  }
  return BlobError::ok;
}

BlobError merkle_verify_path(const blob::Digest& leaf, std::size_t index, std::span<const std::uint8_t> path,
                             std::size_t depth, const blob::Digest& root) noexcept {
  BlobError result = BlobError::bad_chunk;
  if (depth > blob::max_tree_depth || path.size() != depth * blob::digest_size ||
      index >= (std::size_t{1} << depth)) {
    return result;
  }
  blob::Digest node = leaf;
  for (std::size_t level = 0; level < depth; ++level) {
    blob::Digest sibling{};
    for (std::size_t i = 0; i < blob::digest_size; ++i) sibling[i] = path[level * blob::digest_size + i];
    blob::Digest parent{};
    const bool ok = ((index >> level) & 1U) != 0 ? hash_inner(sibling, node, parent)
                                                 : hash_inner(node, sibling, parent);
    if (!ok) return BlobError::crypto_failure;
    node = parent;
  }
  if (crypto::equal_constant_time(node, root)) result = BlobError::ok;
  return result;
}

BlobError MerkleTree::build(std::span<const blob::Digest> leaves) {
  levels_.clear();
  leaf_count_ = 0;
  if (leaves.empty() || leaves.size() > blob::max_chunk_count) return BlobError::bad_geometry;
  const std::size_t width = std::size_t{1} << blob_tree_depth(leaves.size());
  std::vector<blob::Digest> level(width, blob::Digest{});  // padding leaves are all zero
  for (std::size_t i = 0; i < leaves.size(); ++i) level[i] = leaves[i];
  levels_.push_back(std::move(level));
  while (levels_.back().size() > 1) {
    const auto& below = levels_.back();
    std::vector<blob::Digest> above(below.size() / 2);
    for (std::size_t i = 0; i < above.size(); ++i) {
      if (!hash_inner(below[2 * i], below[2 * i + 1], above[i])) {
        levels_.clear();
        return BlobError::crypto_failure;
      }
    }
    levels_.push_back(std::move(above));
  }
  leaf_count_ = leaves.size();
  return BlobError::ok;
}

std::vector<std::uint8_t> MerkleTree::path(std::size_t index) const {
  std::vector<std::uint8_t> out;
  if (index >= leaf_count_) return out;
  for (std::size_t level = 0; level + 1 < levels_.size(); ++level) {
    const auto& sibling = levels_[level][index ^ 1U];
    out.insert(out.end(), sibling.begin(), sibling.end());
    index >>= 1;
  }
  return out;
}

}  // namespace meshsec::firmware
