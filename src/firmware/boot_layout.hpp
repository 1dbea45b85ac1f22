// Byte layouts of the secure boot chain (docs/blob-format.md §7–§9), in one place:
//
//   keystore    customer public keys, signed by the vendor root key
//   app image   customer application, signed by a key of the keystore
//   boot image  keystore ‖ app image, the file `meshsec boot verify` reads
#pragma once
#include <array>
#include <cstddef>
#include <cstdint>
#include <span>

#include "firmware/blob_error.hpp"
#include "firmware/blob_layout.hpp"
#include "firmware/blob_signer.hpp"
#include "firmware/firmware_version.hpp"

namespace meshsec::firmware {

enum class Environment : std::uint8_t { development = 1, production = 2 };
enum class KeyUsage : std::uint8_t { application_signing = 1, blob_verification = 2 };

[[nodiscard]] constexpr const char* to_string(Environment e) noexcept {
  return e == Environment::production ? "production" : "development";
}

namespace boot {
inline constexpr std::array<std::uint8_t, 4> keystore_magic = {'M', 'S', 'K', 'S'};
inline constexpr std::array<std::uint8_t, 4> app_magic = {'M', 'S', 'A', 'P'};
inline constexpr std::array<std::uint8_t, 4> image_magic = {'M', 'S', 'B', 'I'};
inline constexpr std::uint8_t format_version = 1;
inline constexpr std::size_t max_keystore_keys = 4;
inline constexpr std::size_t keystore_entry_size = 1 + crypto::ed25519_public_size;
inline constexpr std::size_t keystore_fixed_size = 4 + 1 + 1 + 8 + 4 + 8 + 1;  // before the entries
inline constexpr std::size_t max_keystore_body = keystore_fixed_size + max_keystore_keys * keystore_entry_size;
inline constexpr std::size_t max_keystore_size = max_keystore_body + blob::signature_size;
inline constexpr std::size_t app_header_size = 74;
inline constexpr std::size_t max_app_size = 16U * 1024U * 1024U;
// Domains of the two signatures, so neither verifies as the other or as a blob signature.
inline constexpr std::array<std::uint8_t, 20> keystore_domain = {'m', 'e', 's', 'h', 's', 'e', 'c', ' ', 'k', 'e',
                                                                  'y', 's', 't', 'o', 'r', 'e', ' ', 'v', '1', 0};
inline constexpr std::array<std::uint8_t, 16> app_domain = {'m', 'e', 's', 'h', 's', 'e', 'c', ' ',
                                                             'a', 'p', 'p', ' ', 'v', '1', 0, 0};
}  // namespace boot

struct KeystoreEntry {
  KeyUsage usage = KeyUsage::application_signing;
  Ed25519PublicKey public_key{};
};

struct KeystoreView {
  Environment environment = Environment::production;
  std::uint64_t customer_id = 0;
  std::uint32_t counter = 0;  // keystore anti-rollback: a device refuses older keystores
  blob::KeyId vendor_key_id{};
  std::size_t key_count = 0;
  std::array<KeystoreEntry, boot::max_keystore_keys> keys{};
  std::span<const std::uint8_t> body;       // the signed bytes (without the domain)
  std::span<const std::uint8_t> signature;  // 64 bytes
};

struct AppImageView {
  Environment environment = Environment::production;
  std::uint64_t customer_id = 0;
  std::uint32_t product_id = 0;
  FirmwareVersion version{};
  std::uint32_t security_counter = 0;
  blob::Digest app_digest{};
  blob::KeyId signing_key_id{};
  std::span<const std::uint8_t> header;     // app_header_size signed bytes
  std::span<const std::uint8_t> app;        // application bytes
  std::span<const std::uint8_t> signature;  // 64 bytes
};

struct BootImageView {
  std::span<const std::uint8_t> keystore;
  std::span<const std::uint8_t> app_image;
};

// Errors: malformed, bad_magic, unsupported_format.
[[nodiscard]] BlobError parse_keystore(std::span<const std::uint8_t> bytes, KeystoreView& out) noexcept;
[[nodiscard]] BlobError parse_app_image(std::span<const std::uint8_t> bytes, AppImageView& out) noexcept;
[[nodiscard]] BlobError parse_boot_image(std::span<const std::uint8_t> bytes, BootImageView& out) noexcept;

// The exact message each signature covers: domain ‖ signed bytes. Errors: no_room.
[[nodiscard]] BlobError keystore_signing_message(std::span<const std::uint8_t> body, std::span<std::uint8_t> out,
                                                 std::size_t& length) noexcept;
inline constexpr std::size_t max_keystore_signing_message = boot::keystore_domain.size() + boot::max_keystore_body;
inline constexpr std::size_t app_signing_message_size = boot::app_domain.size() + boot::app_header_size;
void app_signing_message(std::span<const std::uint8_t, boot::app_header_size> header,
                         std::span<std::uint8_t, app_signing_message_size> out) noexcept;

// Writers for the builders. Errors: malformed (too many keys, sizes), no_room.
[[nodiscard]] BlobError encode_keystore_body(Environment environment, std::uint64_t customer_id, std::uint32_t counter,
                                             const blob::KeyId& vendor_key_id,
                                             std::span<const KeystoreEntry> keys, wire::BoundedWriter& out) noexcept;
[[nodiscard]] BlobError encode_app_header(const AppImageView& fields, std::uint32_t app_size,
                                          std::span<std::uint8_t, boot::app_header_size> out) noexcept;
[[nodiscard]] BlobError encode_boot_image(std::span<const std::uint8_t> keystore,
                                          std::span<const std::uint8_t> app_image, wire::BoundedWriter& out) noexcept;

}  // namespace meshsec::firmware
