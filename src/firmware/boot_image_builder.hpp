// Host side: builds keystores (signed by the vendor root), application images (signed by a
// customer key) and boot images (both together) for factory, tests and demos.
#pragma once
#include <cstdint>
#include <span>
#include <vector>

#include "firmware/blob_error.hpp"
#include "firmware/blob_signer.hpp"
#include "firmware/boot_layout.hpp"

namespace meshsec::firmware {

struct KeystoreParams {
  Environment environment = Environment::production;
  std::uint64_t customer_id = 0;
  std::uint32_t counter = 0;
  std::vector<KeystoreEntry> keys;  // 1..max_keystore_keys
};

struct AppImageParams {
  Environment environment = Environment::production;
  std::uint64_t customer_id = 0;
  std::uint32_t product_id = 0;
  FirmwareVersion version{};
  std::uint32_t security_counter = 0;
};

// Errors: malformed (no keys or too many), crypto_failure (signer).
[[nodiscard]] BlobError build_keystore(const KeystoreParams& params, BlobSigner& vendor_signer,
                                       std::vector<std::uint8_t>& out);
// Errors: malformed (empty or oversized app), crypto_failure.
[[nodiscard]] BlobError build_app_image(const AppImageParams& params, std::span<const std::uint8_t> app,
                                        BlobSigner& customer_signer, std::vector<std::uint8_t>& out);
// Errors: malformed.
[[nodiscard]] BlobError build_boot_image(std::span<const std::uint8_t> keystore,
                                         std::span<const std::uint8_t> app_image, std::vector<std::uint8_t>& out);

}  // namespace meshsec::firmware
