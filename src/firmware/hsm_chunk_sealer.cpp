#include "firmware/hsm_chunk_sealer.hpp"

#include <algorithm>

namespace meshsec::firmware {

BlobError HsmChunkSealer::seal(std::span<const std::uint8_t, blob::nonce_size> nonce,
                               std::span<const std::uint8_t, blob::aad_size> aad,
                               std::span<const std::uint8_t> plaintext, std::span<std::uint8_t> record) {
  if (record.size() != plaintext.size() + blob::tag_size) return BlobError::malformed;
  const hsm::AeadParams params{crypto::AeadMode::gcm, nonce, aad, blob::tag_size};
  auto sealed = store_.aead_encrypt(key_, params, plaintext);
  // PKCS#11 returns ciphertext ‖ tag, the record's own layout.
  if (!sealed || sealed.value().size() != record.size()) return BlobError::crypto_failure;
  std::copy(sealed.value().begin(), sealed.value().end(), record.begin());
  return BlobError::ok;
}

}  // namespace meshsec::firmware
