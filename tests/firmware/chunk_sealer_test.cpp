// The pluggable chunk sealer: one build loop whether the blob key is in software or inside
// a key store, and the header's encryption_key_id is the id the caller names the key by.
#include <gtest/gtest.h>

#include "firmware/blob_builder.hpp"
#include "firmware/blob_decryptor.hpp"
#include "firmware/chunk_sealer.hpp"
#include "firmware/hsm_chunk_sealer.hpp"
#include "hsm/memory_key_store.hpp"
#include "blob_fixture.hpp"

namespace meshsec::firmware {
namespace {

using testing::CustomerKeys;

constexpr blob::KeyId kNamedId{1, 2, 3, 4, 5, 6, 7, 8};

class ChunkSealerTest : public ::testing::Test {
 protected:
  void SetUp() override { testing::make_customer(0x41, alice_); }

  BlobBuildParams params() const {
    BlobBuildParams p = testing::make_params(0xa11ce, {1, 2, 3, 0}, 5, 100);
    p.blob_id = blob::BlobId{9, 9, 9, 9, 9, 9, 9, 9};
    return p;
  }
  CustomerKeys alice_;
};

TEST_F(ChunkSealerTest, KeyStoreSealerBuildsTheSameBytesAsSoftware) {
  const auto image = testing::make_image(1000);
  SoftwareChunkSealer software;
  ASSERT_EQ(software.init(alice_.encryption_key, kNamedId), BlobError::ok);
  std::vector<std::uint8_t> from_software;
  ASSERT_EQ(BlobBuilder(software, alice_.signer).build(params(), image, from_software), BlobError::ok);

  hsm::MemoryKeyStore::Options options;
  options.allow_import = true;
  hsm::MemoryKeyStore store(options);
  hsm::KeyTemplate tmpl;
  tmpl.label = "blob";
  tmpl.type = hsm::KeyType::aes256;
  tmpl.usage.encrypt = true;
  auto key = store.import_secret(tmpl, alice_.encryption_key);
  ASSERT_TRUE(key);
  HsmChunkSealer in_store(store, key.value(), kNamedId);
  std::vector<std::uint8_t> from_store;
  ASSERT_EQ(BlobBuilder(in_store, alice_.signer).build(params(), image, from_store), BlobError::ok);
  EXPECT_EQ(from_store, from_software);

  BlobFileView file;
  ASSERT_EQ(parse_blob_file(from_store, file), BlobError::ok);
  EXPECT_EQ(file.header.encryption_key_id, kNamedId);
  std::vector<std::uint8_t> plain;
  ASSERT_EQ(decrypt_blob(file, alice_.encryption_key, kNamedId, plain), BlobError::ok);
  EXPECT_EQ(plain, image);
}

TEST_F(ChunkSealerTest, DecryptorRefusesAHeaderNamingAnotherKey) {
  const auto image = testing::make_image(500);
  SoftwareChunkSealer sealer;
  ASSERT_EQ(sealer.init(alice_.encryption_key, kNamedId), BlobError::ok);
  std::vector<std::uint8_t> blob;
  ASSERT_EQ(BlobBuilder(sealer, alice_.signer).build(params(), image, blob), BlobError::ok);
  BlobFileView file;
  ASSERT_EQ(parse_blob_file(blob, file), BlobError::ok);
  std::vector<std::uint8_t> plain;
  blob::KeyId other = kNamedId;
  other[7] ^= 1;
  EXPECT_EQ(decrypt_blob(file, alice_.encryption_key, other, plain), BlobError::unknown_key);
  EXPECT_TRUE(plain.empty());
  // The HMAC id of the raw key is not the name this blob carries either.
  EXPECT_EQ(decrypt_blob(file, alice_.encryption_key, plain), BlobError::unknown_key);
}

TEST_F(ChunkSealerTest, KeyStoreSealerWithoutEncryptUsageFailsTheBuild) {
  hsm::MemoryKeyStore::Options options;
  options.allow_import = true;
  hsm::MemoryKeyStore store(options);
  hsm::KeyTemplate tmpl;
  tmpl.label = "blob";
  tmpl.type = hsm::KeyType::aes256;
  tmpl.usage.decrypt = true;  // no encrypt
  auto key = store.import_secret(tmpl, alice_.encryption_key);
  ASSERT_TRUE(key);
  HsmChunkSealer sealer(store, key.value(), kNamedId);
  std::vector<std::uint8_t> blob;
  EXPECT_EQ(BlobBuilder(sealer, alice_.signer).build(params(), testing::make_image(300), blob),
            BlobError::crypto_failure);
  EXPECT_TRUE(blob.empty());
}

}  // namespace
}  // namespace meshsec::firmware
