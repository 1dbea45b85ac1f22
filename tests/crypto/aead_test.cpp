#include "crypto/aead.hpp"

#include <gtest/gtest.h>

#include <array>
#include <vector>

using namespace meshsec::crypto;

namespace {
const std::array<std::uint8_t, 16> kKey{0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15};
const std::array<std::uint8_t, 13> kNonce{9, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9};
}  // namespace

TEST(AesAead, CcmRoundTripReusesScheduledKey) {
  AesAead aead;
  ASSERT_EQ(aead.init(AeadMode::ccm, kKey, 8), Status::ok);
  for (std::size_t len : {0u, 1u, 16u, 31u, 127u}) {
    std::vector<std::uint8_t> pt(len, 0x5a), ct(len), back(len);
    std::array<std::uint8_t, 8> tag{};
    std::array<std::uint8_t, 3> aad{1, 2, 3};
    ASSERT_EQ(aead.seal(kNonce, aad, pt, ct, tag), Status::ok);
    ASSERT_EQ(aead.open(kNonce, aad, ct, tag, back), Status::ok);
    EXPECT_EQ(back, pt);
  }
}

TEST(AesAead, CcmTamperedTagFailsAndWipesPlaintext) {
  AesAead aead;
  ASSERT_EQ(aead.init(AeadMode::ccm, kKey, 8), Status::ok);
  std::vector<std::uint8_t> pt(20, 0x77), ct(20), back(20, 0xee);
  std::array<std::uint8_t, 8> tag{};
  ASSERT_EQ(aead.seal(kNonce, {}, pt, ct, tag), Status::ok);
  for (std::size_t i = 0; i < tag.size(); ++i) {
    auto bad = tag;
    bad[i] ^= 0x01;
    std::fill(back.begin(), back.end(), 0xee);
    EXPECT_EQ(aead.open(kNonce, {}, ct, bad, back), Status::auth_failed);
    EXPECT_EQ(back, std::vector<std::uint8_t>(20, 0));
  }
  // The context is still usable after a failure.
  EXPECT_EQ(aead.open(kNonce, {}, ct, tag, back), Status::ok);
}

TEST(AesAead, RejectsBadParameters) {
  AesAead aead;
  std::array<std::uint8_t, 15> bad_key{};
  EXPECT_EQ(aead.init(AeadMode::ccm, bad_key, 8), Status::bad_key_length);
  EXPECT_EQ(aead.init(AeadMode::ccm, kKey, 5), Status::bad_tag_length);
  EXPECT_EQ(aead.init(AeadMode::ccm, kKey, 18), Status::bad_tag_length);
  ASSERT_EQ(aead.init(AeadMode::ccm, kKey, 4), Status::ok);
  std::array<std::uint8_t, 6> short_nonce{};
  std::array<std::uint8_t, 4> tag{};
  std::array<std::uint8_t, 1> pt{}, ct{};
  EXPECT_EQ(aead.seal(short_nonce, {}, pt, ct, tag), Status::bad_nonce_length);
  std::array<std::uint8_t, 8> wrong_tag{};
  EXPECT_EQ(aead.open(kNonce, {}, ct, wrong_tag, pt), Status::bad_tag_length);
  AesAead unused;
  EXPECT_EQ(unused.seal(kNonce, {}, pt, ct, tag), Status::not_initialised);
}

TEST(AesAead, GcmRoundTrip) {
  AesAead aead;
  ASSERT_EQ(aead.init(AeadMode::gcm, kKey, 16), Status::ok);
  std::array<std::uint8_t, 12> nonce{};
  std::vector<std::uint8_t> pt(33, 1), ct(33), back(33);
  std::array<std::uint8_t, 16> tag{};
  ASSERT_EQ(aead.seal(nonce, {}, pt, ct, tag), Status::ok);
  ASSERT_EQ(aead.open(nonce, {}, ct, tag, back), Status::ok);
  EXPECT_EQ(back, pt);
  ct[0] ^= 1;
  EXPECT_EQ(aead.open(nonce, {}, ct, tag, back), Status::auth_failed);
}
