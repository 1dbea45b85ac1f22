// The personalisation image layout: round trip, and every malformed input refused with the
// output wiped.
#include <gtest/gtest.h>

#include <vector>

#include "crypto/random.hpp"
#include "keys/personalisation_image.hpp"

namespace meshsec::keys {
namespace {

void fill(std::span<std::uint8_t> s) { ASSERT_EQ(crypto::random_bytes(s), crypto::Status::ok); }

PersonalisationImage sample(bool gateway, KeySize size) {
  PersonalisationImage image;
  EXPECT_TRUE(image.set_customer_id("acme-lighting"));
  image.environment = Environment::prod;
  image.keys.node_id = 0x01020304;
  image.keys.key_size = size;
  image.keys.key_version = 1;
  image.keys.network_id = 7;
  image.keys.network_key_index = 3;
  image.keys.has_blob_decryption_key = gateway;
  image.keys.blob_key_version = gateway ? 1 : 0;
  const std::size_t k = key_bytes(size);
  fill(image.keys.auth_key.span().first(k));
  fill(image.keys.enc_key.span().first(k));
  fill(image.keys.e2_key.span().first(k));
  fill(image.keys.network_key.span().first(k));
  if (gateway) fill(image.keys.blob_decryption_key.span().first(k));
  fill(image.keys.blob_verification_key);
  fill(image.secret_serial.span());
  fill(image.device_auth_key.span());
  std::vector<std::uint8_t> keystore(150);
  fill(keystore);
  EXPECT_TRUE(image.set_keystore(keystore));
  return image;
}

std::vector<std::uint8_t> encode(const PersonalisationImage& image) {
  std::vector<std::uint8_t> out(max_personalisation_image_size);
  std::size_t n = 0;
  EXPECT_EQ(encode_personalisation_image(image, out, n), ImageError::ok);
  out.resize(n);
  return out;
}

bool same(std::span<const std::uint8_t> a, std::span<const std::uint8_t> b) {
  return std::equal(a.begin(), a.end(), b.begin(), b.end());
}

TEST(PersonalisationImage, RoundTripsNodesAndGateways) {
  for (bool gateway : {false, true}) {
    for (KeySize size : {KeySize::bits128, KeySize::bits256}) {
      const PersonalisationImage image = sample(gateway, size);
      const auto bytes = encode(image);
      const std::size_t k = key_bytes(size);
      EXPECT_EQ(bytes.size(), 9 + 1 + 13 + 17 + 9 + (gateway ? 5 : 4) * k + 32 + 32 + 2 + 150 + 32);
      PersonalisationImage back;
      ASSERT_EQ(parse_personalisation_image(bytes, back), ImageError::ok);
      EXPECT_EQ(back.customer_id(), "acme-lighting");
      EXPECT_EQ(back.environment, Environment::prod);
      EXPECT_EQ(back.keys.node_id, 0x01020304U);
      EXPECT_EQ(back.keys.key_size, size);
      EXPECT_EQ(back.keys.network_key_index, 3);
      EXPECT_EQ(back.keys.has_blob_decryption_key, gateway);
      EXPECT_TRUE(same(back.keys.auth_key.span(), image.keys.auth_key.span()));
      EXPECT_TRUE(same(back.keys.network_key.span(), image.keys.network_key.span()));
      EXPECT_TRUE(same(back.keys.blob_decryption_key.span(), image.keys.blob_decryption_key.span()));
      EXPECT_TRUE(same(back.secret_serial.span(), image.secret_serial.span()));
      EXPECT_TRUE(same(back.device_auth_key.span(), image.device_auth_key.span()));
      EXPECT_TRUE(same({back.keystore.data(), back.keystore_size}, {image.keystore.data(), image.keystore_size}));
    }
  }
}

TEST(PersonalisationImage, EveryFlippedByteIsRefusedAndOutputWiped) {
  const auto bytes = encode(sample(true, KeySize::bits256));
  for (std::size_t i = 0; i < bytes.size(); ++i) {
    auto bad = bytes;
    bad[i] ^= 0x01;
    PersonalisationImage out;
    const ImageError e = parse_personalisation_image(bad, out);
    EXPECT_NE(e, ImageError::ok) << "byte " << i;
    EXPECT_EQ(out.keys.node_id, 0U);
    EXPECT_EQ(out.customer_id_size, 0U);
  }
}

TEST(PersonalisationImage, TruncatedAndTrailingAreRefused) {
  const auto bytes = encode(sample(false, KeySize::bits128));
  for (std::size_t n = 0; n < bytes.size(); ++n) {
    PersonalisationImage out;
    EXPECT_NE(parse_personalisation_image(std::span<const std::uint8_t>(bytes).first(n), out), ImageError::ok);
  }
  auto longer = bytes;
  longer.push_back(0);
  PersonalisationImage out;
  EXPECT_EQ(parse_personalisation_image(longer, out), ImageError::trailing_bytes);
}

TEST(PersonalisationImage, SpecificFieldErrors) {
  auto bytes = encode(sample(false, KeySize::bits256));
  PersonalisationImage out;
  auto bad = bytes;
  bad[0] = 'X';
  EXPECT_EQ(parse_personalisation_image(bad, out), ImageError::bad_magic);
  bad = bytes;
  bad[4] = 2;
  EXPECT_EQ(parse_personalisation_image(bad, out), ImageError::unsupported_version);
  bad = bytes;
  bad[5] = 0x80;  // unknown flag
  EXPECT_EQ(parse_personalisation_image(bad, out), ImageError::bad_field);
  bad = bytes;
  bad[6] = 3;  // environment
  EXPECT_EQ(parse_personalisation_image(bad, out), ImageError::bad_field);
  bad = bytes;
  bad.back() ^= 0x80;  // checksum
  EXPECT_EQ(parse_personalisation_image(bad, out), ImageError::bad_checksum);
}

TEST(PersonalisationImage, EncoderRefusesInconsistentImagesAndSmallBuffers) {
  PersonalisationImage image = sample(false, KeySize::bits256);
  image.keys.blob_key_version = 2;  // a blob key version without a blob key
  std::vector<std::uint8_t> out(max_personalisation_image_size);
  std::size_t n = 0;
  EXPECT_EQ(encode_personalisation_image(image, out, n), ImageError::bad_field);
  image = sample(false, KeySize::bits256);
  std::vector<std::uint8_t> small(100);
  EXPECT_EQ(encode_personalisation_image(image, small, n), ImageError::no_room);
  EXPECT_EQ(n, 0U);
  PersonalisationImage bad_id;
  EXPECT_FALSE(bad_id.set_customer_id("no spaces"));
  EXPECT_FALSE(bad_id.set_customer_id(""));
}

}  // namespace
}  // namespace meshsec::keys
