// Firmware blobs built and opened inside custody (M2, M6): the blob key (purpose blob,
// derived from the customer's blob master) encrypts and decrypts chunks with CKM_AES_GCM
// inside the HSM, and the customer's Ed25519 blob signing key signs the header there. The
// byte layout is firmware/blob_layout.hpp's; only the key operations move into the HSM.
#pragma once
#include <cstdint>
#include <span>
#include <vector>

#include "factory_customer.hpp"
#include "firmware/blob_builder.hpp"
#include "firmware/blob_error.hpp"
#include "firmware/blob_layout.hpp"
#include "hsm/key_custody.hpp"

namespace meshsec::cli {

// Builds a blob of `image`; params.customer_id is replaced by the customer's tag.
// Errors: bad_geometry, crypto_failure (a custody operation failed).
[[nodiscard]] firmware::BlobError seal_blob_in_custody(hsm::KeyStore& store, const FactoryCustomer& customer,
                                                       firmware::BlobBuildParams params, std::uint32_t blob_key_version,
                                                       std::span<const std::uint8_t> image,
                                                       std::vector<std::uint8_t>& out);

// The factory's input check: verifies the whole blob with the device-side BlobVerifier
// (signature under the customer's blob verification key, then every chunk against the
// signed Merkle root) BEFORE anything is decrypted; then decrypts every chunk inside
// custody and checks the image digest. On any error `image` is wiped and empty.
// Errors: those of BlobVerifier, unknown_key (encrypted under another blob key),
// decrypt_failed, digest_mismatch, crypto_failure.
[[nodiscard]] firmware::BlobError open_blob_in_custody(hsm::KeyStore& store, const FactoryCustomer& customer,
                                                       std::uint32_t blob_key_version,
                                                       std::span<const std::uint8_t> blob,
                                                       firmware::BlobHeader& header, std::vector<std::uint8_t>& image);

}  // namespace meshsec::cli
