// Records sealed under a node's own E2 key: round trip, and every tampering rejected.
#include <gtest/gtest.h>

#include <array>
#include <vector>

#include "node/drop_reason.hpp"
#include "node/node_record.hpp"

namespace {

using meshsec::node::RecordDirection;
using meshsec::node::RecordKind;
using meshsec::node::RecordSealer;

std::array<std::uint8_t, 16> key_of(std::uint8_t fill) {
  std::array<std::uint8_t, 16> k{};
  k.fill(fill);
  return k;
}

TEST(NodeRecord, RoundTrip) {
  RecordSealer a;
  ASSERT_TRUE(a.init(key_of(7)));
  const std::array<std::uint8_t, 8> plain{1, 2, 3, 4, 5, 6, 7, 8};
  std::array<std::uint8_t, 64> record{};
  const std::size_t n = a.seal(RecordKind::commission, RecordDirection::downlink, 42, 9, plain, record);
  ASSERT_EQ(n, meshsec::node::record_overhead + plain.size());
  EXPECT_EQ(meshsec::node::record_node(std::span<const std::uint8_t>(record).first(n)), 42);
  std::array<std::uint8_t, 8> out{};
  std::uint32_t counter = 0;
  ASSERT_TRUE(a.open(RecordKind::commission, RecordDirection::downlink, 42, std::span<const std::uint8_t>(record).first(n),
                     counter, out));
  EXPECT_EQ(counter, 9U);
  EXPECT_EQ(out, plain);
}

TEST(NodeRecord, EveryTamperingFails) {
  RecordSealer a;
  ASSERT_TRUE(a.init(key_of(7)));
  const std::array<std::uint8_t, 8> plain{1, 2, 3, 4, 5, 6, 7, 8};
  std::array<std::uint8_t, 22> record{};
  ASSERT_EQ(a.seal(RecordKind::reading, RecordDirection::uplink, 42, 9, plain, record), record.size());
  std::array<std::uint8_t, 8> out{};
  std::uint32_t counter = 0;
  // Any flipped bit (node id, counter, ciphertext, tag).
  for (std::size_t i = 0; i < record.size(); ++i) {
    auto bad = record;
    bad[i] ^= 0x01;
    EXPECT_FALSE(a.open(RecordKind::reading, RecordDirection::uplink, 42, bad, counter, out)) << i;
  }
  // Another kind, direction or node.
  EXPECT_FALSE(a.open(RecordKind::commission, RecordDirection::uplink, 42, record, counter, out));
  EXPECT_FALSE(a.open(RecordKind::reading, RecordDirection::downlink, 42, record, counter, out));
  EXPECT_FALSE(a.open(RecordKind::reading, RecordDirection::uplink, 43, record, counter, out));
  // Another node's key (a stolen node forging for node 42).
  RecordSealer b;
  ASSERT_TRUE(b.init(key_of(8)));
  EXPECT_FALSE(b.open(RecordKind::reading, RecordDirection::uplink, 42, record, counter, out));
  // Wrong lengths.
  EXPECT_FALSE(a.open(RecordKind::reading, RecordDirection::uplink, 42, std::span<const std::uint8_t>(record).first(10),
                      counter, out));
}

TEST(NodeRecord, FailedOpenWipesOutput) {
  RecordSealer a;
  ASSERT_TRUE(a.init(key_of(7)));
  const std::array<std::uint8_t, 8> plain{9, 9, 9, 9, 9, 9, 9, 9};
  std::array<std::uint8_t, 22> record{};
  ASSERT_EQ(a.seal(RecordKind::reading, RecordDirection::uplink, 5, 1, plain, record), record.size());
  record[10] ^= 0x80;
  std::array<std::uint8_t, 8> out{};
  out.fill(0xEE);
  std::uint32_t counter = 0;
  EXPECT_FALSE(a.open(RecordKind::reading, RecordDirection::uplink, 5, record, counter, out));
  for (auto b : out) EXPECT_EQ(b, 0);
}

TEST(DropReasons, NamesAreDistinctAndSecurityDropsMarked) {
  using meshsec::node::DropReason;
  std::vector<std::string_view> names;
  for (std::size_t i = 0; i < meshsec::node::drop_reason_count; ++i) {
    const auto r = static_cast<DropReason>(i);
    const auto name = meshsec::node::to_string(r);
    EXPECT_NE(name, "unknown");
    for (auto n : names) EXPECT_NE(n, name);
    names.push_back(name);
  }
  EXPECT_TRUE(meshsec::node::is_security_drop(DropReason::bad_chunk));
  EXPECT_FALSE(meshsec::node::is_security_drop(DropReason::duplicate));
}

}  // namespace
