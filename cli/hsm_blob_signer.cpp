#include "hsm_blob_signer.hpp"

#include <algorithm>
#include <stdexcept>

namespace meshsec::cli {

HsmBlobSigner::HsmBlobSigner(hsm::KeyStore& store, hsm::ObjectHandle private_key) : store_(store), key_(private_key) {
  auto pub = store_.public_key(key_);
  if (!pub || pub.value().size() != public_key_.size())
    throw std::runtime_error("blob signing key: no Ed25519 public key in custody");
  std::copy(pub.value().begin(), pub.value().end(), public_key_.begin());
}

crypto::Status HsmBlobSigner::sign(std::span<const std::uint8_t> message,
                                   std::span<std::uint8_t, crypto::ed25519_signature_size> out) {
  auto signature = store_.sign(key_, hsm::SignMechanism::ed25519, message);
  if (!signature || signature.value().size() != out.size()) return crypto::Status::backend_failure;
  std::copy(signature.value().begin(), signature.value().end(), out.begin());
  return crypto::Status::ok;
}

}  // namespace meshsec::cli
