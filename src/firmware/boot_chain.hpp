// Secure boot chain (W1, docs/blob-format.md §10), run by the OS before it starts the
// customer application:
//
//   vendor root key (in ROM) ──verifies──► keystore of customer keys (dev or prod)
//   keystore application key ──verifies──► customer application image ──► run
//
// with the device's lifecycle lock (a production-locked device refuses development
// keystores and images) and anti-rollback floors for the keystore and the application.
// Every step is recorded so tools can show where a chain broke.
#pragma once
#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>

#include "firmware/blob_error.hpp"
#include "firmware/boot_layout.hpp"
#include "firmware/firmware_version.hpp"

namespace meshsec::firmware {

struct DeviceBootState {
  Ed25519PublicKey vendor_root{};
  Environment lock = Environment::production;  // production: only production keystores run
  std::optional<std::uint64_t> customer_id;    // set when the device is bound to a customer
  std::optional<std::uint32_t> product_id;
  std::uint32_t min_keystore_counter = 0;
  InstalledFirmware installed{};  // the application must not be older
};

enum class BootStep : std::uint8_t {
  boot_image_parse,
  keystore_parse,
  keystore_vendor_signature,
  keystore_environment,
  keystore_customer,
  keystore_rollback,
  app_parse,
  app_customer,
  app_key_lookup,
  app_signature,
  app_environment,
  app_digest,
  app_rollback,
};
inline constexpr std::size_t boot_step_count = 13;

[[nodiscard]] const char* to_string(BootStep step) noexcept;

struct BootStepResult {
  BootStep step = BootStep::boot_image_parse;
  BlobError result = BlobError::malformed;
};

struct BootReport {
  std::array<BootStepResult, boot_step_count> steps{};
  std::size_t step_count = 0;  // steps run; the chain stops at the first failure
  BlobError result = BlobError::malformed;
  KeystoreView keystore{};  // filled as far as parsing got
  AppImageView app{};
};

// Verifies a boot image (keystore ‖ app image) against the device state. Returns ok only
// when every step passed; report.app.app is then the application to run.
// Errors: malformed, bad_magic, unsupported_format, bad_signature, wrong_environment,
// wrong_customer, wrong_product, rollback, key_not_in_keystore, digest_mismatch, crypto_failure.
[[nodiscard]] BlobError verify_boot_image(std::span<const std::uint8_t> image, const DeviceBootState& device,
                                          BootReport& report) noexcept;

// Verifies only the keystore step (also used when an update carries a new keystore).
[[nodiscard]] BlobError verify_keystore(std::span<const std::uint8_t> keystore, const DeviceBootState& device,
                                        KeystoreView& out) noexcept;

// The first key of a usage in a verified keystore, by key id (nullptr when absent).
[[nodiscard]] const KeystoreEntry* find_keystore_key(const KeystoreView& keystore, KeyUsage usage,
                                                     const blob::KeyId& key_id) noexcept;

}  // namespace meshsec::firmware
