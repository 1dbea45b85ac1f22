#include "factory_blob.hpp"

#include <array>

#include "crypto/mac.hpp"
#include "crypto/secure_memory.hpp"
#include "firmware/blob_verifier.hpp"
#include "firmware/hsm_chunk_sealer.hpp"
#include "firmware/merkle_tree.hpp"
#include "hsm_blob_signer.hpp"

namespace meshsec::cli {
namespace {

hsm::AeadParams chunk_params(std::span<const std::uint8_t> nonce, std::span<const std::uint8_t> aad) {
  return hsm::AeadParams{crypto::AeadMode::gcm, nonce, aad, firmware::blob::tag_size};
}

}  // namespace

firmware::BlobError seal_blob_in_custody(hsm::KeyStore& store, const FactoryCustomer& customer,
                                         firmware::BlobBuildParams params, std::uint32_t blob_key_version,
                                         std::span<const std::uint8_t> image, std::vector<std::uint8_t>& out) {
  using namespace firmware;
  out.clear();
  if (blob_chunk_count(image.size(), params.chunk_size) == 0 || image.size() > UINT32_MAX)
    return BlobError::bad_geometry;
  params.customer_id = customer.tag;
  HsmBlobSigner signer(store, customer.masters.blob_signing.private_key);
  // The derived key object is a session copy; it goes once the blob is sealed.
  const hsm::ObjectHandle key = blob_key_in_custody(store, customer, blob_key_version);
  HsmChunkSealer sealer(store, key, blob_key_id(customer, blob_key_version));
  const BlobError e = BlobBuilder(sealer, signer).build(params, image, out);
  (void)store.destroy(key);
  return e;
}

firmware::BlobError open_blob_in_custody(hsm::KeyStore& store, const FactoryCustomer& customer,
                                         std::uint32_t blob_key_version, std::span<const std::uint8_t> blob,
                                         firmware::BlobHeader& header, std::vector<std::uint8_t>& image) {
  using namespace firmware;
  image.clear();
  // 1. Verify everything with the device-side verifier; nothing is decrypted before.
  BlobFileView file;
  if (const BlobError e = parse_blob_file(blob, file); e != BlobError::ok) return e;
  BlobVerifier verifier;
  BlobPolicy policy;
  policy.customer_id = customer.tag;
  if (const BlobError e = verifier.begin(blob.first(blob::signed_header_size), customer.blob_verification_key, policy);
      e != BlobError::ok)
    return e;
  const BlobHeader& h = verifier.header();
  std::vector<blob::Digest> leaves(h.chunk_count);
  for (std::uint32_t i = 0; i < h.chunk_count; ++i) {
    if (blob_leaf_hash(h, i, blob_chunk_record(file, i), leaves[i]) != BlobError::ok) return BlobError::crypto_failure;
  }
  MerkleTree tree;
  if (const BlobError e = tree.build(leaves); e != BlobError::ok) return e;
  for (std::uint32_t i = 0; i < h.chunk_count; ++i) {
    const auto path = tree.path(i);
    if (const BlobError e = verifier.accept_chunk(i, blob_chunk_record(file, i), path); e != BlobError::ok) return e;
  }
  if (!verifier.complete()) return BlobError::incomplete;
  if (h.encryption_key_id != blob_key_id(customer, blob_key_version)) return BlobError::unknown_key;

  // 2. Decrypt inside custody and check the signed digest of the plaintext.
  const hsm::ObjectHandle key = blob_key_in_custody(store, customer, blob_key_version);
  const auto fail = [&](BlobError e) {
    crypto::secure_wipe(image);
    image.clear();
    (void)store.destroy(key);
    return e;
  };
  image.reserve(h.image_size);
  for (std::uint32_t i = 0; i < h.chunk_count; ++i) {
    const ChunkRecordView record = blob_chunk_record(file, i);
    std::array<std::uint8_t, blob::nonce_size> nonce{};
    std::array<std::uint8_t, blob::aad_size> aad{};
    blob_chunk_nonce(h, i, nonce);
    blob_chunk_aad(h, i, aad);
    // ciphertext ‖ tag are adjacent in the file, as PKCS#11 takes them.
    const std::span<const std::uint8_t> sealed(record.ciphertext.data(), record.ciphertext.size() + record.tag.size());
    auto plain = store.aead_decrypt(key, chunk_params(nonce, aad), sealed);
    if (!plain) return fail(plain.error() == hsm::HsmError::auth_failed ? BlobError::decrypt_failed
                                                                         : BlobError::crypto_failure);
    image.insert(image.end(), plain.value().span().begin(), plain.value().span().end());
  }
  blob::Digest digest{};
  if (crypto::sha256({image}, digest) != crypto::Status::ok) return fail(BlobError::crypto_failure);
  if (!crypto::equal_constant_time(digest, h.image_digest)) return fail(BlobError::digest_mismatch);
  (void)store.destroy(key);
  header = h;
  return BlobError::ok;
}

}  // namespace meshsec::cli
