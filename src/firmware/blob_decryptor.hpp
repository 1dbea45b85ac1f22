// Gateway side: decrypts chunks of a blob whose header a BlobVerifier has accepted. A
// separate step from verification, because only gateways hold the blob decryption key.
#pragma once
#include <cstdint>
#include <span>
#include <vector>

#include "crypto/aead.hpp"
#include "firmware/blob_error.hpp"
#include "firmware/blob_layout.hpp"

namespace meshsec::firmware {

class BlobDecryptor {
 public:
  // header: a header that verified (BlobVerifier::header()). key: 32-byte blob key.
  // expected_key_id: the public id the caller knows this key by (for a hierarchy key,
  // keys::compute_key_id of its derivation input); the header must name the same one.
  // Errors: unknown_key (header names another key), crypto_failure.
  [[nodiscard]] BlobError init(const BlobHeader& header, std::span<const std::uint8_t> key,
                               const blob::KeyId& expected_key_id) noexcept;
  // As above with expected_key_id = secret_key_id(key) (keys outside the hierarchy).
  [[nodiscard]] BlobError init(const BlobHeader& header, std::span<const std::uint8_t> key) noexcept;
  // out.size() must equal the chunk length. On failure out is zeroed.
  // Errors: not_started, chunk_out_of_range, malformed, decrypt_failed.
  [[nodiscard]] BlobError decrypt_chunk(std::uint32_t index, ChunkRecordView record,
                                        std::span<std::uint8_t> out) noexcept;

 private:
  BlobHeader header_{};
  crypto::AesAead aead_;
  bool ready_ = false;
};

// Host helper for a whole blob file already verified: decrypts every chunk and checks the
// plaintext against the signed image digest. On failure `image` is wiped and cleared.
// Errors: as BlobDecryptor, digest_mismatch.
[[nodiscard]] BlobError decrypt_blob(const BlobFileView& file, std::span<const std::uint8_t> key,
                                     const blob::KeyId& expected_key_id, std::vector<std::uint8_t>& image);
// expected_key_id = secret_key_id(key).
[[nodiscard]] BlobError decrypt_blob(const BlobFileView& file, std::span<const std::uint8_t> key,
                                     std::vector<std::uint8_t>& image);

}  // namespace meshsec::firmware
