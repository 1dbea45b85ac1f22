// Firmware blob: build, verify chunk by chunk in any order, decrypt, and every attack of
// the blob format (docs/blob-format.md §11).
#include <gtest/gtest.h>

#include <algorithm>
#include <random>

#include "blob_fixture.hpp"
#include "firmware/blob_decryptor.hpp"

namespace meshsec::firmware {
namespace {

using testing::CustomerKeys;

class BlobTest : public ::testing::Test {
 protected:
  void SetUp() override {
    testing::make_customer(0x11, alice_);
    testing::make_customer(0x22, bob_);
    image_ = testing::make_image(1000);
    build(alice_, 1, {1, 2, 0, 0}, 5, image_, blob_);
  }
  static void build(CustomerKeys& keys, std::uint32_t customer, FirmwareVersion v, std::uint32_t counter,
                    const std::vector<std::uint8_t>& image, std::vector<std::uint8_t>& out) {
    BlobBuilder builder(keys.encryption_key, keys.signer);
    ASSERT_EQ(builder.build(testing::make_params(customer, v, counter), image, out), BlobError::ok);
  }
  BlobPolicy policy(InstalledFirmware installed = {}) const {
    BlobPolicy p;
    p.customer_id = 1;
    p.product_id = 7;
    p.installed = installed;
    return p;
  }
  // Verifies a whole blob file as a relay does: header, then every packet.
  BlobError verify_all(const std::vector<std::uint8_t>& bytes, const Ed25519PublicKey& key, const BlobPolicy& p) {
    BlobFileView file;
    if (const BlobError e = parse_blob_file(bytes, file); e != BlobError::ok) return e;
    BlobVerifier v;
    if (const BlobError e = v.begin(std::span(bytes).first(blob::signed_header_size), key, p); e != BlobError::ok) {
      return e;
    }
    for (const auto& packet : testing::make_packets(file)) {
      ChunkPacketView view;
      if (const BlobError e = parse_chunk_packet(packet, view); e != BlobError::ok) return e;
      if (const BlobError e = v.accept_packet(view); e != BlobError::ok) return e;
    }
    return v.complete() ? BlobError::ok : BlobError::incomplete;
  }

  CustomerKeys alice_, bob_;
  std::vector<std::uint8_t> image_;
  std::vector<std::uint8_t> blob_;
};

TEST_F(BlobTest, LayoutSizesAreFixed) {
  static_assert(blob::header_size == 128);
  static_assert(blob::signed_header_size == 192);
  BlobFileView file;
  ASSERT_EQ(parse_blob_file(blob_, file), BlobError::ok);
  EXPECT_EQ(file.header.chunk_count, 16);  // ceil(1000 / 64)
  EXPECT_EQ(blob_.size(), 192U + 1000U + 16U * 16U);
  EXPECT_EQ(blob_tree_depth(16), 4U);
  EXPECT_EQ(blob_tree_depth(1), 0U);
  EXPECT_EQ(blob_tree_depth(17), 5U);
}

TEST_F(BlobTest, VerifiesInAnyOrderAndDecrypts) {
  BlobFileView file;
  ASSERT_EQ(parse_blob_file(blob_, file), BlobError::ok);
  BlobVerifier v;
  ASSERT_EQ(v.begin(std::span(blob_).first(blob::signed_header_size), alice_.signer.public_key(), policy()),
            BlobError::ok);
  auto packets = testing::make_packets(file);
  std::mt19937 rng(42);
  std::shuffle(packets.begin(), packets.end(), rng);
  for (std::size_t i = 0; i < packets.size(); ++i) {
    EXPECT_FALSE(v.complete());
    ChunkPacketView view;
    ASSERT_EQ(parse_chunk_packet(packets[i], view), BlobError::ok);
    ASSERT_EQ(v.accept_packet(view), BlobError::ok);
    EXPECT_EQ(v.received().present(), i + 1);
  }
  EXPECT_TRUE(v.complete());
  std::vector<std::uint8_t> plain;
  ASSERT_EQ(decrypt_blob(file, alice_.encryption_key, plain), BlobError::ok);
  EXPECT_EQ(plain, image_);
}

TEST_F(BlobTest, SingleChunkAndExactMultiple) {
  for (std::size_t size : {std::size_t{1}, std::size_t{64}, std::size_t{128}, std::size_t{129}}) {
    std::vector<std::uint8_t> out;
    const auto image = testing::make_image(size);
    build(alice_, 1, {1, 0, 0, 0}, 1, image, out);
    EXPECT_EQ(verify_all(out, alice_.signer.public_key(), policy()), BlobError::ok) << size;
    BlobFileView file;
    ASSERT_EQ(parse_blob_file(out, file), BlobError::ok);
    std::vector<std::uint8_t> plain;
    ASSERT_EQ(decrypt_blob(file, alice_.encryption_key, plain), BlobError::ok);
    EXPECT_EQ(plain, image);
  }
}

TEST_F(BlobTest, DuplicateGoodChunkIsIdempotent) {
  BlobFileView file;
  ASSERT_EQ(parse_blob_file(blob_, file), BlobError::ok);
  BlobVerifier v;
  ASSERT_EQ(v.begin(std::span(blob_).first(blob::signed_header_size), alice_.signer.public_key(), policy()),
            BlobError::ok);
  const auto packets = testing::make_packets(file);
  ChunkPacketView view;
  ASSERT_EQ(parse_chunk_packet(packets[3], view), BlobError::ok);
  EXPECT_EQ(v.accept_packet(view), BlobError::ok);
  EXPECT_EQ(v.accept_packet(view), BlobError::ok);
  EXPECT_EQ(v.received().present(), 1U);
  EXPECT_EQ(v.received().first_missing(), 0U);
}

// Attack: any changed header byte breaks the vendor signature (or the parse).
TEST_F(BlobTest, TamperedHeaderRejected) {
  for (std::size_t offset = 0; offset < blob::signed_header_size; ++offset) {
    auto bad = blob_;
    bad[offset] ^= 0x01;
    BlobVerifier v;
    EXPECT_NE(v.begin(std::span(bad).first(blob::signed_header_size), alice_.signer.public_key(), policy()),
              BlobError::ok)
        << "offset " << offset;
    EXPECT_EQ(v.state(), BlobVerifier::State::failed);
  }
}

// Attack: a flipped ciphertext or tag byte in a chunk fails its Merkle path; the verifier
// keeps waiting for a good copy.
TEST_F(BlobTest, TamperedChunkRejected) {
  BlobFileView file;
  ASSERT_EQ(parse_blob_file(blob_, file), BlobError::ok);
  const auto packets = testing::make_packets(file);
  BlobVerifier v;
  ASSERT_EQ(v.begin(std::span(blob_).first(blob::signed_header_size), alice_.signer.public_key(), policy()),
            BlobError::ok);
  for (std::size_t offset = 12; offset < packets[5].size(); offset += 7) {
    auto bad = packets[5];
    bad[offset] ^= 0x80;
    ChunkPacketView view;
    if (parse_chunk_packet(bad, view) != BlobError::ok) continue;
    EXPECT_NE(v.accept_packet(view), BlobError::ok) << offset;
  }
  EXPECT_EQ(v.received().present(), 0U);
  // Wrong index for a good chunk.
  ChunkPacketView view;
  ASSERT_EQ(parse_chunk_packet(packets[5], view), BlobError::ok);
  view.index = 6;
  EXPECT_NE(v.accept_packet(view), BlobError::ok);
  view.index = 999;
  EXPECT_EQ(v.accept_packet(view), BlobError::chunk_out_of_range);
  // Tampered ciphertext in the file also fails decryption at the gateway.
  auto bad = blob_;
  bad[blob::signed_header_size + 3] ^= 1;
  BlobFileView bad_file;
  ASSERT_EQ(parse_blob_file(bad, bad_file), BlobError::ok);
  std::vector<std::uint8_t> plain;
  EXPECT_EQ(decrypt_blob(bad_file, alice_.encryption_key, plain), BlobError::decrypt_failed);
  EXPECT_TRUE(plain.empty());
}

// Attack: a blob signed with another customer's key.
TEST_F(BlobTest, BlobOfAnotherCustomerRejected) {
  std::vector<std::uint8_t> bobs;
  build(bob_, 1, {9, 0, 0, 0}, 9, image_, bobs);  // claims customer 1 but signed by bob
  EXPECT_EQ(verify_all(bobs, alice_.signer.public_key(), policy()), BlobError::unknown_key);
  // Forge the key id too: the signature still fails.
  BlobFileView file;
  ASSERT_EQ(parse_blob_file(blob_, file), BlobError::ok);
  std::copy(file.header.signing_key_id.begin(), file.header.signing_key_id.end(), bobs.begin() + 56);
  EXPECT_EQ(verify_all(bobs, alice_.signer.public_key(), policy()), BlobError::bad_signature);
  // Bob's genuine blob for customer 2 is not for a customer-1 device.
  build(bob_, 2, {9, 0, 0, 0}, 9, image_, bobs);
  EXPECT_EQ(verify_all(bobs, bob_.signer.public_key(), policy()), BlobError::wrong_customer);
  // And the gateway with Alice's key cannot decrypt Bob's blob.
  BlobFileView bob_file;
  ASSERT_EQ(parse_blob_file(bobs, bob_file), BlobError::ok);
  std::vector<std::uint8_t> plain;
  EXPECT_EQ(decrypt_blob(bob_file, alice_.encryption_key, plain), BlobError::unknown_key);
}

// Attack: rollback to an older version or a lower security counter.
TEST_F(BlobTest, RollbackRejected) {
  EXPECT_EQ(verify_all(blob_, alice_.signer.public_key(), policy({{1, 2, 0, 0}, 5})), BlobError::ok);
  EXPECT_EQ(verify_all(blob_, alice_.signer.public_key(), policy({{1, 3, 0, 0}, 0})), BlobError::rollback);
  EXPECT_EQ(verify_all(blob_, alice_.signer.public_key(), policy({{1, 2, 0, 1}, 0})), BlobError::rollback);
  EXPECT_EQ(verify_all(blob_, alice_.signer.public_key(), policy({{1, 0, 0, 0}, 6})), BlobError::rollback);
}

TEST_F(BlobTest, WrongProductRejected) {
  BlobPolicy p = policy();
  p.product_id = 8;
  EXPECT_EQ(verify_all(blob_, alice_.signer.public_key(), p), BlobError::wrong_product);
}

// Attack: a genuine chunk of version 1.2 offered to a verifier of version 1.3 at the same
// index (same customer, same key, same plaintext) is rejected.
TEST_F(BlobTest, ChunkSubstitutionAcrossVersionsRejected) {
  std::vector<std::uint8_t> newer;
  build(alice_, 1, {1, 3, 0, 0}, 6, image_, newer);
  BlobFileView old_file;
  ASSERT_EQ(parse_blob_file(blob_, old_file), BlobError::ok);
  const auto old_packets = testing::make_packets(old_file);
  BlobVerifier v;
  ASSERT_EQ(v.begin(std::span(newer).first(blob::signed_header_size), alice_.signer.public_key(), policy()),
            BlobError::ok);
  for (const auto& packet : old_packets) {
    ChunkPacketView view;
    ASSERT_EQ(parse_chunk_packet(packet, view), BlobError::ok);
    EXPECT_EQ(v.accept_packet(view), BlobError::bad_chunk);
    view.blob_id = v.header().blob_id;  // relabelled to the new blob: still rejected
    EXPECT_EQ(v.accept_packet(view), BlobError::bad_chunk);
  }
  EXPECT_EQ(v.received().present(), 0U);
  // Same blob id reused by a (hypothetical) builder: the version in the leaf still binds.
  BlobBuildParams p = testing::make_params(1, {1, 3, 0, 0}, 6);
  p.blob_id = old_file.header.blob_id;
  BlobBuilder builder(alice_.encryption_key, alice_.signer);
  ASSERT_EQ(builder.build(p, image_, newer), BlobError::ok);
  ASSERT_EQ(v.begin(std::span(newer).first(blob::signed_header_size), alice_.signer.public_key(), policy()),
            BlobError::ok);
  ChunkPacketView view;
  ASSERT_EQ(parse_chunk_packet(old_packets[0], view), BlobError::ok);
  EXPECT_EQ(v.accept_packet(view), BlobError::bad_chunk);
}

TEST_F(BlobTest, ChunkBeforeHeaderRejected) {
  BlobFileView file;
  ASSERT_EQ(parse_blob_file(blob_, file), BlobError::ok);
  BlobVerifier v;
  ChunkPacketView view;
  ASSERT_EQ(parse_chunk_packet(testing::make_packets(file)[0], view), BlobError::ok);
  EXPECT_EQ(v.accept_packet(view), BlobError::not_started);
}

TEST_F(BlobTest, ParserRejectsTruncationAndTrailingBytes) {
  BlobFileView file;
  auto longer = blob_;
  longer.push_back(0);
  EXPECT_EQ(parse_blob_file(longer, file), BlobError::malformed);
  EXPECT_EQ(parse_blob_file(std::span(blob_).first(blob_.size() - 1), file), BlobError::malformed);
  EXPECT_EQ(parse_blob_file(std::span(blob_).first(10), file), BlobError::malformed);
  auto bad_magic = blob_;
  bad_magic[0] = 'X';
  EXPECT_EQ(parse_blob_file(bad_magic, file), BlobError::bad_magic);
  auto bad_geometry = blob_;
  bad_geometry[39] ^= 1;  // chunk count low byte
  EXPECT_EQ(parse_blob_file(bad_geometry, file), BlobError::bad_geometry);
}

TEST_F(BlobTest, GeometryLimits) {
  std::vector<std::uint8_t> out;
  BlobBuilder builder(alice_.encryption_key, alice_.signer);
  EXPECT_EQ(builder.build(testing::make_params(1, {}, 0, 8), image_, out), BlobError::bad_geometry);
  EXPECT_EQ(builder.build(testing::make_params(1, {}, 0, 64), {}, out), BlobError::bad_geometry);
  const auto huge = testing::make_image(blob::max_chunk_count * 16 + 1);
  EXPECT_EQ(builder.build(testing::make_params(1, {}, 0, 16), huge, out), BlobError::bad_geometry);
}

TEST_F(BlobTest, WrongDecryptionKeyRejected) {
  BlobFileView file;
  ASSERT_EQ(parse_blob_file(blob_, file), BlobError::ok);
  std::vector<std::uint8_t> plain;
  EXPECT_EQ(decrypt_blob(file, bob_.encryption_key, plain), BlobError::unknown_key);
}

}  // namespace
}  // namespace meshsec::firmware
