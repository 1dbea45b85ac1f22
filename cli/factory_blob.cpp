#include "factory_blob.hpp"

#include <array>

#include "crypto/mac.hpp"
#include "crypto/random.hpp"
#include "crypto/secure_memory.hpp"
#include "firmware/blob_verifier.hpp"
#include "firmware/key_id.hpp"
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
  const std::uint32_t count = blob_chunk_count(image.size(), params.chunk_size);
  if (count == 0 || image.size() > UINT32_MAX) return BlobError::bad_geometry;
  const hsm::ObjectHandle key = blob_key_in_custody(store, customer, blob_key_version);
  HsmBlobSigner signer(store, customer.masters.blob_signing.private_key);

  BlobHeader h;
  h.customer_id = customer.tag;
  h.product_id = params.product_id;
  h.version = params.version;
  h.security_counter = params.security_counter;
  h.image_size = static_cast<std::uint32_t>(image.size());
  h.chunk_size = static_cast<std::uint16_t>(params.chunk_size);
  h.chunk_count = static_cast<std::uint16_t>(count);
  if (params.blob_id) {
    h.blob_id = *params.blob_id;
  } else if (crypto::random_bytes(h.blob_id) != crypto::Status::ok) {
    return BlobError::crypto_failure;
  }
  h.encryption_key_id = blob_key_id(customer, blob_key_version);
  if (public_key_id(signer.public_key(), h.signing_key_id) != BlobError::ok ||
      crypto::sha256({image}, h.image_digest) != crypto::Status::ok)
    return BlobError::crypto_failure;

  std::vector<std::uint8_t> blob(blob_file_size(h), 0);
  const auto chunk_area = std::span<std::uint8_t>(blob).subspan(blob::signed_header_size);
  std::vector<blob::Digest> leaves(count);
  std::size_t offset = 0;
  for (std::uint32_t i = 0; i < count; ++i) {
    const std::size_t length = blob_chunk_length(h, i);
    std::array<std::uint8_t, blob::nonce_size> nonce{};
    std::array<std::uint8_t, blob::aad_size> aad{};
    blob_chunk_nonce(h, i, nonce);
    blob_chunk_aad(h, i, aad);
    auto sealed = store.aead_encrypt(key, chunk_params(nonce, aad), image.subspan(std::size_t{i} * h.chunk_size, length));
    if (!sealed || sealed.value().size() != length + blob::tag_size) return BlobError::crypto_failure;
    const auto record = chunk_area.subspan(offset, sealed.value().size());
    std::copy(sealed.value().begin(), sealed.value().end(), record.begin());
    if (blob_leaf_hash(h, i, ChunkRecordView{record.first(length), record.subspan(length)}, leaves[i]) != BlobError::ok)
      return BlobError::crypto_failure;
    offset += record.size();
  }
  (void)store.destroy(key);
  MerkleTree tree;
  if (const BlobError e = tree.build(leaves); e != BlobError::ok) return e;
  h.chunk_root = tree.root();
  const auto header_bytes = std::span<std::uint8_t>(blob).first<blob::header_size>();
  if (const BlobError e = encode_blob_header(h, header_bytes); e != BlobError::ok) return e;
  std::array<std::uint8_t, blob::signing_message_size> message{};
  blob_signing_message(header_bytes, message);
  if (signer.sign(message, std::span<std::uint8_t>(blob).subspan(blob::header_size).first<blob::signature_size>()) !=
      crypto::Status::ok)
    return BlobError::crypto_failure;
  out = std::move(blob);
  return BlobError::ok;
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
