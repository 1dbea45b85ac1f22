// Who signs firmware: an interface, so the vendor's HSM (PKCS#11) can take the place of the
// software signer without touching the builders. Used for blobs, keystores and
// application images alike (each signs its own domain-separated message).
#pragma once
#include <array>
#include <cstdint>
#include <span>

#include "crypto/ed25519.hpp"
#include "crypto/secret.hpp"
#include "crypto/status.hpp"

namespace meshsec::firmware {

using Ed25519PublicKey = std::array<std::uint8_t, crypto::ed25519_public_size>;

class BlobSigner {
 public:
  virtual ~BlobSigner() = default;
  // The Ed25519 public key that verifies this signer's signatures.
  [[nodiscard]] virtual const Ed25519PublicKey& public_key() const noexcept = 0;
  // Signs `message` (pure Ed25519, RFC 8032). Errors: backend_failure, ...
  [[nodiscard]] virtual crypto::Status sign(std::span<const std::uint8_t> message,
                                            std::span<std::uint8_t, crypto::ed25519_signature_size> out) = 0;
};

// Software signer holding the 32-byte seed in a zeroizing SecretArray.
class SoftwareBlobSigner final : public BlobSigner {
 public:
  // Errors: invalid_public_key / backend_failure when the seed cannot be loaded.
  [[nodiscard]] crypto::Status init(std::span<const std::uint8_t, crypto::ed25519_seed_size> seed) noexcept;
  [[nodiscard]] const Ed25519PublicKey& public_key() const noexcept override { return public_key_; }
  [[nodiscard]] crypto::Status sign(std::span<const std::uint8_t> message,
                                    std::span<std::uint8_t, crypto::ed25519_signature_size> out) override;

 private:
  crypto::SecretArray<crypto::ed25519_seed_size> seed_;
  Ed25519PublicKey public_key_{};
  bool ready_ = false;
};

}  // namespace meshsec::firmware
