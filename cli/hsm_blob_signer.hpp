// firmware::BlobSigner over a key-custody Ed25519 key: blobs, keystores and application
// images are signed inside the HSM (CKM_EDDSA); the private key never leaves it.
#pragma once
#include "firmware/blob_signer.hpp"
#include "hsm/key_custody.hpp"

namespace meshsec::cli {

class HsmBlobSigner final : public firmware::BlobSigner {
 public:
  // private_key: the private half of an Ed25519 pair in `store` with sign usage. Throws
  // std::runtime_error when its public key cannot be read.
  HsmBlobSigner(hsm::KeyStore& store, hsm::ObjectHandle private_key);

  [[nodiscard]] const firmware::Ed25519PublicKey& public_key() const noexcept override { return public_key_; }
  [[nodiscard]] crypto::Status sign(std::span<const std::uint8_t> message,
                                    std::span<std::uint8_t, crypto::ed25519_signature_size> out) override;

 private:
  hsm::KeyStore& store_;
  hsm::ObjectHandle key_;
  firmware::Ed25519PublicKey public_key_{};
};

}  // namespace meshsec::cli
