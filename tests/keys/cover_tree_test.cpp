// The cover tree (keys/cover_tree.hpp): heap numbering, and the complete-subtree cover of
// "everyone but the revoked" — every other node lies in exactly one of its subsets, no
// revoked node lies in any, and one revocation costs at most one subset per level.
#include "keys/cover_tree.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>
#include <random>
#include <set>
#include <vector>

#include "node/node_id.hpp"

using namespace meshsec::keys;

namespace {

// The highest id a node can have is the mesh's own limit, not a second opinion.
static_assert(max_mesh_node_id == meshsec::node::max_nodes);
static_assert(!is_mesh_node_id(meshsec::node::no_node) && !is_mesh_node_id(meshsec::node::broadcast_id));
// The numbering is usable at compile time, as a device computes its own cover.
static_assert(cover_ancestor(0x1234, 0) == 1 && cover_ancestor(0x1234, cover_depth) == 0x11234);
static_assert(covering_subtree(7, {}) == 1);

std::vector<std::uint16_t> random_revoked(std::mt19937& rng, std::size_t count, std::uint16_t max_id) {
  std::uniform_int_distribution<unsigned> id(1, max_id);
  std::set<std::uint16_t> picked;
  while (picked.size() < count) picked.insert(static_cast<std::uint16_t>(id(rng)));
  return {picked.begin(), picked.end()};
}

bool is_revoked(const std::vector<std::uint16_t>& revoked, std::uint16_t id) {
  return std::binary_search(revoked.begin(), revoked.end(), id);
}

}  // namespace

TEST(CoverTree, HeapNumberingFromRootToLeaf) {
  for (std::uint32_t n : {0U, 1U, 2U, 0x1234U, 0x8000U, 0xFFF0U, 0xFFFFU}) {
    const auto id = static_cast<std::uint16_t>(n);
    EXPECT_EQ(cover_ancestor(id, 0), 1U);
    EXPECT_EQ(cover_ancestor(id, cover_depth), (SubtreeIndex{1} << cover_depth) + id);
    for (unsigned level = 0; level <= cover_depth; ++level) {
      const SubtreeIndex v = cover_ancestor(id, level);
      EXPECT_EQ(cover_level(v), level);
      EXPECT_TRUE(is_valid_subtree(v));
      EXPECT_TRUE(cover_contains(v, id));
      if (level > 0) {
        EXPECT_EQ(v / 2, cover_ancestor(id, level - 1));  // the parent of v is v / 2
      }
    }
  }
  EXPECT_EQ(cover_path_keys, 17U);
  EXPECT_EQ(cover_level(1), 0U);
  EXPECT_EQ(cover_level(max_subtree), cover_depth);
  EXPECT_FALSE(is_valid_subtree(no_subtree));
  EXPECT_TRUE(is_valid_subtree(max_subtree));
  EXPECT_FALSE(is_valid_subtree(max_subtree + 1));
  EXPECT_FALSE(cover_contains(no_subtree, 0));
  // A leaf holds its own node and no other; the root holds every node.
  EXPECT_TRUE(cover_contains(cover_ancestor(5, cover_depth), 5));
  EXPECT_FALSE(cover_contains(cover_ancestor(5, cover_depth), 4));
  EXPECT_TRUE(cover_contains(1, 0xFFFF));
  // Level 1 splits the ids at 0x8000.
  EXPECT_EQ(cover_ancestor(0x7FFF, 1), 2U);
  EXPECT_EQ(cover_ancestor(0x8000, 1), 3U);
  EXPECT_TRUE(is_mesh_node_id(0) && is_mesh_node_id(0xFFF0) && !is_mesh_node_id(0xFFF1));
}

TEST(CoverTree, NobodyRevokedIsCoveredByTheRoot) {
  for (std::uint16_t id : {std::uint16_t{0}, std::uint16_t{1}, std::uint16_t{3000}, std::uint16_t{0xFFF0}})
    EXPECT_EQ(covering_subtree(id, {}), 1U);
}

// For random revoked sets of 0..20 ids among 1..3000: each other id lies in a subset of the
// cover that holds no revoked id, each revoked id in none, and two ids' subsets are the
// same subset or disjoint, so every node opens exactly one sealed copy.
TEST(CoverTree, CoverHoldsEveryoneButTheRevokedExactlyOnce) {
  constexpr std::uint16_t max_id = 3000;
  std::mt19937 rng(20010819);
  std::vector<SubtreeIndex> subset(max_id + 1);
  for (std::size_t size = 0; size <= 20; ++size) {
    for (int round = 0; round < 2; ++round) {
      const auto revoked = random_revoked(rng, size, max_id);
      for (std::uint16_t id = 1; id <= max_id; ++id) {
        subset[id] = covering_subtree(id, revoked);
        if (is_revoked(revoked, id)) {
          EXPECT_EQ(subset[id], no_subtree) << "revoked " << id;
          continue;
        }
        ASSERT_TRUE(cover_contains(subset[id], id)) << "id " << id << " size " << size;
        for (std::uint16_t r : revoked) ASSERT_FALSE(cover_contains(subset[id], r)) << "id " << id << " holds " << r;
      }
      // For ids a, b: subset(a) == subset(b), or b is not in subset(a). Checked once per
      // distinct subset, which is the same as once per id a.
      std::set<SubtreeIndex> distinct(subset.begin() + 1, subset.end());
      distinct.erase(no_subtree);
      std::size_t overlapping = 0;
      for (SubtreeIndex s : distinct)
        for (std::uint16_t b = 1; b <= max_id; ++b)
          if (subset[b] != s && cover_contains(s, b)) ++overlapping;
      EXPECT_EQ(overlapping, 0U) << "revoked set of " << size;
      // Each revoked id adds at most one subset per level below the root.
      EXPECT_LE(distinct.size(), std::max<std::size_t>(1, size * cover_depth)) << "revoked set of " << size;
    }
  }
}

// One revoked node among 10,000: the others are covered by at most one subset per level
// (the siblings along its path), instead of 9,999 separate deliveries.
TEST(CoverTree, OneRevokedAmongTenThousandCostsAtMostSixteenSubsets) {
  constexpr std::uint16_t max_id = 10000;
  std::mt19937 rng(7);
  std::vector<std::uint16_t> candidates{1, 2, 4096, 4097, 8191, 8192, 9999, 10000};
  for (int i = 0; i < 8; ++i) candidates.push_back(static_cast<std::uint16_t>(1 + rng() % max_id));
  for (std::uint16_t r : candidates) {
    const std::uint16_t revoked[] = {r};
    std::set<SubtreeIndex> distinct;
    for (std::uint16_t id = 1; id <= max_id; ++id) {
      const SubtreeIndex s = covering_subtree(id, revoked);
      if (id == r) {
        EXPECT_EQ(s, no_subtree);
      } else {
        ASSERT_TRUE(cover_contains(s, id));
        distinct.insert(s);
      }
    }
    EXPECT_LE(distinct.size(), cover_depth) << "revoked " << r;
    EXPECT_GE(distinct.size(), 1U);
  }
}
