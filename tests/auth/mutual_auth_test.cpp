// ISO/IEC 9798-2 three-pass mutual authentication and the session key, with the attacks of
// docs/auth.md §6: wrong key, reflection, replayed challenges, wrong identity, tampering.
#include <gtest/gtest.h>

#include "auth_fixture.hpp"
#include "crypto/secure_memory.hpp"

namespace meshsec::auth {
namespace {

using testing::entity;
using testing::key_bytes;

class MutualAuthTest : public ::testing::TestWithParam<std::size_t> {
 protected:
  void SetUp() override {
    key_ = key_bytes(GetParam(), 0x40);
    ASSERT_EQ(node_.init(entity(0xB0), key_), AuthError::ok);
  }
  std::vector<std::uint8_t> key_;
  NodeAuthenticator node_;
  UploaderAuthenticator uploader_{entity(0xA0)};
  TransferOffer offer_ = testing::offer_for(1000, 100);
  TransferProgress progress_{};
  TransferResume resume_{};
};

TEST_P(MutualAuthTest, BothSidesAgreeOnSessionKey) {
  testing::Transcript t;
  ASSERT_EQ(testing::run(node_, uploader_, key_, offer_, progress_, resume_, &t), AuthError::ok);
  EXPECT_EQ(t.token1.size(), layout::token1_size);
  EXPECT_EQ(t.token2.size(), layout::token2_size);
  EXPECT_EQ(t.token3.size(), layout::token3_size);
  EXPECT_EQ(node_.state(), NodeAuthenticator::State::authenticated);
  EXPECT_EQ(uploader_.state(), UploaderAuthenticator::State::authenticated);
  EXPECT_EQ(node_.peer(), entity(0xA0));
  EXPECT_EQ(uploader_.peer(), entity(0xB0));
  EXPECT_EQ(resume_.image_id, offer_.image_id);
  EXPECT_EQ(resume_.next_chunk, 0U);
  EXPECT_EQ(progress_.image_id, offer_.image_id);
  SessionKey kb, ka;
  ASSERT_EQ(node_.take_session_key(kb), AuthError::ok);
  ASSERT_EQ(uploader_.take_session_key(ka), AuthError::ok);
  EXPECT_TRUE(crypto::equal_constant_time(ka.span(), kb.span()));
  EXPECT_FALSE(crypto::is_all_zero_constant_time(ka.span()));
  EXPECT_EQ(node_.take_session_key(kb), AuthError::wrong_state);  // moved out once
}

TEST_P(MutualAuthTest, SessionKeyMatchesDocumentedDerivation) {
  Random ra{}, rb{};
  ra.fill(1);
  rb.fill(2);
  SessionKey k1, k2, k3;
  ASSERT_EQ(derive_session_key(key_, ra, rb, entity(0xA0), entity(0xB0), k1), AuthError::ok);
  ASSERT_EQ(derive_session_key(key_, ra, rb, entity(0xA0), entity(0xB0), k2), AuthError::ok);
  ASSERT_EQ(derive_session_key(key_, rb, ra, entity(0xA0), entity(0xB0), k3), AuthError::ok);
  EXPECT_TRUE(crypto::equal_constant_time(k1.span(), k2.span()));
  EXPECT_FALSE(crypto::equal_constant_time(k1.span(), k3.span()));  // order of randoms matters
  EXPECT_EQ(derive_session_key(std::span(key_).first(15), ra, rb, entity(0xA0), entity(0xB0), k3), AuthError::bad_key);
}

TEST_P(MutualAuthTest, EveryRunHasItsOwnKey) {
  SessionKey first, second, ignored;
  ASSERT_EQ(testing::run(node_, uploader_, key_, offer_, progress_, resume_), AuthError::ok);
  ASSERT_EQ(node_.take_session_key(first), AuthError::ok);
  ASSERT_EQ(uploader_.take_session_key(ignored), AuthError::ok);
  ASSERT_EQ(testing::run(node_, uploader_, key_, offer_, progress_, resume_), AuthError::ok);
  ASSERT_EQ(node_.take_session_key(second), AuthError::ok);
  EXPECT_FALSE(crypto::equal_constant_time(first.span(), second.span()));
}

// Attack: the uploader uses another node's key (or an impostor guesses one).
TEST_P(MutualAuthTest, WrongNodeKeyRejected) {
  const auto wrong = key_bytes(GetParam(), 0x41);
  EXPECT_EQ(testing::run(node_, uploader_, wrong, offer_, progress_, resume_), AuthError::auth_failed);
  EXPECT_EQ(node_.state(), NodeAuthenticator::State::failed);
  EXPECT_EQ(progress_.image_size, 0U);  // nothing changed on the node
  SessionKey k;
  EXPECT_EQ(node_.take_session_key(k), AuthError::wrong_state);
}

// Attack: A's own token 2 bounced back to A as if it were B's token 3, in every framing
// an attacker can give it (as is, retyped, retyped and cut to token 3's length).
TEST_P(MutualAuthTest, ReflectionOfUploaderTokenRejected) {
  std::array<std::uint8_t, 128> m1{}, m2{};
  std::size_t n1 = 0, n2 = 0;
  ASSERT_EQ(node_.start(m1, n1), AuthError::ok);
  ASSERT_EQ(uploader_.handle_token1(std::span(m1).first(n1), key_, offer_, m2, n2), AuthError::ok);
  const std::vector<std::uint8_t> token2(m2.begin(), m2.begin() + static_cast<std::ptrdiff_t>(n2));

  TransferResume resume;
  auto run_again = [&](const std::vector<std::uint8_t>& reflected) {
    UploaderAuthenticator a{entity(0xA0)};
    std::array<std::uint8_t, 128> out{};
    std::size_t n = 0;
    EXPECT_EQ(a.handle_token1(std::span(m1).first(n1), key_, offer_, out, n), AuthError::ok);
    return a.handle_token3(reflected, resume);
  };
  EXPECT_EQ(uploader_.handle_token3(token2, resume), AuthError::malformed);
  auto retyped = token2;
  retyped[0] = static_cast<std::uint8_t>(MessageType::token3);
  EXPECT_NE(run_again(retyped), AuthError::ok);
  // Retyped, sender set to B, ciphertext cut to token 3's size with a tag: the tag fails.
  std::vector<std::uint8_t> shaped(retyped.begin(), retyped.begin() + static_cast<std::ptrdiff_t>(layout::token3_size));
  for (std::size_t i = 0; i < id_size; ++i) shaped[2 + i] = 0xB0;
  EXPECT_EQ(run_again(shaped), AuthError::auth_failed);
  // The same with the genuine sender id of A kept: identity check.
  std::vector<std::uint8_t> shaped_a(retyped.begin(), retyped.begin() + static_cast<std::ptrdiff_t>(layout::token3_size));
  EXPECT_EQ(run_again(shaped_a), AuthError::identity_mismatch);
  // And B's token 3 reflected to B as a token 2 fails too.
  TransferProgress progress;
  std::array<std::uint8_t, 128> m3{};
  std::size_t n3 = 0;
  ASSERT_EQ(node_.handle_token2(token2, progress, m3, n3), AuthError::ok);
  std::array<std::uint8_t, 128> again{};
  std::size_t na = 0;
  ASSERT_EQ(node_.start(again, na), AuthError::ok);
  std::vector<std::uint8_t> token3(m3.begin(), m3.begin() + static_cast<std::ptrdiff_t>(n3));
  token3[0] = static_cast<std::uint8_t>(MessageType::token2);
  token3.resize(layout::token2_size, 0);
  EXPECT_EQ(node_.handle_token2(token3, progress, m3, n3), AuthError::auth_failed);
}

// Attack: a recorded token 2 replayed to B in a later run (old R_B inside).
TEST_P(MutualAuthTest, ReplayedTokenTwoRejected) {
  testing::Transcript t;
  ASSERT_EQ(testing::run(node_, uploader_, key_, offer_, progress_, resume_, &t), AuthError::ok);
  std::array<std::uint8_t, 128> m1{}, m3{};
  std::size_t n1 = 0, n3 = 0;
  ASSERT_EQ(node_.start(m1, n1), AuthError::ok);  // fresh R_B'
  EXPECT_NE(std::vector<std::uint8_t>(m1.begin(), m1.begin() + static_cast<std::ptrdiff_t>(n1)), t.token1);
  EXPECT_EQ(node_.handle_token2(t.token2, progress_, m3, n3), AuthError::challenge_mismatch);
  EXPECT_EQ(node_.state(), NodeAuthenticator::State::failed);
  EXPECT_EQ(n3, 0U);
  // Nor can the same token be used after the failure: the old R_B is gone.
  EXPECT_EQ(node_.handle_token2(t.token2, progress_, m3, n3), AuthError::wrong_state);
}

// Attack: an old token 1 (old R_B) replayed to A, then the old token 3: A's fresh R_A is
// not inside it.
TEST_P(MutualAuthTest, ReplayedChallengeToUploaderRejected) {
  testing::Transcript t;
  ASSERT_EQ(testing::run(node_, uploader_, key_, offer_, progress_, resume_, &t), AuthError::ok);
  UploaderAuthenticator a{entity(0xA0)};
  std::array<std::uint8_t, 128> m2{};
  std::size_t n2 = 0;
  ASSERT_EQ(a.handle_token1(t.token1, key_, offer_, m2, n2), AuthError::ok);
  TransferResume resume;
  EXPECT_EQ(a.handle_token3(t.token3, resume), AuthError::challenge_mismatch);
  EXPECT_EQ(a.state(), UploaderAuthenticator::State::failed);
}

// Attack: a token 2 made for another node B2 (same key, e.g. a group key) delivered to B.
TEST_P(MutualAuthTest, TokenForAnotherNodeRejected) {
  std::array<std::uint8_t, 128> m1{}, m2{}, m3{};
  std::size_t n1 = 0, n2 = 0, n3 = 0;
  ASSERT_EQ(node_.start(m1, n1), AuthError::ok);
  Token1 t1;
  ASSERT_EQ(parse_token1(std::span(m1).first(n1), t1), AuthError::ok);
  t1.node_id = entity(0xB2);  // attacker rewrites Text1 (it is in clear)
  std::array<std::uint8_t, 64> forged{};
  std::size_t nf = 0;
  ASSERT_EQ(encode_token1(t1, forged, nf), AuthError::ok);
  ASSERT_EQ(uploader_.handle_token1(std::span(forged).first(nf), key_, offer_, m2, n2), AuthError::ok);
  EXPECT_EQ(node_.handle_token2(std::span(m2).first(n2), progress_, m3, n3), AuthError::identity_mismatch);
}

TEST_P(MutualAuthTest, TamperedTokensRejected) {
  std::array<std::uint8_t, 128> m1{}, m2{};
  std::size_t n1 = 0, n2 = 0;
  ASSERT_EQ(node_.start(m1, n1), AuthError::ok);
  ASSERT_EQ(uploader_.handle_token1(std::span(m1).first(n1), key_, offer_, m2, n2), AuthError::ok);
  for (std::size_t i = 0; i < n2; ++i) {
    NodeAuthenticator b;
    ASSERT_EQ(b.init(entity(0xB0), key_), AuthError::ok);
    // Each byte flipped in a run of its own (B's R_B is private to its run).
    std::array<std::uint8_t, 128> s1{}, s2{}, s3{};
    std::size_t k1 = 0, k2 = 0, k3 = 0;
    ASSERT_EQ(b.start(s1, k1), AuthError::ok);
    UploaderAuthenticator a{entity(0xA0)};
    ASSERT_EQ(a.handle_token1(std::span(s1).first(k1), key_, offer_, s2, k2), AuthError::ok);
    s2[i] ^= 0x04;
    TransferProgress progress;
    EXPECT_NE(b.handle_token2(std::span(s2).first(k2), progress, s3, k3), AuthError::ok) << i;
  }
  // Truncated and extended messages.
  TransferProgress progress;
  std::array<std::uint8_t, 128> m3{};
  std::size_t n3 = 0;
  EXPECT_EQ(node_.handle_token2(std::span(m2).first(n2 - 1), progress, m3, n3), AuthError::malformed);
  Token1 t;
  EXPECT_EQ(parse_token1(std::span(m1).first(n1 + 1), t), AuthError::malformed);
}

TEST_P(MutualAuthTest, OutOfStateMessagesRejected) {
  TransferResume resume;
  std::array<std::uint8_t, 128> buf{};
  std::size_t n = 0;
  EXPECT_EQ(uploader_.handle_token3(std::span(buf).first(layout::token3_size), resume), AuthError::wrong_state);
  EXPECT_EQ(node_.handle_token2(std::span(buf).first(layout::token2_size), progress_, buf, n), AuthError::wrong_state);
  NodeAuthenticator uninitialised;
  EXPECT_EQ(uninitialised.start(buf, n), AuthError::wrong_state);
  EXPECT_EQ(uninitialised.init(entity(1), std::span(key_).first(8)), AuthError::bad_key);
}

INSTANTIATE_TEST_SUITE_P(KeySizes, MutualAuthTest, ::testing::Values(std::size_t{16}, std::size_t{32}));

}  // namespace
}  // namespace meshsec::auth
