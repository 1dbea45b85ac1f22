// Who encrypts blob chunks: an interface, so the builder runs one loop whether the blob key
// is held in software (tests, simulator) or stays inside the HSM (factory, `meshsec blob
// build`). Each chunk is AES-256-GCM with the nonce and AAD of docs/blob-format.md §4.
#pragma once
#include <array>
#include <cstdint>
#include <span>

#include "crypto/aead.hpp"
#include "firmware/blob_error.hpp"
#include "firmware/blob_layout.hpp"

namespace meshsec::firmware {

class ChunkSealer {
 public:
  virtual ~ChunkSealer() = default;
  // The id written into the header's encryption_key_id (a public name of the key).
  [[nodiscard]] virtual const blob::KeyId& key_id() const noexcept = 0;
  // Seals `plaintext` into `record` = ciphertext ‖ tag (plaintext.size() + tag_size bytes).
  // Errors: malformed (record size), crypto_failure.
  [[nodiscard]] virtual BlobError seal(std::span<const std::uint8_t, blob::nonce_size> nonce,
                                       std::span<const std::uint8_t, blob::aad_size> aad,
                                       std::span<const std::uint8_t> plaintext, std::span<std::uint8_t> record) = 0;
};

// Software sealer keyed once with a 32-byte blob key.
class SoftwareChunkSealer final : public ChunkSealer {
 public:
  // key_id: the public id the caller names the key by (for a hierarchy key,
  // keys::compute_key_id of its derivation input). Errors: crypto_failure.
  [[nodiscard]] BlobError init(std::span<const std::uint8_t> key, const blob::KeyId& key_id) noexcept;
  // Id = secret_key_id(key) (the HMAC id, for keys outside the hierarchy). Errors: crypto_failure.
  [[nodiscard]] BlobError init(std::span<const std::uint8_t> key) noexcept;

  [[nodiscard]] const blob::KeyId& key_id() const noexcept override { return key_id_; }
  [[nodiscard]] BlobError seal(std::span<const std::uint8_t, blob::nonce_size> nonce,
                               std::span<const std::uint8_t, blob::aad_size> aad,
                               std::span<const std::uint8_t> plaintext, std::span<std::uint8_t> record) override;

 private:
  crypto::AesAead aead_;
  blob::KeyId key_id_{};
  bool ready_ = false;
};

}  // namespace meshsec::firmware
