// The personalisation image layout: round trip, and every malformed input refused with the
// output wiped.
#include <gtest/gtest.h>

#include <cstddef>
#include <string>
#include <vector>

#include "crypto/mac.hpp"
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
  for (auto& cover_key : image.keys.cover_keys) fill(cover_key.span().first(k));
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
      EXPECT_EQ(bytes.size(), 9 + 1 + 13 + 17 + 9 + (4 + 17 + (gateway ? 1 : 0)) * k + 32 + 32 + 2 + 150 + 32);
      EXPECT_EQ(bytes[4], 2);  // format version
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
      for (unsigned level = 0; level <= cover_depth; ++level)
        EXPECT_TRUE(same(back.keys.cover_key(level), image.keys.cover_key(level))) << "cover level " << level;
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
  bad[4] = 3;
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

// The cover keys follow the network key, level 0 first: byte by byte where docs/factory.md
// puts them.
TEST(PersonalisationImage, CoverKeysFollowTheNetworkKeyRootFirst) {
  const PersonalisationImage image = sample(true, KeySize::bits128);
  const auto bytes = encode(image);
  const std::size_t n = image.customer_id_size, k = 16;
  const std::size_t network_key = 36 + n + 3 * k;
  EXPECT_TRUE(same(std::span(bytes).subspan(network_key, k), image.keys.key(KeyPurpose::net)));
  for (unsigned level = 0; level <= cover_depth; ++level)
    EXPECT_TRUE(same(std::span(bytes).subspan(network_key + (1 + level) * k, k), image.keys.cover_key(level)))
        << "cover level " << level;
  const std::size_t blob_key = network_key + (1 + cover_path_keys) * k;
  EXPECT_TRUE(same(std::span(bytes).subspan(blob_key, k), image.keys.key(KeyPurpose::blob)));
}

// A version 1 image (no cover keys), well formed down to its checksum, is refused: a node
// without its cover path could never follow a broadcast rekey.
TEST(PersonalisationImage, VersionOneImagesAreRefused) {
  for (KeySize size : {KeySize::bits128, KeySize::bits256}) {
    const PersonalisationImage image = sample(false, size);
    auto v1 = encode(image);
    const std::size_t k = key_bytes(size);
    const std::size_t cover_start = 36 + image.customer_id_size + 4 * k;
    v1.erase(v1.begin() + static_cast<std::ptrdiff_t>(cover_start),
             v1.begin() + static_cast<std::ptrdiff_t>(cover_start + cover_path_keys * k));
    v1[4] = 1;
    const std::size_t body = v1.size() - personalisation_checksum_size;
    ASSERT_EQ(crypto::sha256({std::span<const std::uint8_t>(v1).first(body)},
                             std::span<std::uint8_t>(v1).subspan(body)),
              crypto::Status::ok);
    PersonalisationImage out;
    EXPECT_EQ(parse_personalisation_image(v1, out), ImageError::unsupported_version);
    EXPECT_EQ(out.keys.node_id, 0U);
    // The same bytes claiming version 2 are too short for the layout.
    v1[4] = 2;
    EXPECT_NE(parse_personalisation_image(v1, out), ImageError::ok);
  }
}

TEST(PersonalisationImage, MaximumSizeHoldsTheLargestImage) {
  PersonalisationImage image = sample(true, KeySize::bits256);
  ASSERT_TRUE(image.set_customer_id(std::string(max_customer_id_size, 'c')));
  std::vector<std::uint8_t> keystore(max_image_keystore_size, 0x5a);
  ASSERT_TRUE(image.set_keystore(keystore));
  const auto bytes = encode(image);
  EXPECT_EQ(bytes.size(), max_personalisation_image_size);
  EXPECT_EQ(max_personalisation_image_size, 134 + 64 + 1024 + 22 * 32);
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
