#include "firmware/blob_signer.hpp"

namespace meshsec::firmware {

crypto::Status SoftwareBlobSigner::init(std::span<const std::uint8_t, crypto::ed25519_seed_size> seed) noexcept {
  ready_ = false;
  seed_.assign(seed);
  const crypto::Status s = crypto::ed25519_public_from_seed(seed_.span(), public_key_);
  if (s != crypto::Status::ok) {
    seed_.wipe();
    return s;
  }
  ready_ = true;
  return crypto::Status::ok;
}

crypto::Status SoftwareBlobSigner::sign(std::span<const std::uint8_t> message,
                                        std::span<std::uint8_t, crypto::ed25519_signature_size> out) {
  if (!ready_) return crypto::Status::not_initialised;
  return crypto::ed25519_sign(seed_.span(), message, out);
}

}  // namespace meshsec::firmware
