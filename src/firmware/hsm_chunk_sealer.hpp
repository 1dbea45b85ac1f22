// firmware::ChunkSealer over a key-custody AES-256 key: every chunk is sealed with
// CKM_AES_GCM inside the HSM, so the blob key never exists outside it (M8).
#pragma once
#include "firmware/chunk_sealer.hpp"
#include "hsm/key_custody.hpp"

namespace meshsec::firmware {

class HsmChunkSealer final : public ChunkSealer {
 public:
  // key: an AES-256 secret in `store` with encrypt usage. key_id: its public id; the HSM
  // cannot compute an HMAC id of a non-extractable key, so the caller names it (for the
  // customer's blob key: keys::compute_key_id of the derivation input).
  HsmChunkSealer(hsm::KeyStore& store, hsm::ObjectHandle key, const blob::KeyId& key_id) noexcept
      : store_(store), key_(key), key_id_(key_id) {}

  [[nodiscard]] const blob::KeyId& key_id() const noexcept override { return key_id_; }
  [[nodiscard]] BlobError seal(std::span<const std::uint8_t, blob::nonce_size> nonce,
                               std::span<const std::uint8_t, blob::aad_size> aad,
                               std::span<const std::uint8_t> plaintext, std::span<std::uint8_t> record) override;

 private:
  hsm::KeyStore& store_;
  hsm::ObjectHandle key_;
  blob::KeyId key_id_{};
};

}  // namespace meshsec::firmware
