// E5: a fresh E2/E3 key delivered through a Noise (X25519) exchange; afterwards the old
// key is retired and a message captured under it is refused.
#include <gtest/gtest.h>

#include <array>
#include <vector>

#include "e2e/e2e_receiver.hpp"
#include "e2e/e2e_sender.hpp"
#include "e2e/key_renewal.hpp"
#include "e2e/memory_sequence_store.hpp"
#include "e2e_test_keys.hpp"

namespace meshsec::e2e {
namespace {

using Bytes = std::vector<std::uint8_t>;
constexpr std::uint32_t kNode = 77;

struct World {
  test::DhKey node_static, backend_static;
  std::array<std::uint8_t, 32> key = test::random_key();
  MemorySequenceStore store;
  E2eSender node_sender;   // node, E3 uplink
  E2eReceiver backend;     // back-end, E3 uplink
  std::uint32_t last_counter = 0;
  World() {
    const E2eSessionParams p{E2eLevel::e3, E2eDirection::uplink, kNode};
    EXPECT_EQ(node_sender.start(p, key, 1, store), E2eError::ok);
    EXPECT_EQ(backend.start(p, key, 1), E2eError::ok);
  }
  RenewalNodeKeys node_keys() const { return {node_static.priv, backend_static.pub}; }
  RenewalNodeRecord record() const { return {node_static.pub, last_counter, backend.key_version()}; }
  Bytes seal(const Bytes& payload) {
    Bytes out(E2eLayout::max_message);
    std::size_t n = 0;
    EXPECT_EQ(node_sender.seal(payload, out, n), E2eError::ok);
    out.resize(n);
    return out;
  }
  E2eError open(const Bytes& m) {
    Bytes out(E2eLayout::max_payload);
    std::size_t n = 0;
    return backend.open(m, out, n);
  }
};

class Renewal : public ::testing::TestWithParam<RenewalPattern> {};

TEST_P(Renewal, NewKeyDeliveredAndOldKeyRetired) {
  World w;
  const Bytes captured = w.seal({1, 2, 3});  // recorded by an attacker, never delivered

  RenewalInitiator node;
  Bytes request(RenewalLayout::max_frame), grant(RenewalLayout::max_frame);
  std::size_t n = 0, g = 0;
  ASSERT_EQ(node.request(GetParam(), w.node_keys(), kNode, E2eLevel::e3, 1, 1, request, n), E2eError::ok);
  EXPECT_EQ(n, GetParam() == RenewalPattern::kk ? 62u : 110u);
  std::uint32_t peek_node = 0;
  E2eLevel peek_level{};
  ASSERT_EQ(peek_renewal_request(std::span(request).first(n), peek_node, peek_level), E2eError::ok);
  EXPECT_EQ(peek_node, kNode);

  crypto::SecretArray<32> backend_key, node_key;
  std::uint32_t backend_version = 0, node_version = 0, granted = 0;
  ASSERT_EQ(answer_renewal(GetParam(), w.backend_static.priv, w.record(), std::span(request).first(n), grant, g,
                           backend_key, backend_version, granted),
            E2eError::ok);
  EXPECT_EQ(g, 94u);
  w.last_counter = granted;
  ASSERT_EQ(w.backend.stage_key(backend_key.span(), backend_version), E2eError::ok);
  ASSERT_EQ(node.accept(std::span(grant).first(g), node_key, node_version), E2eError::ok);
  EXPECT_EQ(node_version, 2u);
  EXPECT_TRUE(crypto::equal_constant_time(node_key.span(), backend_key.span()));
  EXPECT_FALSE(crypto::equal_constant_time(node_key.span(), w.key));

  // The node switches; its first message under the new key retires the old one.
  ASSERT_EQ(w.node_sender.install_key(node_key.span(), node_version), E2eError::ok);
  ASSERT_EQ(w.open(w.seal({4, 5, 6})), E2eError::ok);
  EXPECT_EQ(w.backend.key_version(), 2u);
  EXPECT_FALSE(w.backend.has_staged_key());
  // The message captured under the old key is refused afterwards, though its sequence
  // number was never seen.
  EXPECT_EQ(w.open(captured), E2eError::unknown_key_version);
}

TEST_P(Renewal, ReplayedRequestIsRefused) {
  World w;
  RenewalInitiator node;
  Bytes request(RenewalLayout::max_frame), grant(RenewalLayout::max_frame);
  std::size_t n = 0, g = 0;
  ASSERT_EQ(node.request(GetParam(), w.node_keys(), kNode, E2eLevel::e3, 5, 1, request, n), E2eError::ok);
  crypto::SecretArray<32> key;
  std::uint32_t version = 0, granted = 0;
  ASSERT_EQ(answer_renewal(GetParam(), w.backend_static.priv, w.record(), std::span(request).first(n), grant, g, key,
                           version, granted),
            E2eError::ok);
  w.last_counter = granted;
  EXPECT_EQ(answer_renewal(GetParam(), w.backend_static.priv, w.record(), std::span(request).first(n), grant, g, key,
                           version, granted),
            E2eError::renewal_rejected);
}

TEST_P(Renewal, WrongBackendStaticKeyIsRefused) {
  World w;
  test::DhKey impostor;
  RenewalInitiator node;
  Bytes request(RenewalLayout::max_frame), grant(RenewalLayout::max_frame);
  std::size_t n = 0, g = 0;
  // The node's embedded key is not the back-end's: the back-end cannot read the request.
  ASSERT_EQ(node.request(GetParam(), {w.node_static.priv, impostor.pub}, kNode, E2eLevel::e3, 1, 1, request, n),
            E2eError::ok);
  crypto::SecretArray<32> key;
  std::uint32_t version = 0, granted = 0;
  EXPECT_EQ(answer_renewal(GetParam(), w.backend_static.priv, w.record(), std::span(request).first(n), grant, g, key,
                           version, granted),
            E2eError::renewal_rejected);
  // And an impostor back-end answering a genuine request cannot produce a grant the node takes.
  ASSERT_EQ(node.request(GetParam(), w.node_keys(), kNode, E2eLevel::e3, 2, 1, request, n), E2eError::ok);
  EXPECT_EQ(answer_renewal(GetParam(), impostor.priv, w.record(), std::span(request).first(n), grant, g, key, version,
                           granted),
            E2eError::renewal_rejected);
}

TEST_P(Renewal, UnregisteredNodeStaticIsRefused) {
  World w;
  test::DhKey stranger;
  RenewalInitiator node;
  Bytes request(RenewalLayout::max_frame), grant(RenewalLayout::max_frame);
  std::size_t n = 0, g = 0;
  ASSERT_EQ(node.request(GetParam(), {stranger.priv, w.backend_static.pub}, kNode, E2eLevel::e3, 1, 1, request, n),
            E2eError::ok);
  crypto::SecretArray<32> key;
  std::uint32_t version = 0, granted = 0;
  EXPECT_EQ(answer_renewal(GetParam(), w.backend_static.priv, w.record(), std::span(request).first(n), grant, g, key,
                           version, granted),
            E2eError::renewal_rejected);
}

TEST_P(Renewal, TamperedGrantOrClearHeaderIsRefused) {
  World w;
  for (std::size_t flip : {std::size_t{2}, std::size_t{40}, std::size_t{93}}) {
    RenewalInitiator node;
    Bytes request(RenewalLayout::max_frame), grant(RenewalLayout::max_frame);
    std::size_t n = 0, g = 0;
    ASSERT_EQ(node.request(GetParam(), w.node_keys(), kNode, E2eLevel::e3, ++w.last_counter, 1, request, n),
              E2eError::ok);
    crypto::SecretArray<32> key, node_key;
    std::uint32_t version = 0, granted = 0, node_version = 0;
    RenewalNodeRecord rec = w.record();
    rec.last_request_counter = w.last_counter - 1;
    ASSERT_EQ(answer_renewal(GetParam(), w.backend_static.priv, rec, std::span(request).first(n), grant, g, key,
                             version, granted),
              E2eError::ok);
    grant[flip] ^= 0x01;
    EXPECT_NE(node.accept(std::span(grant).first(g), node_key, node_version), E2eError::ok) << flip;
  }
}

INSTANTIATE_TEST_SUITE_P(Patterns, Renewal, ::testing::Values(RenewalPattern::kk, RenewalPattern::ik));

}  // namespace
}  // namespace meshsec::e2e
