// The cover tree of one network (broadcast rekeying, docs/keys.md §Cover keys): a complete
// binary tree whose 2^16 leaves are the node ids of a mesh. Every tree node v is a subset of
// the network (the leaves under it) with a key of its own, derived from the network master
// (KeyPurpose::cover, version = v). A node holds the keys of the 17 subsets on the path from
// its leaf to the root, and nothing else.
//
// To send a new network key to every node except a revoked set R, the back office seals it
// once under each subset of the complete-subtree cover of the others (Naor, Naor and
// Lotspiech, "Revocation and Tracing Schemes for Stateless Receivers", CRYPTO 2001): the
// largest subtrees that hold no revoked leaf. One revoked node out of 10,000 costs about 14
// sealed keys in one flood, instead of 10,000 sealed deliveries through one gateway. A
// revoked node lies in no subset of the cover, and every key it holds names a subset that
// contains it, so nothing sealed for the cover opens under its keys.
//
// Numbering is the heap's: root 1, the children of v are 2v and 2v + 1, the leaf of node id
// n is 2^16 + n; 0 is no subset. Pure functions, no heap: a device computes its own cover.
#pragma once
#include <bit>
#include <cstddef>
#include <cstdint>
#include <span>

namespace meshsec::keys {

inline constexpr unsigned cover_depth = 16;                    // leaves: node ids 0..65535
inline constexpr std::size_t cover_path_keys = cover_depth + 1;  // levels 0 (root) .. 16 (leaf)
using SubtreeIndex = std::uint32_t;
inline constexpr SubtreeIndex no_subtree = 0;
inline constexpr SubtreeIndex max_subtree = (SubtreeIndex{1} << (cover_depth + 1)) - 1;

// The highest id a mesh node can have (node::max_nodes, node/node_id.hpp). The ids above it
// are the mesh's own addresses (broadcast, "no node"): their leaves exist in the tree, but
// no node stands there, so nobody is personalised with their path.
inline constexpr std::uint32_t max_mesh_node_id = 0xFFF0;
[[nodiscard]] constexpr bool is_mesh_node_id(std::uint32_t id) noexcept { return id <= max_mesh_node_id; }

// The subset at `level` (0 = the whole network) that contains node `id`.
[[nodiscard]] constexpr SubtreeIndex cover_ancestor(std::uint16_t id, unsigned level) noexcept {
  return ((SubtreeIndex{1} << cover_depth) + id) >> (cover_depth - level);
}

// The level of a subset: 0 for the root, cover_depth for a leaf.
[[nodiscard]] constexpr unsigned cover_level(SubtreeIndex v) noexcept {
  return static_cast<unsigned>(std::bit_width(v)) - 1U;
}

[[nodiscard]] constexpr bool is_valid_subtree(SubtreeIndex v) noexcept { return v != no_subtree && v <= max_subtree; }

[[nodiscard]] constexpr bool cover_contains(SubtreeIndex v, std::uint16_t id) noexcept {
  return is_valid_subtree(v) && cover_ancestor(id, cover_level(v)) == v;
}

// The subset of the cover of "everyone but `revoked`" that holds node `id`: its largest
// ancestor subtree with no revoked leaf. no_subtree when `id` itself is revoked.
[[nodiscard]] constexpr SubtreeIndex covering_subtree(std::uint16_t id, std::span<const std::uint16_t> revoked) noexcept {
  for (unsigned level = 0; level <= cover_depth; ++level) {
    const SubtreeIndex candidate = cover_ancestor(id, level);
    bool holds_revoked = false;
    for (const std::uint16_t r : revoked) holds_revoked = holds_revoked || cover_ancestor(r, level) == candidate;
    if (!holds_revoked) return candidate;
  }
  return no_subtree;
}

}  // namespace meshsec::keys
