#include "firmware/chunk_sealer.hpp"

#include "firmware/key_id.hpp"

namespace meshsec::firmware {

BlobError SoftwareChunkSealer::init(std::span<const std::uint8_t> key, const blob::KeyId& key_id) noexcept {
  ready_ = false;
  if (key.size() != blob::key_size) return BlobError::crypto_failure;
  if (aead_.init(crypto::AeadMode::gcm, key, blob::tag_size) != crypto::Status::ok) return BlobError::crypto_failure;
  key_id_ = key_id;
  ready_ = true;
  return BlobError::ok;
}

BlobError SoftwareChunkSealer::init(std::span<const std::uint8_t> key) noexcept {
  ready_ = false;
  blob::KeyId id{};
  if (key.size() != blob::key_size || secret_key_id(key, id) != BlobError::ok) return BlobError::crypto_failure;
  return init(key, id);
}

BlobError SoftwareChunkSealer::seal(std::span<const std::uint8_t, blob::nonce_size> nonce,
                                    std::span<const std::uint8_t, blob::aad_size> aad,
                                    std::span<const std::uint8_t> plaintext, std::span<std::uint8_t> record) {
  if (!ready_) return BlobError::crypto_failure;
  if (record.size() != plaintext.size() + blob::tag_size) return BlobError::malformed;
  const std::size_t length = plaintext.size();
  if (aead_.seal(nonce, aad, plaintext, record.first(length), record.subspan(length)) != crypto::Status::ok) {
    return BlobError::crypto_failure;
  }
  return BlobError::ok;
}

}  // namespace meshsec::firmware
