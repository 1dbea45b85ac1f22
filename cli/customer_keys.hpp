// The development vendor keys of the secure boot chain.
//
// DEVELOPMENT KEYS, INSECURE FOR PRODUCTION. Both seeds are derived with HKDF-SHA256 from
// one fixed, published development master (docs/blob-format.md §12), so anyone can
// recompute them and sign images a development-rooted device will boot. They are only
// ever imported into the development custody objects (keys/vendor_signing_keys.hpp,
// environment dev), so that development and production sign through the same HSM path;
// nothing signs with them in software. Customer keys live in custody (docs/factory.md).
#pragma once
#include "crypto/secret.hpp"
#include "firmware/blob_signer.hpp"

namespace meshsec::cli {

struct DevVendorKeys {
  crypto::SecretArray<32> root_seed;     // development vendor root, signs keystores
  firmware::Ed25519PublicKey root_public{};
  crypto::SecretArray<32> dev_app_seed;  // common development application key (W9)
  firmware::Ed25519PublicKey dev_app_public{};
};

// Throws std::runtime_error when the crypto layer fails (process edge only).
[[nodiscard]] DevVendorKeys dev_vendor_keys();

}  // namespace meshsec::cli
