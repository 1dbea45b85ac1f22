// One AesAead object used with CCM nonces of every allowed length, in changing order: each
// message must match a fresh object's output and open again (the CAVP VNT files use one
// length per object; this switches lengths on the same key schedule).
#include <gtest/gtest.h>

#include <array>
#include <span>
#include <vector>

#include "crypto/aead.hpp"

namespace {

using meshsec::crypto::AeadMode;
using meshsec::crypto::AesAead;
using meshsec::crypto::Status;

TEST(CcmNonceLength, SwitchingLengthsOnOneObjectMatchesFreshObjects) {
  const std::array<std::uint8_t, 16> key{0x40, 0x41, 0x42, 0x43, 0x44, 0x45, 0x46, 0x47,
                                         0x48, 0x49, 0x4a, 0x4b, 0x4c, 0x4d, 0x4e, 0x4f};
  const std::array<std::uint8_t, 13> nonce_bytes{0x10, 0x11, 0x12, 0x13, 0x14, 0x15, 0x16,
                                                 0x17, 0x18, 0x19, 0x1a, 0x1b, 0x1c};
  const std::array<std::uint8_t, 4> aad{1, 2, 3, 4};
  const std::array<std::uint8_t, 24> msg{0x20};
  AesAead shared;
  ASSERT_EQ(shared.init(AeadMode::ccm, key, 8), Status::ok);
  for (std::size_t nonce_length : {7u, 13u, 12u, 8u, 13u, 11u, 7u, 9u, 10u}) {
    const std::span<const std::uint8_t> nonce(nonce_bytes.data(), nonce_length);
    std::array<std::uint8_t, 24> ct{};
    std::array<std::uint8_t, 8> tag{};
    ASSERT_EQ(shared.seal(nonce, aad, msg, ct, tag), Status::ok) << nonce_length;

    AesAead fresh;
    ASSERT_EQ(fresh.init(AeadMode::ccm, key, 8), Status::ok);
    std::array<std::uint8_t, 24> fresh_ct{};
    std::array<std::uint8_t, 8> fresh_tag{};
    ASSERT_EQ(fresh.seal(nonce, aad, msg, fresh_ct, fresh_tag), Status::ok) << nonce_length;
    EXPECT_EQ(ct, fresh_ct) << nonce_length;
    EXPECT_EQ(tag, fresh_tag) << nonce_length;

    std::array<std::uint8_t, 24> back{};
    ASSERT_EQ(shared.open(nonce, aad, ct, tag, back), Status::ok) << nonce_length;
    EXPECT_EQ(back, msg);
    tag[0] ^= 1;
    EXPECT_EQ(shared.open(nonce, aad, ct, tag, back), Status::auth_failed) << nonce_length;
  }
}

}  // namespace
