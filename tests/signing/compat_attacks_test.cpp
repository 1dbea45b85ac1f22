// Attacks on the MySensors-compatible mode, each refused: replay, expired nonce, nonce
// burn by a third node, forged signature, revoked node, downgrade to unsigned.
#include <gtest/gtest.h>

#include "signing/frame_signature.hpp"
#include "signing/soft_atsha204_backend.hpp"
#include "signing_harness.hpp"

namespace meshsec::signing {
namespace {
using testing::deliver;
using testing::exchange;
using testing::set_message;

class CompatNetwork : public ::testing::Test {
 protected:
  void SetUp() override {
    const auto psk = testing::test_psk();
    ASSERT_EQ(backend.init(psk), SigningError::ok);
    gateway.set_peer_flags(1, mys::presentation_requires_signatures);
    node1.set_peer_flags(0, mys::presentation_requires_signatures);
    node9.set_peer_flags(0, mys::presentation_requires_signatures);
  }
  static SigningConfig config(std::uint8_t id) {
    SigningConfig c;
    c.node_id = id;
    return c;
  }
  SoftAtsha204Backend backend;
  SigningNode gateway{config(0), backend};
  SigningNode node1{config(1), backend};
  SigningNode node9{config(9), backend};
};

TEST_F(CompatNetwork, SignedFrameIsAcceptedOnce) {
  mys::Frame air;
  ASSERT_EQ(exchange(node1, gateway, set_message(1, 0, {1}), 100, air), SigningError::ok);
  EXPECT_EQ(air.size, mys::max_message_size);
  EXPECT_TRUE(air.is_signed());
  EXPECT_EQ(deliver(gateway, air, 110), SigningError::ok);
  // Replay of the same signed frame: its nonce is spent.
  EXPECT_EQ(deliver(gateway, air, 120), SigningError::no_nonce);
  EXPECT_EQ(gateway.drops(SigningError::no_nonce), 1U);
}

TEST_F(CompatNetwork, ExpiredNonceIsRefused) {
  mys::Frame air;
  ASSERT_EQ(exchange(node1, gateway, set_message(1, 0, {1}), 100, air), SigningError::ok);
  EXPECT_EQ(deliver(gateway, air, 100 + 5000 + 1), SigningError::nonce_expired);
  // And a frame signed under a nonce that was never issued again stays refused.
  EXPECT_EQ(deliver(gateway, air, 100 + 5002), SigningError::nonce_expired);
}

TEST_F(CompatNetwork, SenderGivesUpAfterTimeout) {
  bool awaiting = false;
  mys::Frame request;
  ASSERT_EQ(node1.begin_send(set_message(1, 0, {1}), 0, request, awaiting), SigningError::ok);
  mys::Frame response;
  ASSERT_EQ(gateway.on_nonce_request(request, 0, response), SigningError::ok);
  mys::Frame signed_frame;
  EXPECT_EQ(node1.on_nonce_response(response, 5001, signed_frame), SigningError::nonce_expired);
}

TEST_F(CompatNetwork, ThirdNodeCannotBurnAnotherSendersNonce) {
  bool awaiting = false;
  mys::Frame request;
  ASSERT_EQ(node1.begin_send(set_message(1, 0, {7}), 0, request, awaiting), SigningError::ok);
  mys::Frame response;
  ASSERT_EQ(gateway.on_nonce_request(request, 0, response), SigningError::ok);
  // Node 9 floods nonce requests and throws garbage signed frames at the gateway.
  std::size_t refused = 0;
  for (int i = 0; i < 40; ++i) {
    mys::Frame r9;
    if (gateway.on_nonce_request(mys::make_nonce_request(9, 0, 3), 1, r9) == SigningError::rate_limited) ++refused;
    mys::Frame junk = set_message(9, 0, {1});
    junk.set_signed(true);
    junk.bytes[8] = static_cast<std::uint8_t>(Scheme::mysensors);
    junk.size = mys::max_message_size;
    EXPECT_NE(deliver(gateway, junk, 2), SigningError::ok);
  }
  EXPECT_GE(refused, 30U);  // the per-sender budget stops the flood
  // A forged frame claiming node 1 does not spend node 1's nonce either.
  mys::Frame forged = set_message(1, 0, {7});
  forged.set_signed(true);
  forged.bytes[8] = static_cast<std::uint8_t>(Scheme::mysensors);
  forged.size = mys::max_message_size;
  EXPECT_EQ(deliver(gateway, forged, 3), SigningError::bad_signature);
  mys::Frame signed_frame;
  ASSERT_EQ(node1.on_nonce_response(response, 4, signed_frame), SigningError::ok);
  EXPECT_EQ(deliver(gateway, signed_frame, 5), SigningError::ok);
}

TEST_F(CompatNetwork, ForgedSignatureIsRefused) {
  mys::Frame air;
  ASSERT_EQ(exchange(node1, gateway, set_message(1, 0, {1, 2, 3}), 100, air), SigningError::ok);
  mys::Frame forged = air;
  forged.bytes[31] ^= 0x80;  // last signature byte
  EXPECT_EQ(deliver(gateway, forged, 101), SigningError::bad_signature);
  forged = air;
  forged.bytes[7 + 3] = 0x02;  // identifier of another scheme
  EXPECT_EQ(deliver(gateway, forged, 101), SigningError::bad_identifier);
  // A different PSK signs nothing the gateway accepts.
  SoftAtsha204Backend other;
  std::array<std::uint8_t, 32> wrong{};
  wrong.fill(0x42);
  ASSERT_EQ(other.init(wrong), SigningError::ok);
  SigningConfig c;
  c.node_id = 1;
  SigningNode impostor(c, other);
  impostor.set_peer_flags(0, mys::presentation_requires_signatures);
  ASSERT_EQ(exchange(impostor, gateway, set_message(1, 0, {1}), 200, air), SigningError::ok);
  EXPECT_EQ(deliver(gateway, air, 201), SigningError::bad_signature);
}

TEST_F(CompatNetwork, DowngradeToUnsignedIsRefused) {
  EXPECT_EQ(deliver(gateway, set_message(1, 0, {1}), 10), SigningError::not_signed);
  // A forged presentation cannot withdraw a stored requirement (no WEAK_SECURITY).
  mys::Frame reply;
  bool send = false;
  ASSERT_EQ(node1.on_presentation(mys::make_signing_presentation(0, 1, 0), reply, send), SigningError::ok);
  EXPECT_TRUE(node1.peer_requires_signatures(0));
  bool awaiting = false;
  mys::Frame out;
  ASSERT_EQ(node1.begin_send(set_message(1, 0, {1}), 20, out, awaiting), SigningError::ok);
  EXPECT_TRUE(awaiting);
}

TEST_F(CompatNetwork, RevokedNodeIsRefusedAtOnce) {
  mys::Frame air;
  ASSERT_EQ(exchange(node1, gateway, set_message(1, 0, {1}), 100, air), SigningError::ok);
  ASSERT_EQ(gateway.apply_admin({AdminOperation::revoke, 1, {}}), SigningError::ok);
  EXPECT_EQ(deliver(gateway, air, 101), SigningError::revoked);
}

TEST_F(CompatNetwork, EchoesAndSkippedTypesPassUnsignedAsInMySensors) {
  mys::Frame delivered;
  Delivery how{};
  EXPECT_EQ(gateway.receive(set_message(1, 0, {1}, 3, /*is_echo=*/true), 1, delivered, how), SigningError::ok);
  EXPECT_EQ(how, Delivery::unauthenticated);
  EXPECT_EQ(gateway.receive(mys::make_nonce_request(1, 0, 3), 1, delivered, how), SigningError::ok);
  // Frames for someone else are relayed untouched, broadcasts are never verified.
  EXPECT_EQ(gateway.receive(set_message(1, 5, {1}), 1, delivered, how), SigningError::not_addressed);
  EXPECT_EQ(gateway.receive(set_message(1, 255, {1}), 1, delivered, how), SigningError::ok);
  EXPECT_EQ(how, Delivery::unauthenticated);
}

TEST_F(CompatNetwork, WhitelistSaltBindsTheSerial) {
  SigningConfig gw;
  gw.node_id = 0;
  gw.whitelisting = true;
  SigningNode wl_gateway(gw, backend);
  wl_gateway.set_peer_flags(1, mys::presentation_requires_signatures);
  const Serial serial{1, 2, 3, 4, 5, 6, 7, 8, 9};
  SigningConfig n;
  n.node_id = 1;
  n.whitelisting = true;
  n.own_serial = serial;
  SigningNode signer(n, backend);
  signer.set_peer_flags(0, mys::presentation_requires_signatures | mys::presentation_requires_whitelisting);
  mys::Frame air;
  ASSERT_EQ(exchange(signer, wl_gateway, set_message(1, 0, {1}), 10, air), SigningError::ok);
  EXPECT_EQ(deliver(wl_gateway, air, 11), SigningError::not_whitelisted);
  ASSERT_EQ(wl_gateway.apply_admin({AdminOperation::add, 1, serial}), SigningError::ok);
  ASSERT_EQ(exchange(signer, wl_gateway, set_message(1, 0, {1}), 20, air), SigningError::ok);
  EXPECT_EQ(deliver(wl_gateway, air, 21), SigningError::ok);
  // A node with the PSK but another serial (a stolen node posing as node 1) is refused.
  SigningConfig thief = n;
  thief.own_serial = Serial{9, 9, 9, 9, 9, 9, 9, 9, 9};
  SigningNode stolen(thief, backend);
  stolen.set_peer_flags(0, mys::presentation_requires_signatures | mys::presentation_requires_whitelisting);
  ASSERT_EQ(exchange(stolen, wl_gateway, set_message(1, 0, {1}), 30, air), SigningError::ok);
  EXPECT_EQ(deliver(wl_gateway, air, 31), SigningError::bad_signature);
}

TEST_F(CompatNetwork, ShortMacsNeedAnExplicitOptIn) {
  bool awaiting = false;
  mys::Frame out;
  // 24 bytes leave no room at all (MySensors: "!SGN:BND:SIG,SIZE,24>23").
  EXPECT_EQ(node1.begin_send(set_message(1, 0, std::vector<std::uint8_t>(24, 1)), 0, out, awaiting),
            SigningError::payload_too_long);
  // 17..23 bytes would give 56..8 MAC bits: refused by default, on both ends.
  EXPECT_EQ(node1.begin_send(set_message(1, 0, std::vector<std::uint8_t>(17, 1)), 0, out, awaiting),
            SigningError::short_mac);
  mys::Frame air;
  ASSERT_EQ(exchange(node1, gateway, set_message(1, 0, std::vector<std::uint8_t>(16, 1)), 0, air), SigningError::ok);
  EXPECT_EQ(deliver(gateway, air, 1), SigningError::ok);
  SigningConfig lax;
  lax.node_id = 1;
  lax.accept_short_mysensors_macs = true;
  SigningNode legacy_range(lax, backend);
  legacy_range.set_peer_flags(0, mys::presentation_requires_signatures);
  ASSERT_EQ(exchange(legacy_range, gateway, set_message(1, 0, std::vector<std::uint8_t>(23, 1)), 10, air),
            SigningError::ok);
  EXPECT_EQ(air.trailer().size(), 2U);  // identifier + 8 MAC bits
  EXPECT_EQ(deliver(gateway, air, 11), SigningError::short_mac);
}

}  // namespace
}  // namespace meshsec::signing
