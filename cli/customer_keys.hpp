// Firmware keys of a customer for the `meshsec blob` and `meshsec boot` commands.
//
// DEVELOPMENT KEYS, INSECURE FOR PRODUCTION. Every key here is derived with HKDF-SHA256
// from one fixed, published development master (docs/blob-format.md §12), so anyone can
// recompute them. They exist so the commands work before the HSM-backed factory does;
// this file is the one place to replace with PKCS#11 custody (blob encryption inside the
// HSM or an unwrapped key, BlobSigner backed by an HSM Ed25519 key).
#pragma once
#include <cstdint>
#include <string_view>

#include "crypto/secret.hpp"
#include "firmware/blob_signer.hpp"

namespace meshsec::cli {

struct DevCustomerKeys {
  std::uint64_t customer_tag = 0;                  // firmware::customer_tag(customer id)
  crypto::SecretArray<32> blob_encryption_key;     // AES-256, blobs (gateways decrypt)
  crypto::SecretArray<32> blob_signing_seed;       // Ed25519, signs blobs
  firmware::Ed25519PublicKey blob_verification_key{};
  crypto::SecretArray<32> app_signing_seed;        // Ed25519, signs production applications
  firmware::Ed25519PublicKey app_verification_key{};
};

struct DevVendorKeys {
  crypto::SecretArray<32> root_seed;               // signs keystores
  firmware::Ed25519PublicKey root_public{};        // the boot ROM's anchor
  crypto::SecretArray<32> dev_app_seed;            // common development application key (W9)
  firmware::Ed25519PublicKey dev_app_public{};
};

// Throws std::invalid_argument for an invalid customer id, std::runtime_error when the
// crypto layer fails (process edge only).
[[nodiscard]] DevCustomerKeys dev_customer_keys(std::string_view customer_id);
[[nodiscard]] DevVendorKeys dev_vendor_keys();

}  // namespace meshsec::cli
