// L8 combinations end to end: node -> (relay) -> gateway -> (E4) -> back-end, and the
// attacks on them: a gateway altering or reading an E3 payload, and downgrades.
#include <gtest/gtest.h>

#include <algorithm>
#include <array>
#include <vector>

#include "e2e/envelope.hpp"
#include "e2e/memory_sequence_store.hpp"
#include "e2e/overhead_report.hpp"
#include "e2e_test_keys.hpp"

namespace meshsec::e2e {
namespace {

using Bytes = std::vector<std::uint8_t>;
constexpr std::uint32_t kNode = 501;
const Bytes kReading = {'h', 'u', 'm', '=', '4', '4', '%'};

constexpr LevelSet kE1E2E4 = LevelSet{0x01 | 0x02 | 0x08};
constexpr LevelSet kE1E3E4 = LevelSet{0x01 | 0x04 | 0x08};
constexpr LevelSet kAll = LevelSet{0x0f};

struct Deployment {
  std::array<std::uint8_t, 32> e2_key = test::random_key(), e3_key = test::random_key();
  MemorySequenceStore s2, s3;
  E2eSender node_e2, node_e3;
  E2eReceiver gw_e2, cloud_e3;
  EnvelopeSealer node;
  EnvelopeGateway gateway;
  EnvelopeBackend cloud;
  explicit Deployment(LevelSet node_levels, LevelSet gateway_levels, LevelSet cloud_levels) {
    const E2eSessionParams p2{E2eLevel::e2, E2eDirection::uplink, kNode};
    const E2eSessionParams p3{E2eLevel::e3, E2eDirection::uplink, kNode};
    EXPECT_EQ(node_e2.start(p2, e2_key, 1, s2), E2eError::ok);
    EXPECT_EQ(node_e3.start(p3, e3_key, 1, s3), E2eError::ok);
    EXPECT_EQ(gw_e2.start(p2, e2_key, 1), E2eError::ok);
    EXPECT_EQ(cloud_e3.start(p3, e3_key, 1), E2eError::ok);
    EXPECT_EQ(node.configure(node_levels, node_levels.has(SecurityLevel::e2) ? &node_e2 : nullptr,
                             node_levels.has(SecurityLevel::e3) ? &node_e3 : nullptr),
              E2eError::ok);
    EXPECT_EQ(gateway.configure(gateway_levels, &gw_e2), E2eError::ok);
    EXPECT_EQ(cloud.configure(cloud_levels, &cloud_e3), E2eError::ok);
  }
  Bytes uplink() {
    Bytes body(E2eLayout::max_message * 2);
    std::size_t n = 0;
    EXPECT_EQ(node.seal(kReading, body, n), E2eError::ok);
    body.resize(n);
    return body;
  }
  E2eError at_gateway(const Bytes& body, Bytes& forwarded) {
    forwarded.assign(E2eLayout::max_message, 0);
    std::size_t n = 0;
    const E2eError e = gateway.open(body, forwarded, n);
    forwarded.resize(n);
    return e;
  }
  E2eError at_cloud(const Bytes& forwarded, Bytes& payload) {
    payload.assign(E2eLayout::max_message, 0);
    std::size_t n = 0;
    const E2eError e = cloud.open(forwarded, payload, n);
    payload.resize(n);
    return e;
  }
};

class Combinations : public ::testing::TestWithParam<LevelSet> {};

TEST_P(Combinations, EndToEnd) {
  Deployment d(GetParam(), GetParam(), GetParam());
  const Bytes body = d.uplink();
  std::size_t expected = kReading.size();
  if (GetParam().has(SecurityLevel::e2)) expected += E2eLayout::overhead;
  if (GetParam().has(SecurityLevel::e3)) expected += E2eLayout::overhead;
  EXPECT_EQ(body.size(), expected);
  Bytes forwarded, payload;
  ASSERT_EQ(d.at_gateway(body, forwarded), E2eError::ok);
  if (GetParam().has(SecurityLevel::e3)) {
    // The gateway forwards what it cannot read.
    EXPECT_EQ(std::search(forwarded.begin(), forwarded.end(), kReading.begin(), kReading.end()), forwarded.end());
  } else {
    EXPECT_EQ(forwarded, kReading);  // E2 terminates at the gateway
  }
  ASSERT_EQ(d.at_cloud(forwarded, payload), E2eError::ok);
  EXPECT_EQ(payload, kReading);
}

INSTANTIATE_TEST_SUITE_P(L8, Combinations, ::testing::Values(kE1E2E4, kE1E3E4, kAll));

TEST(EnvelopeAttacks, GatewayAlteringAnE3PayloadIsDetected) {
  Deployment d(kAll, kAll, kAll);
  Bytes forwarded, payload;
  ASSERT_EQ(d.at_gateway(d.uplink(), forwarded), E2eError::ok);
  for (std::size_t i = 0; i < forwarded.size(); ++i) {
    Bytes altered = forwarded;
    altered[i] ^= 0x04;
    EXPECT_NE(d.at_cloud(altered, payload), E2eError::ok) << "byte " << i;
  }
  ASSERT_EQ(d.at_cloud(forwarded, payload), E2eError::ok);
  EXPECT_EQ(payload, kReading);
}

TEST(EnvelopeAttacks, GatewayCannotReadE3WithItsE2Key) {
  Deployment d(kAll, kAll, kAll);
  Bytes forwarded;
  ASSERT_EQ(d.at_gateway(d.uplink(), forwarded), E2eError::ok);
  E2eReceiver nosy;  // the gateway trying its own (E2) key on the E3 layer
  ASSERT_EQ(nosy.start({E2eLevel::e3, E2eDirection::uplink, kNode}, d.e2_key, 1), E2eError::ok);
  Bytes out(64);
  std::size_t n = 0;
  EXPECT_EQ(nosy.open(forwarded, out, n), E2eError::auth_failed);
}

TEST(EnvelopeAttacks, DowngradeToFewerLevelsIsRefused) {
  // Node (misconfigured or an insider with the E2 key) sends E2 only; gateway and cloud
  // expect E2+E3.
  {
    Deployment d(kE1E2E4, kAll, kAll);
    Bytes forwarded;
    EXPECT_EQ(d.at_gateway(d.uplink(), forwarded), E2eError::downgrade);
  }
  // E3 only (E2 stripped or never applied) at a gateway configured for E2.
  {
    Deployment d(kE1E3E4, kAll, kAll);
    Bytes forwarded;
    EXPECT_EQ(d.at_gateway(d.uplink(), forwarded), E2eError::downgrade);
  }
  // Plain payload at a gateway configured for E2 (authentication fails) and for E3 only.
  {
    Deployment d(kE1E3E4, kE1E3E4, kE1E3E4);
    Bytes forwarded;
    EXPECT_EQ(d.at_gateway(kReading, forwarded), E2eError::downgrade);
    Deployment d2(kAll, kAll, kAll);
    EXPECT_NE(d2.at_gateway(kReading, forwarded), E2eError::ok);
  }
  // A gateway passing on plaintext as if it came from the node: the cloud wants E3.
  {
    Deployment d(kAll, kAll, kAll);
    Bytes payload;
    EXPECT_EQ(d.at_cloud(kReading, payload), E2eError::downgrade);
    // ...or an E2 message (the gateway re-wrapping with the E2 key it holds).
    Deployment e2only(kE1E2E4, kE1E2E4, kE1E2E4);
    EXPECT_EQ(d.at_cloud(e2only.uplink(), payload), E2eError::downgrade);
  }
}

TEST(EnvelopeConfig, ConfiguredLevelWithoutSenderIsRefused) {
  EnvelopeSealer s;
  E2eSender e3;
  EXPECT_EQ(s.configure(kAll, nullptr, &e3), E2eError::not_ready);
  EnvelopeGateway g;
  EXPECT_EQ(g.configure(kAll, nullptr), E2eError::not_ready);
}

// An E1 stand-in with a fixed frame cost, to check the arithmetic of measure_overhead.
class FixedLink final : public LinkFrameSizer {
 public:
  bool radio_length(std::size_t body, std::size_t& out) const noexcept override {
    out = body + 21;
    return body + 21 <= 118;
  }
  std::size_t budget_32() const noexcept override { return 32; }
  std::size_t budget_127() const noexcept override { return 118; }
};

TEST(Overhead, MeasuredFromTheEncoders) {
  FixedLink link;
  OverheadRow row;
  ASSERT_EQ(measure_overhead(kE1E2E4, false, &link, row), E2eError::ok);
  EXPECT_EQ(row.e1_bytes, 21u);
  EXPECT_EQ(row.e2_bytes, E2eLayout::overhead);
  EXPECT_EQ(row.e3_bytes, 0u);
  EXPECT_EQ(row.overhead_bytes, 21u + E2eLayout::overhead);
  EXPECT_EQ(row.payload_left_32, 32 - 38);
  EXPECT_EQ(row.payload_left_127, 118 - 38);
  ASSERT_EQ(measure_overhead(kAll, true, &link, row), E2eError::ok);
  EXPECT_EQ(row.e3_bytes, E2eLayout::signed_overhead);
  EXPECT_EQ(row.e2_bytes, E2eLayout::signed_overhead);
  EXPECT_EQ(measure_overhead(kAll, false, nullptr, row), E2eError::not_ready);
}

}  // namespace
}  // namespace meshsec::e2e
