// The masters of one customer and environment as literal bytes. Production code never holds
// one: its masters are custody handles (keys/customer_masters.hpp). This is what the
// simulator, tests and the published development masters use, and it derives exactly the
// keys custody derives.
#pragma once
#include <array>
#include <cstdint>

#include "crypto/secret.hpp"
#include "keys/derivation_input.hpp"
#include "keys/key_derivation.hpp"

namespace meshsec::keys {

inline constexpr std::size_t blob_verification_key_size = 32;  // Ed25519 public key

struct MasterKeyMaterial {
  crypto::SecretArray<master_key_size> auth;  // node-authentication master
  crypto::SecretArray<master_key_size> enc;   // node-encryption master
  crypto::SecretArray<master_key_size> e2;    // E2 master
  crypto::SecretArray<master_key_size> net;   // network-key master
  crypto::SecretArray<master_key_size> blob;  // blob-decryption-key master
  // Public half of the customer's blob signing key (the private half stays in custody).
  std::array<std::uint8_t, blob_verification_key_size> blob_verification_key{};

  // The master for a purpose (cover keys and chain seeds: the network master); nullptr for an
  // invalid purpose.
  [[nodiscard]] const crypto::SecretArray<master_key_size>* master(KeyPurpose purpose) const noexcept {
    switch (master_purpose(purpose)) {
      case KeyPurpose::auth: return &auth;
      case KeyPurpose::enc: return &enc;
      case KeyPurpose::e2: return &e2;
      case KeyPurpose::net: return &net;
      case KeyPurpose::blob: return &blob;
      case KeyPurpose::cover:
      case KeyPurpose::chain: break;  // master_purpose() never gives cover or chain
    }
    return nullptr;
  }
};

}  // namespace meshsec::keys
