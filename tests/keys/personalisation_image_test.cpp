// The personalisation image layout: round trip, and every malformed input refused with the
// output wiped; images of the versions before the beacon chain refused.
#include <gtest/gtest.h>

#include <cstddef>
#include <string>
#include <vector>

#include "crypto/mac.hpp"
#include "crypto/random.hpp"
#include "crypto/secure_memory.hpp"
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
  image.keys.beacon_chain_rounds = 31'536'000;
  fill(image.keys.beacon_anchor);
  if (gateway) {
    fill(image.keys.blob_decryption_key.span().first(k));
    fill(image.keys.beacon_chain_seed.span());
  }
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
      EXPECT_EQ(bytes.size(), 9 + 1 + 13 + 17 + 9 + (4 + 17 + (gateway ? 1 : 0)) * k + 20 + (gateway ? 16 : 0) + 32 +
                                  32 + 2 + 150 + 32);
      EXPECT_EQ(bytes[4], 3);  // format version
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
      EXPECT_EQ(back.keys.beacon_chain_rounds, 31'536'000U);
      EXPECT_EQ(back.keys.beacon_anchor, image.keys.beacon_anchor);
      EXPECT_TRUE(same(back.keys.beacon_chain_seed.span(), image.keys.beacon_chain_seed.span()));
      EXPECT_EQ(crypto::is_all_zero_constant_time(back.keys.beacon_chain_seed.span()), !gateway) << "a gateway's only";
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
    EXPECT_EQ(out.keys.beacon_chain_rounds, 0U);
    EXPECT_TRUE(crypto::is_all_zero_constant_time(out.keys.beacon_chain_seed.span()));
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
  bad[4] = 4;
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
  const std::size_t chain = network_key + (1 + cover_path_keys) * k;
  EXPECT_EQ(bytes[chain], 0x01);  // 31,536,000 = 0x01E13380 rounds, big-endian
  EXPECT_EQ(bytes[chain + 3], 0x80);
  EXPECT_TRUE(same(std::span(bytes).subspan(chain + 4, 16), image.keys.beacon_anchor));
  const std::size_t blob_key = chain + 20;
  EXPECT_TRUE(same(std::span(bytes).subspan(blob_key, k), image.keys.key(KeyPurpose::blob)));
  EXPECT_TRUE(same(std::span(bytes).subspan(blob_key + k, 16), image.keys.beacon_chain_seed.span()));
}

// Fixes up the trailing checksum of an image edited by hand.
void reseal(std::vector<std::uint8_t>& image) {
  const std::size_t body = image.size() - personalisation_checksum_size;
  ASSERT_EQ(
      crypto::sha256({std::span<const std::uint8_t>(image).first(body)}, std::span<std::uint8_t>(image).subspan(body)),
      crypto::Status::ok);
}

// A version 2 image (no beacon chain), well formed down to its checksum, is refused: its
// node could never check a beacon, its gateway never send one.
TEST(PersonalisationImage, VersionTwoImagesAreRefused) {
  for (bool gateway : {false, true}) {
    for (KeySize size : {KeySize::bits128, KeySize::bits256}) {
      const PersonalisationImage image = sample(gateway, size);
      auto v2 = encode(image);
      const std::size_t k = key_bytes(size);
      const std::size_t chain = 36 + image.customer_id_size + (4 + cover_path_keys) * k;
      if (gateway)  // the seed after the blob key
        v2.erase(v2.begin() + static_cast<std::ptrdiff_t>(chain + 20 + k),
                 v2.begin() + static_cast<std::ptrdiff_t>(chain + 20 + k + 16));
      v2.erase(v2.begin() + static_cast<std::ptrdiff_t>(chain), v2.begin() + static_cast<std::ptrdiff_t>(chain + 20));
      v2[4] = 2;
      reseal(v2);
      PersonalisationImage out;
      EXPECT_EQ(parse_personalisation_image(v2, out), ImageError::unsupported_version);
      EXPECT_EQ(out.keys.node_id, 0U);
      // The same bytes claiming version 3 are too short for the layout.
      v2[4] = 3;
      reseal(v2);
      EXPECT_NE(parse_personalisation_image(v2, out), ImageError::ok);
    }
  }
}

// A chain of no rounds is no chain, and one past 32-bit positions no gateway can build:
// both are refused, by the parser and by the encoder alike.
TEST(PersonalisationImage, BeaconChainRoundsMustBeOneToTheMaximum) {
  for (const std::uint32_t rounds : {0U, max_beacon_chain_rounds + 1, UINT32_MAX}) {
    PersonalisationImage image = sample(true, KeySize::bits128);
    std::vector<std::uint8_t> out(max_personalisation_image_size);
    std::size_t n = 0;
    image.keys.beacon_chain_rounds = rounds;
    EXPECT_EQ(encode_personalisation_image(image, out, n), ImageError::bad_field) << rounds;
    EXPECT_EQ(n, 0U);
    image.keys.beacon_chain_rounds = 1;
    auto bytes = encode(image);
    const std::size_t chain = 36 + image.customer_id_size + (4 + cover_path_keys) * 16;
    for (std::size_t b = 0; b < 4; ++b) bytes[chain + b] = static_cast<std::uint8_t>(rounds >> (24 - 8 * b));
    reseal(bytes);
    PersonalisationImage back;
    EXPECT_EQ(parse_personalisation_image(bytes, back), ImageError::bad_field) << rounds;
    EXPECT_EQ(back.keys.beacon_chain_rounds, 0U);
  }
  for (const std::uint32_t rounds : {1U, max_beacon_chain_rounds}) {
    PersonalisationImage image = sample(false, KeySize::bits256);
    image.keys.beacon_chain_rounds = rounds;
    PersonalisationImage back;
    ASSERT_EQ(parse_personalisation_image(encode(image), back), ImageError::ok) << rounds;
    EXPECT_EQ(back.keys.beacon_chain_rounds, rounds);
  }
}

// A seed left in a node's set never reaches its image: only a gateway's carries one.
TEST(PersonalisationImage, OnlyAGatewaysImageCarriesTheSeed) {
  PersonalisationImage image = sample(false, KeySize::bits128);
  fill(image.keys.beacon_chain_seed.span());
  PersonalisationImage back;
  const auto bytes = encode(image);
  ASSERT_EQ(parse_personalisation_image(bytes, back), ImageError::ok);
  EXPECT_TRUE(crypto::is_all_zero_constant_time(back.keys.beacon_chain_seed.span()));
  const std::string text(bytes.begin(), bytes.end());
  const auto seed = image.keys.beacon_chain_seed.span();
  EXPECT_EQ(text.find(std::string(seed.begin(), seed.end())), std::string::npos);
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
    // The same bytes claiming the current version are too short for the layout.
    v1[4] = personalisation_format_version;
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
  EXPECT_EQ(max_personalisation_image_size, 154 + 16 + 64 + 1024 + 22 * 32);
  EXPECT_EQ(max_personalisation_image_size, 1962U);
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
