#include "firmware/blob_decryptor.hpp"

#include "crypto/mac.hpp"
#include "crypto/secure_memory.hpp"
#include "firmware/key_id.hpp"

namespace meshsec::firmware {

BlobError BlobDecryptor::init(const BlobHeader& header, std::span<const std::uint8_t> key,
                              const blob::KeyId& expected_key_id) noexcept {
  ready_ = false;
  if (key.size() != blob::key_size) return BlobError::crypto_failure;
  // Key ids are public names; the comparison stays constant-time like every other here.
  if (!crypto::equal_constant_time(expected_key_id, header.encryption_key_id)) return BlobError::unknown_key;
  if (aead_.init(crypto::AeadMode::gcm, key, blob::tag_size) != crypto::Status::ok) return BlobError::crypto_failure;
  header_ = header;
  ready_ = true;
  return BlobError::ok;
}

BlobError BlobDecryptor::init(const BlobHeader& header, std::span<const std::uint8_t> key) noexcept {
  ready_ = false;
  blob::KeyId id{};
  if (key.size() != blob::key_size || secret_key_id(key, id) != BlobError::ok) return BlobError::crypto_failure;
  return init(header, key, id);
}

BlobError BlobDecryptor::decrypt_chunk(std::uint32_t index, ChunkRecordView record,
                                       std::span<std::uint8_t> out) noexcept {
  if (!ready_) return BlobError::not_started;
  if (index >= header_.chunk_count) return BlobError::chunk_out_of_range;
  if (record.ciphertext.size() != blob_chunk_length(header_, index) || record.tag.size() != blob::tag_size ||
      out.size() != record.ciphertext.size()) {
    return BlobError::malformed;
  }
  std::array<std::uint8_t, blob::nonce_size> nonce{};
  std::array<std::uint8_t, blob::aad_size> aad{};
  blob_chunk_nonce(header_, index, nonce);
  blob_chunk_aad(header_, index, aad);
  const crypto::Status s = aead_.open(nonce, aad, record.ciphertext, record.tag, out);
  if (s != crypto::Status::ok) {
    crypto::secure_wipe(out);
    return BlobError::decrypt_failed;
  }
  return BlobError::ok;
}

BlobError decrypt_blob(const BlobFileView& file, std::span<const std::uint8_t> key, std::vector<std::uint8_t>& image) {
  blob::KeyId id{};
  if (key.size() != blob::key_size || secret_key_id(key, id) != BlobError::ok) {
    image.clear();
    return BlobError::crypto_failure;
  }
  return decrypt_blob(file, key, id, image);
}

BlobError decrypt_blob(const BlobFileView& file, std::span<const std::uint8_t> key, const blob::KeyId& expected_key_id,
                       std::vector<std::uint8_t>& image) {
  image.assign(file.header.image_size, 0);
  const auto fail = [&image](BlobError e) {
    crypto::secure_wipe(image);
    image.clear();
    return e;
  };
  BlobDecryptor decryptor;
  if (const BlobError e = decryptor.init(file.header, key, expected_key_id); e != BlobError::ok) return fail(e);
  crypto::Sha256 digest;
  std::size_t offset = 0;
  for (std::uint32_t i = 0; i < file.header.chunk_count; ++i) {
    const ChunkRecordView record = blob_chunk_record(file, i);
    const auto out = std::span<std::uint8_t>(image).subspan(offset, record.ciphertext.size());
    if (const BlobError e = decryptor.decrypt_chunk(i, record, out); e != BlobError::ok) return fail(e);
    if (digest.update(out) != crypto::Status::ok) return fail(BlobError::crypto_failure);
    offset += out.size();
  }
  blob::Digest actual{};
  if (digest.finish(actual) != crypto::Status::ok) return fail(BlobError::crypto_failure);
  // Public value (the digest is in the signed header), compared with the usual helper.
  if (!crypto::equal_constant_time(actual, file.header.image_digest)) return fail(BlobError::digest_mismatch);
  return BlobError::ok;
}

}  // namespace meshsec::firmware
