// The broadcast rekey's two floods and a node's side of it: layouts and their bounds, a
// node opening only its own subset's key, and what a revoked node holding its extracted
// cover keys can and cannot do with them.
#include <gtest/gtest.h>

#include <algorithm>
#include <array>
#include <vector>

#include "keys/cover_tree.hpp"
#include "keys/dev_master_keys.hpp"
#include "keys/node_key_set.hpp"
#include "mesh/cover_rekey.hpp"
#include "mesh/rekey_message.hpp"

namespace {

using namespace meshsec;
using namespace meshsec::mesh;

constexpr std::uint16_t net_id = 7;
constexpr std::uint32_t network_id = 7;

keys::CustomerContext customer() {
  keys::CustomerContext c;
  c.customer_id = "cover-test";
  c.environment = keys::Environment::dev;
  c.key_size = keys::KeySize::bits128;
  return c;
}

// The published development masters (the back office's side of the derivation).
const keys::MasterKeyMaterial& masters() {
  static const keys::MasterKeyMaterial m = [] {
    keys::MasterKeyMaterial out;
    EXPECT_EQ(keys::load_insecure_dev_masters(out), keys::KeyError::ok);
    return out;
  }();
  return m;
}

// A node's personalised set: its path keys among the rest.
keys::NodeKeySet node_set(node::NodeId id) {
  keys::NodeKeyRequest request;
  request.node_id = id;
  request.network_id = network_id;
  request.network_key_index = 1;
  keys::NodeKeySet set;
  EXPECT_EQ(keys::derive_node_key_set(masters(), customer(), request, set), keys::KeyError::ok);
  return set;
}

// The back office sealing `key` for one subset.
std::vector<std::uint8_t> sealed_for(keys::SubtreeIndex subset, std::uint32_t epoch, std::span<const std::uint8_t> key) {
  keys::DerivationInput input;
  input.customer_id = customer().customer_id;
  input.environment = customer().environment;
  input.key_size = customer().key_size;
  input.purpose = keys::KeyPurpose::cover;
  input.subject_id = network_id;
  input.version = subset;
  std::array<std::uint8_t, 16> subset_key{};
  EXPECT_EQ(keys::derive_key(masters().net.span(), input, subset_key), keys::KeyError::ok);
  crypto::AesAead aead;
  EXPECT_EQ(init_cover_key(aead, subset_key), crypto::Status::ok);
  std::vector<std::uint8_t> body(cover_key_max_size);
  body.resize(seal_cover_key(aead, net_id, epoch, subset, key, body));
  return body;
}

const std::array<std::uint8_t, 16> next_key = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16};

CoverKeyCommitment commitment_to(std::span<const std::uint8_t> key, std::uint32_t epoch) {
  CoverKeyCommitment c;
  c.net_id = net_id;
  c.epoch = epoch;
  EXPECT_TRUE(commit_cover_key(net_id, epoch, key, c.commitment));
  return c;
}

// A node whose list for `epoch` names `revoked`, holding the commitment to next_key
// (signature checks are the mesh node's).
CoverRekey node_knowing(node::NodeId id, std::uint32_t epoch, std::vector<node::NodeId> revoked) {
  CoverRekey node;
  EXPECT_TRUE(node.init(id, node_set(id)));
  CoverAnnouncement list;
  list.epoch = epoch;
  list.count = static_cast<std::uint8_t>(revoked.size());
  std::copy(revoked.begin(), revoked.end(), list.revoked.begin());
  EXPECT_TRUE(node.take(list));
  EXPECT_TRUE(node.take(commitment_to(next_key, epoch)));
  return node;
}

CoverOutcome try_open(CoverRekey& node, std::span<const std::uint8_t> body, std::array<std::uint8_t, 16>& key) {
  CoverKeyView v;
  EXPECT_TRUE(parse_cover_key(body, v));
  return node.open(net_id, v, key);
}

TEST(CoverRekey, ListRoundTripsAndItsBoundsHold) {
  CoverAnnouncement a;
  a.net_id = net_id;
  a.epoch = 2;
  a.part = 1;
  a.parts = 2;
  a.ack_one_in = 5;
  a.count = 3;
  a.revoked = {5, 900, 17, 0};
  a.signature.fill(0xAB);
  std::array<std::uint8_t, cover_announcement_max_size> out{};
  const std::size_t n = encode_cover_announcement(a, out);
  ASSERT_EQ(n, 9U + 6U + 64U);
  CoverAnnouncement back;
  ASSERT_TRUE(parse_cover_announcement(std::span<const std::uint8_t>(out).first(n), net_id, back));
  EXPECT_EQ(back, a);
  // The network id is signed, not sent: the same bytes read in another network sign
  // other bytes.
  std::array<std::uint8_t, cover_announcement_signed_size> here{}, there{};
  ASSERT_TRUE(parse_cover_announcement(std::span<const std::uint8_t>(out).first(n), net_id + 1, back));
  EXPECT_EQ(cover_announcement_signed_message(a, here), here.size());
  EXPECT_EQ(cover_announcement_signed_message(back, there), there.size());
  EXPECT_NE(here, there);
  // One node in five acknowledges: those whose id is the epoch's residue.
  EXPECT_TRUE(a.asks_ack_of(7));
  EXPECT_TRUE(a.asks_ack_of(12));
  EXPECT_FALSE(a.asks_ack_of(8));

  auto parses = [&](auto mutate) {
    CoverAnnouncement m = a;
    mutate(m);
    std::array<std::uint8_t, 96> bytes{};
    // Encode refuses what parse refuses: the valid list's bytes, patched.
    const std::size_t len = encode_cover_announcement(a, bytes);
    bytes[1] = static_cast<std::uint8_t>(m.epoch >> 24);
    bytes[2] = static_cast<std::uint8_t>(m.epoch >> 16);
    bytes[3] = static_cast<std::uint8_t>(m.epoch >> 8);
    bytes[4] = static_cast<std::uint8_t>(m.epoch);
    bytes[5] = m.part;
    bytes[6] = m.parts;
    bytes[7] = m.ack_one_in;
    for (std::size_t i = 0; i < 3; ++i) {
      bytes[9 + 2 * i] = static_cast<std::uint8_t>(m.revoked[i] >> 8);
      bytes[10 + 2 * i] = static_cast<std::uint8_t>(m.revoked[i]);
    }
    CoverAnnouncement p;
    return parse_cover_announcement(std::span<const std::uint8_t>(bytes).first(len), net_id, p);
  };
  EXPECT_TRUE(parses([](CoverAnnouncement&) {}));
  EXPECT_FALSE(parses([](CoverAnnouncement& m) { m.epoch = 0; }));
  EXPECT_FALSE(parses([](CoverAnnouncement& m) { m.part = 2; }));
  EXPECT_FALSE(parses([](CoverAnnouncement& m) { m.parts = 9; }));
  EXPECT_FALSE(parses([](CoverAnnouncement& m) { m.ack_one_in = 0; }));
  EXPECT_FALSE(parses([](CoverAnnouncement& m) { m.revoked[1] = 5; }));  // named twice
  EXPECT_FALSE(parses([](CoverAnnouncement& m) { m.revoked[0] = 0; }));
  EXPECT_FALSE(parses([](CoverAnnouncement& m) { m.revoked[2] = node::broadcast_id; }));
  CoverAnnouncement p;
  EXPECT_FALSE(parse_cover_announcement(std::span<const std::uint8_t>(out).first(n - 1), net_id, p));
  out[8] = 4;  // count 4: the bytes run short
  EXPECT_FALSE(parse_cover_announcement(std::span<const std::uint8_t>(out).first(n), net_id, p));
}

TEST(CoverRekey, SealedKeyBoundsHold) {
  const auto body = sealed_for(keys::cover_ancestor(40, 3), 2, next_key);
  ASSERT_EQ(body.size(), cover_key_head_size + 16 + cover_key_tag_size + cover_key_check_size);
  CoverKeyView v;
  EXPECT_TRUE(parse_cover_key(body, v));
  EXPECT_EQ(v.subset, keys::cover_ancestor(40, 3));
  EXPECT_FALSE(parse_cover_key(std::span<const std::uint8_t>(body).first(body.size() - 1), v));
  auto bad = body;
  bad[0] = cover_announcement_kind;
  EXPECT_FALSE(parse_cover_key(bad, v));
  bad = body;
  bad[5] = bad[6] = bad[7] = bad[8] = 0;  // subset 0
  EXPECT_FALSE(parse_cover_key(bad, v));
  bad = body;
  bad[5] = 0x7F;  // beyond the tree
  EXPECT_FALSE(parse_cover_key(bad, v));
}

TEST(CoverRekey, EachNodeOpensItsOwnSubsetOnlyAndTheRevokedNodeNone) {
  const std::vector<node::NodeId> revoked = {40};
  std::array<std::uint8_t, 16> key{};
  for (const node::NodeId id : std::array<node::NodeId, 7>{2, 3, 41, 39, 100, 1000, 9999}) {
    auto node = node_knowing(id, 2, revoked);
    const auto mine = node.subset_for(2);
    ASSERT_TRUE(keys::cover_contains(mine, id));
    ASSERT_FALSE(keys::cover_contains(mine, 40));
    EXPECT_EQ(try_open(node, sealed_for(mine, 2, next_key), key), CoverOutcome::opened) << id;
    EXPECT_EQ(key, next_key);
    // Another subset's key, or this subset's for an epoch the node is not gathering, is
    // not its business.
    EXPECT_EQ(try_open(node, sealed_for(mine ^ 1U, 2, next_key), key), CoverOutcome::not_ours);
    EXPECT_EQ(try_open(node, sealed_for(mine, 3, next_key), key), CoverOutcome::not_ours);
  }
  // The revoked node lies in no subset of the cover: it opens nothing.
  auto stolen = node_knowing(40, 2, revoked);
  EXPECT_EQ(stolen.subset_for(2), keys::no_subtree);
  for (unsigned level = 0; level <= keys::cover_depth; ++level)
    EXPECT_EQ(try_open(stolen, sealed_for(keys::cover_ancestor(40, level), 2, next_key), key), CoverOutcome::not_ours);
}

TEST(CoverRekey, TheRevokedNodesExtractedKeysSealNothingAnyoneOpens) {
  // Node 40 is revoked, and its 17 path keys are in the attacker's hands. Every key it can
  // seal under names a subset that contains node 40, and no node's subset of the cover
  // does, so whatever it seals is ignored; sealed under another subset's number with a
  // key it does hold, it fails the tag.
  const auto extracted = node_set(40);
  const std::vector<node::NodeId> revoked = {40};
  const std::array<std::uint8_t, 16> attacker_key = {0xEE};
  std::array<std::uint8_t, 16> key{};
  for (const node::NodeId id : std::array<node::NodeId, 6>{2, 41, 39, 42, 100, 5000}) {
    auto node = node_knowing(id, 2, revoked);
    const auto mine = node.subset_for(2);
    for (unsigned level = 0; level <= keys::cover_depth; ++level) {
      const auto subset = keys::cover_ancestor(40, level);
      crypto::AesAead aead;
      ASSERT_EQ(init_cover_key(aead, extracted.cover_key(level)), crypto::Status::ok);
      std::vector<std::uint8_t> forged(cover_key_max_size);
      forged.resize(seal_cover_key(aead, net_id, 2, subset, attacker_key, forged));
      EXPECT_EQ(try_open(node, forged, key), CoverOutcome::not_ours) << id << " level " << level;
      // The same key, claimed for the node's own subset.
      forged.resize(cover_key_max_size);
      forged.resize(seal_cover_key(aead, net_id, 2, mine, attacker_key, forged));
      EXPECT_EQ(try_open(node, forged, key), CoverOutcome::failed_check) << id << " level " << level;
    }
  }
}

TEST(CoverRekey, CommitmentRoundTripsAndBindsKeyEpochAndNetwork) {
  auto c = commitment_to(next_key, 2);
  c.signature.fill(0x5A);
  std::array<std::uint8_t, cover_commitment_flood_size> out{};
  ASSERT_EQ(encode_cover_commitment(c, out), out.size());
  CoverKeyCommitment back;
  ASSERT_TRUE(parse_cover_commitment(out, net_id, back));
  EXPECT_EQ(back, c);
  EXPECT_FALSE(parse_cover_commitment(std::span<const std::uint8_t>(out).first(out.size() - 1), net_id, back));
  auto zero_epoch = out;
  zero_epoch[4] = 0;
  zero_epoch[3] = 0;
  EXPECT_FALSE(parse_cover_commitment(zero_epoch, net_id, back));
  CoverCommitment other{};
  ASSERT_TRUE(commit_cover_key(net_id, 3, next_key, other));
  EXPECT_NE(other, c.commitment);
  ASSERT_TRUE(commit_cover_key(net_id + 1, 2, next_key, other));
  EXPECT_NE(other, c.commitment);
  auto key = next_key;
  key[15] ^= 1U;
  ASSERT_TRUE(commit_cover_key(net_id, 2, key, other));
  EXPECT_NE(other, c.commitment);
}

TEST(CoverRekey, ANodeNotRevokedCannotRaceTheBroadcastInItsOwnSubsets) {
  // Node 46 is not revoked: it lies in subsets of the cover and holds their keys. The key
  // it seals for the subset it shares with node 45 (ids 44–47) opens, but is not the key
  // the back office committed to; nothing opens before the commitment is in.
  const std::vector<node::NodeId> revoked = {40};
  auto node = node_knowing(45, 2, revoked);
  const auto shared = node.subset_for(2);
  const auto insider = node_set(46);
  ASSERT_TRUE(keys::cover_contains(shared, 46));
  crypto::AesAead aead;
  ASSERT_EQ(init_cover_key(aead, insider.cover_key(keys::cover_level(shared))), crypto::Status::ok);
  const std::array<std::uint8_t, 16> insiders_key = {0x43};
  std::vector<std::uint8_t> raced(cover_key_max_size);
  raced.resize(seal_cover_key(aead, net_id, 2, shared, insiders_key, raced));
  std::array<std::uint8_t, 16> key{};
  EXPECT_EQ(try_open(node, raced, key), CoverOutcome::failed_check);
  EXPECT_EQ(key, (std::array<std::uint8_t, 16>{})) << "a key that fails the commitment is wiped";
  EXPECT_EQ(try_open(node, sealed_for(shared, 2, next_key), key), CoverOutcome::opened);
  EXPECT_EQ(key, next_key);

  CoverRekey uncommitted;
  ASSERT_TRUE(uncommitted.init(45, node_set(45)));
  CoverAnnouncement list;
  list.epoch = 2;
  list.count = 1;
  list.revoked[0] = 40;
  ASSERT_TRUE(uncommitted.take(list));
  EXPECT_EQ(try_open(uncommitted, sealed_for(shared, 2, next_key), key), CoverOutcome::not_ours);
  EXPECT_TRUE(uncommitted.take(commitment_to(next_key, 2)));
  EXPECT_FALSE(uncommitted.take(commitment_to(next_key, 2)));
  EXPECT_EQ(try_open(uncommitted, sealed_for(shared, 2, next_key), key), CoverOutcome::opened);
}

TEST(CoverRekey, ASealedKeyCannotMoveToAnotherEpochOrSubset) {
  // Epoch 2 left node 40 out; epoch 3 leaves node 900 out as well. Epoch 2's key is known
  // to node 900: moved to epoch 3 it would pass for the new key.
  auto node = node_knowing(41, 3, {40, 900});
  const auto mine = node.subset_for(3);
  auto moved = sealed_for(mine, 2, next_key);
  moved[4] = 3;  // epoch 2 → 3 (big-endian low byte)
  std::array<std::uint8_t, 16> key{};
  EXPECT_EQ(try_open(node, moved, key), CoverOutcome::failed_check);
  // Another subset's sealed key renamed as this node's.
  auto renamed = sealed_for(mine ^ 1U, 3, next_key);
  for (std::size_t i = 0; i < 4; ++i) renamed[5 + i] = static_cast<std::uint8_t>(mine >> (24 - 8 * i));
  EXPECT_EQ(try_open(node, renamed, key), CoverOutcome::failed_check);
  EXPECT_EQ(try_open(node, sealed_for(mine, 3, next_key), key), CoverOutcome::opened);
}

TEST(CoverRekey, TheListIsWholeOnlyWithEveryPartAndANewerEpochStartsOver) {
  CoverRekey node;
  ASSERT_TRUE(node.init(41, node_set(41)));
  CoverAnnouncement first;
  first.epoch = 4;
  first.parts = 2;
  first.count = 4;
  first.revoked = {40, 90, 91, 92};
  CoverAnnouncement second = first;
  second.part = 1;
  second.count = 1;
  second.revoked = {42, 0, 0, 0};
  EXPECT_TRUE(node.take(first));
  EXPECT_EQ(node.subset_for(4), keys::no_subtree);
  EXPECT_TRUE(node.holds(first));
  EXPECT_FALSE(node.holds(second));
  EXPECT_FALSE(node.take(first));  // held already
  EXPECT_TRUE(node.take(second));
  const auto mine = node.subset_for(4);
  EXPECT_EQ(mine, keys::covering_subtree(41, std::array<node::NodeId, 5>{40, 90, 91, 92, 42}));
  EXPECT_EQ(mine, keys::cover_ancestor(41, keys::cover_depth));  // its siblings' neighbours are out
  // An older epoch's part changes nothing; a newer one starts over.
  CoverAnnouncement older = first;
  older.epoch = 3;
  EXPECT_FALSE(node.take(older));
  EXPECT_EQ(node.subset_for(4), mine);
  CoverAnnouncement newer;
  newer.epoch = 5;
  newer.count = 0;
  EXPECT_TRUE(node.take(newer));
  EXPECT_EQ(node.subset_for(4), keys::no_subtree);
  EXPECT_EQ(node.subset_for(5), keys::SubtreeIndex{1});  // nobody revoked: the whole network
}

}  // namespace
