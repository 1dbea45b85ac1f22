// Noise handshakes meshsec uses for W10 (node knows the back-end's static key: NK, IK, XK)
// run end to end with fresh keys, plus the attacks: wrong static key, tampering, replayed
// transport messages, out-of-turn messages; and rekey.
#include <gtest/gtest.h>

#include <array>
#include <string>
#include <vector>

#include "crypto/random.hpp"
#include "crypto/x25519.hpp"
#include "e2e/noise_handshake_state.hpp"
#include "e2e/noise_pattern.hpp"

namespace meshsec::e2e {
namespace {

struct KeyPair {
  std::array<std::uint8_t, 32> priv{}, pub{};
  KeyPair() { EXPECT_EQ(crypto::x25519_generate(priv, pub), crypto::Status::ok); }
};

using Bytes = std::vector<std::uint8_t>;

struct Pair {
  NoiseHandshakeState initiator, responder;
  NoiseCipherState i_send, i_recv, r_send, r_recv;
};

// Runs a full handshake; returns the first error (ok when both sides finished and split).
NoiseError handshake(Pair& p, const std::string& name, const KeyPair& node, const KeyPair& backend,
                     std::span<const std::uint8_t> node_view_of_backend) {
  NoiseHandshakeConfig ic;
  ic.protocol_name = name;
  ic.role = NoiseRole::initiator;
  ic.local_static_private = node.priv;
  ic.remote_static_public = node_view_of_backend;
  NoiseHandshakeConfig rc;
  rc.protocol_name = name;
  rc.role = NoiseRole::responder;
  rc.local_static_private = backend.priv;
  if (name.find("_KK_") != std::string::npos) rc.remote_static_public = node.pub;
  if (NoiseError e = p.initiator.initialize(ic); e != NoiseError::ok) return e;
  if (NoiseError e = p.responder.initialize(rc); e != NoiseError::ok) return e;
  Bytes buf(1024), out(1024);
  for (int turn = 0; !p.initiator.finished(); ++turn) {
    NoiseHandshakeState& w = turn % 2 == 0 ? p.initiator : p.responder;
    NoiseHandshakeState& r = turn % 2 == 0 ? p.responder : p.initiator;
    const std::string payload = "turn " + std::to_string(turn);
    std::size_t n = 0, m = 0;
    if (NoiseError e = w.write_message({reinterpret_cast<const std::uint8_t*>(payload.data()), payload.size()}, buf, n);
        e != NoiseError::ok)
      return e;
    if (NoiseError e = r.read_message(std::span(buf).first(n), out, m); e != NoiseError::ok) return e;
    EXPECT_EQ(std::string(out.begin(), out.begin() + static_cast<long>(m)), payload);
  }
  EXPECT_TRUE(p.responder.finished());
  EXPECT_EQ(p.initiator.split(p.i_send, p.i_recv), NoiseError::ok);
  EXPECT_EQ(p.responder.split(p.r_send, p.r_recv), NoiseError::ok);
  return NoiseError::ok;
}

class W10Patterns : public ::testing::TestWithParam<const char*> {};

TEST_P(W10Patterns, HandshakeTransportAndRekey) {
  KeyPair node, backend;
  Pair p;
  ASSERT_EQ(handshake(p, GetParam(), node, backend, backend.pub), NoiseError::ok);
  EXPECT_TRUE(std::equal(p.initiator.handshake_hash().begin(), p.initiator.handshake_hash().end(),
                         p.responder.handshake_hash().begin()));
  // The back-end learns (IK, XK) or already knew the node's static key.
  if (std::string(GetParam()).find("_NK_") == std::string::npos) {
    ASSERT_TRUE(p.responder.has_remote_static());
    EXPECT_TRUE(std::equal(node.pub.begin(), node.pub.end(), p.responder.remote_static().begin()));
  }
  Bytes ct(64), pt(64);
  const Bytes msg = {1, 2, 3, 4, 5};
  for (int round = 0; round < 3; ++round) {
    std::size_t n = 0, m = 0;
    ASSERT_EQ(p.i_send.encrypt_with_ad({}, msg, ct, n), NoiseError::ok);
    ASSERT_EQ(p.r_recv.decrypt_with_ad({}, std::span(ct).first(n), pt, m), NoiseError::ok);
    EXPECT_EQ(Bytes(pt.begin(), pt.begin() + static_cast<long>(m)), msg);
    // The same ciphertext again (a replay) no longer verifies: the nonce moved on.
    EXPECT_EQ(p.r_recv.decrypt_with_ad({}, std::span(ct).first(n), pt, m), NoiseError::auth_failed);
    ASSERT_EQ(p.r_send.encrypt_with_ad({}, msg, ct, n), NoiseError::ok);
    ASSERT_EQ(p.i_recv.decrypt_with_ad({}, std::span(ct).first(n), pt, m), NoiseError::ok);
    // Rekey both ends of the initiator -> responder direction (§11.3).
    ASSERT_EQ(p.i_send.rekey(), NoiseError::ok);
    ASSERT_EQ(p.r_recv.rekey(), NoiseError::ok);
  }
  // Rekey on one side only: the other cannot read any more.
  std::size_t n = 0, m = 0;
  ASSERT_EQ(p.i_send.rekey(), NoiseError::ok);
  ASSERT_EQ(p.i_send.encrypt_with_ad({}, msg, ct, n), NoiseError::ok);
  EXPECT_EQ(p.r_recv.decrypt_with_ad({}, std::span(ct).first(n), pt, m), NoiseError::auth_failed);
}

TEST_P(W10Patterns, WrongBackendStaticKeyIsRejected) {
  KeyPair node, backend, impostor;
  Pair p;
  // The node holds a static key that is not the back-end's: the first message that
  // depends on it fails to authenticate and the handshake aborts.
  const NoiseError e = handshake(p, GetParam(), node, backend, impostor.pub);
  EXPECT_EQ(e, NoiseError::auth_failed);
  EXPECT_FALSE(p.initiator.finished());
}

TEST_P(W10Patterns, TamperedHandshakeMessageIsRejected) {
  KeyPair node, backend;
  NoiseHandshakeState initiator, responder;
  NoiseHandshakeConfig ic{GetParam(), NoiseRole::initiator, {}, node.priv, backend.pub, {}};
  NoiseHandshakeConfig rc{GetParam(), NoiseRole::responder, {}, backend.priv, {}, {}};
  if (std::string(GetParam()).find("_KK_") != std::string::npos) rc.remote_static_public = node.pub;
  ASSERT_EQ(initiator.initialize(ic), NoiseError::ok);
  ASSERT_EQ(responder.initialize(rc), NoiseError::ok);
  Bytes buf(512), out(512);
  std::size_t n = 0, m = 0;
  const Bytes payload = {9, 9, 9};
  ASSERT_EQ(initiator.write_message(payload, buf, n), NoiseError::ok);
  buf[n - 1] ^= 0x80;  // last tag byte
  EXPECT_EQ(responder.read_message(std::span(buf).first(n), out, m), NoiseError::auth_failed);
  // An aborted handshake stays aborted.
  buf[n - 1] ^= 0x80;
  EXPECT_EQ(responder.read_message(std::span(buf).first(n), out, m), NoiseError::bad_state);
}

INSTANTIATE_TEST_SUITE_P(NodeKnowsBackend, W10Patterns,
                         ::testing::Values("Noise_NK_25519_AESGCM_SHA256", "Noise_IK_25519_AESGCM_SHA256",
                                           "Noise_XK_25519_AESGCM_SHA256", "Noise_KK_25519_AESGCM_SHA256",
                                           "Noise_IK_25519_ChaChaPoly_SHA256"));

TEST(NoiseHandshake, IkResponderRejectsUnknownNodeOnlyAfterLookup) {
  // IK hands the node's static to the back-end inside message 1; a node whose key is not
  // the registered one is caught by comparing remote_static() (see key_renewal_test).
  KeyPair node, backend;
  Pair p;
  ASSERT_EQ(handshake(p, "Noise_IK_25519_AESGCM_SHA256", node, backend, backend.pub), NoiseError::ok);
  KeyPair registered;
  EXPECT_FALSE(std::equal(registered.pub.begin(), registered.pub.end(), p.responder.remote_static().begin()));
}

TEST(NoiseHandshake, OutOfTurnAndAfterFinishAreRefused) {
  KeyPair node, backend;
  NoiseHandshakeState initiator, responder;
  ASSERT_EQ(initiator.initialize({"Noise_NK_25519_AESGCM_SHA256", NoiseRole::initiator, {}, {}, backend.pub, {}}),
            NoiseError::ok);
  ASSERT_EQ(responder.initialize({"Noise_NK_25519_AESGCM_SHA256", NoiseRole::responder, {}, backend.priv, {}, {}}),
            NoiseError::ok);
  Bytes buf(256), out(256);
  std::size_t n = 0;
  EXPECT_EQ(responder.write_message({}, buf, n), NoiseError::bad_state);
  NoiseCipherState a, b;
  EXPECT_EQ(initiator.split(a, b), NoiseError::bad_state);
  EXPECT_EQ(initiator.read_message(buf, out, n), NoiseError::bad_state);
}

TEST(NoiseHandshake, MissingPreMessageKeyAndTruncatedMessages) {
  KeyPair backend;
  NoiseHandshakeState initiator, responder;
  EXPECT_EQ(initiator.initialize({"Noise_NK_25519_AESGCM_SHA256", NoiseRole::initiator, {}, {}, {}, {}}),
            NoiseError::missing_key);
  ASSERT_EQ(initiator.initialize({"Noise_NK_25519_AESGCM_SHA256", NoiseRole::initiator, {}, {}, backend.pub, {}}),
            NoiseError::ok);
  ASSERT_EQ(responder.initialize({"Noise_NK_25519_AESGCM_SHA256", NoiseRole::responder, {}, backend.priv, {}, {}}),
            NoiseError::ok);
  Bytes buf(256), out(256);
  std::size_t n = 0, m = 0;
  ASSERT_EQ(initiator.write_message({}, buf, n), NoiseError::ok);
  EXPECT_EQ(responder.read_message(std::span(buf).first(20), out, m), NoiseError::bad_length);
}

TEST(NoiseHandshake, LowOrderEphemeralIsRefused) {
  KeyPair backend;
  NoiseHandshakeState responder;
  ASSERT_EQ(responder.initialize({"Noise_NK_25519_AESGCM_SHA256", NoiseRole::responder, {}, backend.priv, {}, {}}),
            NoiseError::ok);
  Bytes msg(48, 0);  // e = 0 (a low-order point), then a 16-byte tag
  Bytes out(64);
  std::size_t m = 0;
  EXPECT_EQ(responder.read_message(msg, out, m), NoiseError::invalid_public_key);
}

TEST(NoisePatterns, TableAndNames) {
  const char* names[] = {"N", "K", "X", "NN", "NK", "NX", "XN", "XK", "XX", "KN", "KK", "KX", "IN", "IK", "IX",
                         "NK1", "NX1", "X1N", "X1K", "XK1", "X1K1", "X1X", "XX1", "X1X1", "K1N", "K1K", "KK1",
                         "K1K1", "K1X", "KX1", "K1X1", "I1N", "I1K", "IK1", "I1K1", "I1X", "IX1", "I1X1",
                         "XXpsk3", "IKpsk0+psk2", "NNpsk0+psk1+psk2"};
  for (const char* name : names) {
    NoiseHandshakePattern p;
    EXPECT_EQ(find_noise_pattern(name, p), NoiseError::ok) << name;
  }
  NoiseHandshakePattern p;
  EXPECT_EQ(find_noise_pattern("XXX", p), NoiseError::unsupported_protocol);
  EXPECT_EQ(find_noise_pattern("XXpsk9", p), NoiseError::unsupported_protocol);
  EXPECT_EQ(find_noise_pattern("XXpsk", p), NoiseError::unsupported_protocol);
  NoiseProtocol proto;
  EXPECT_EQ(parse_noise_protocol("Noise_XK_25519_AESGCM_SHA256", proto), NoiseError::ok);
  EXPECT_EQ(parse_noise_protocol("Noise_XK_448_AESGCM_SHA256", proto), NoiseError::unsupported_protocol);
  EXPECT_EQ(parse_noise_protocol("Noise_XK_25519_AESGCM_BLAKE2s", proto), NoiseError::unsupported_protocol);
  EXPECT_EQ(parse_noise_protocol("Noise_XK_25519_AESGCM_SHA256_extra", proto), NoiseError::unsupported_protocol);
  EXPECT_EQ(parse_noise_protocol("Noise_XK_25519_AESGCM", proto), NoiseError::unsupported_protocol);
}

TEST(NoiseCipherState, NonceLimitAndTagFailureKeepNonce) {
  NoiseCipherState cs;
  std::array<std::uint8_t, 32> key{};
  key[0] = 7;
  ASSERT_EQ(cs.initialize_key(NoiseCipher::aes_gcm, key), NoiseError::ok);
  Bytes out(32), pt(32);
  std::size_t n = 0;
  cs.set_nonce(NoiseCipherState::max_nonce);
  EXPECT_EQ(cs.encrypt_with_ad({}, Bytes{1}, out, n), NoiseError::nonce_exhausted);
  cs.set_nonce(5);
  Bytes junk(20, 0);
  EXPECT_EQ(cs.decrypt_with_ad({}, junk, pt, n), NoiseError::auth_failed);
  EXPECT_EQ(cs.nonce(), 5u);
}

}  // namespace
}  // namespace meshsec::e2e
