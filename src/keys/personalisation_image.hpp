// M6/S4/W2: the personalisation image — everything one node receives at the factory, in the
// one byte layout the factory writes and the node's first boot reads (docs/factory.md
// §Image, byte by byte). Encoded and parsed only here, through wire::BoundedWriter and
// wire::BoundedReader; fixed-size fields, no heap, so the parser runs on a device.
//
//   "MSPI" ‖ version 3 ‖ flags ‖ environment ‖ u16 key bits ‖ u8 n ‖ customer id (n)
//   ‖ u32 node id ‖ u32 key version ‖ u32 network id ‖ u8 network key index
//   ‖ u32 blob key version ‖ secret serial (9) ‖ auth ‖ enc ‖ e2 ‖ network key (k each)
//   ‖ 17 cover keys (k each, level 0 = the whole network first, the node's leaf last)
//   ‖ u32 beacon chain rounds ‖ beacon anchor (16)
//   ‖ [blob decryption key (k) ‖ beacon chain seed (16), gateways only]
//   ‖ blob verification key (32) ‖ device authentication key (32) ‖ u16 m ‖ keystore (m)
//   ‖ SHA-256 of all before (32)
//
// Version 2 added the cover keys (broadcast rekeying, keys/cover_tree.hpp), version 3 the
// beacon chain (mesh/beacon_chain.hpp). An older image lacks one or both: a node booted
// from version 1 could never follow a broadcast rekey, one booted from version 2 could
// never check a beacon (no anchor), and a gateway from version 2 could send none (no seed).
// Both are refused (unsupported_version) rather than accepted half-provisioned.
//
// The trailing SHA-256 is a checksum against corruption on the programming link, not
// authentication: the image is produced by the factory HSM flow and written once into the
// node's protected storage, which is then locked (no read-back, docs/factory.md §Locked).
#pragma once
#include <array>
#include <cstddef>
#include <cstdint>
#include <span>
#include <string_view>

#include "crypto/secret.hpp"
#include "keys/cover_tree.hpp"
#include "keys/derivation_input.hpp"
#include "keys/node_key_set.hpp"

namespace meshsec::keys {

inline constexpr std::array<std::uint8_t, 4> personalisation_magic = {'M', 'S', 'P', 'I'};
inline constexpr std::uint8_t personalisation_format_version = 3;
inline constexpr std::uint8_t personalisation_flag_gateway = 0x01;
// MySensors' soft serial length (S3 salting, S5 compatibility).
inline constexpr std::size_t secret_serial_size = 9;
inline constexpr std::size_t device_auth_key_size = 32;  // P-256 private scalar (W2)
inline constexpr std::size_t max_image_keystore_size = 1024;
inline constexpr std::size_t personalisation_checksum_size = 32;
// Keys of k bytes in an image: auth, enc, e2, network, the cover path, the blob key.
inline constexpr std::size_t max_image_keys = 4 + cover_path_keys + 1;
// The beacon chain: rounds and anchor in every image, the seed in a gateway's.
inline constexpr std::size_t max_image_chain_size = 4 + beacon_chain_seed_size + beacon_chain_seed_size;
inline constexpr std::size_t max_personalisation_image_size =
    4 + 1 + 1 + 1 + 2 + 1 + max_customer_id_size + 4 + 4 + 4 + 1 + 4 + secret_serial_size +
    max_image_keys * max_key_bytes + max_image_chain_size + blob_verification_key_size + device_auth_key_size + 2 +
    max_image_keystore_size + personalisation_checksum_size;

enum class ImageError : std::uint8_t {
  ok = 0,
  truncated,            // fewer bytes than the layout needs
  trailing_bytes,       // bytes after the checksum
  bad_magic,            // not a personalisation image
  unsupported_version,  // format version this code does not know
  bad_field,            // a field holds a value the layout forbids (flags, environment, sizes, id,
                        // beacon chain rounds outside 1..max_beacon_chain_rounds)
  bad_checksum,         // the trailing SHA-256 does not match
  no_room,              // encode: output buffer too small
  crypto_failure,
};

[[nodiscard]] constexpr std::string_view to_string(ImageError e) noexcept {
  switch (e) {
    case ImageError::ok: return "ok";
    case ImageError::truncated: return "truncated";
    case ImageError::trailing_bytes: return "trailing_bytes";
    case ImageError::bad_magic: return "bad_magic";
    case ImageError::unsupported_version: return "unsupported_version";
    case ImageError::bad_field: return "bad_field";
    case ImageError::bad_checksum: return "bad_checksum";
    case ImageError::no_room: return "no_room";
    case ImageError::crypto_failure: return "crypto_failure";
  }
  return "unknown";
}

struct PersonalisationImage {
  Environment environment = Environment::prod;
  std::array<char, max_customer_id_size> customer_id_bytes{};
  std::size_t customer_id_size = 0;
  NodeKeySet keys;  // node id, key size, versions, derived keys, network and cover keys, blob keys,
                    // beacon chain (rounds, anchor; a gateway's seed)
  crypto::SecretArray<secret_serial_size> secret_serial;
  crypto::SecretArray<device_auth_key_size> device_auth_key;
  std::array<std::uint8_t, max_image_keystore_size> keystore{};
  std::size_t keystore_size = 0;

  [[nodiscard]] std::string_view customer_id() const noexcept {
    return {customer_id_bytes.data(), customer_id_size};
  }
  // false when the id is invalid (keys/derivation_input.hpp alphabet and length).
  [[nodiscard]] bool set_customer_id(std::string_view id) noexcept;
  // false when the keystore is longer than max_image_keystore_size.
  [[nodiscard]] bool set_keystore(std::span<const std::uint8_t> bytes) noexcept;
  void wipe() noexcept;
};

// Writes the image into `out`; `written` receives its length. On error nothing usable is
// left in `out` (it is wiped). Errors: bad_field (inconsistent image), no_room, crypto_failure.
[[nodiscard]] ImageError encode_personalisation_image(const PersonalisationImage& image, std::span<std::uint8_t> out,
                                                      std::size_t& written) noexcept;

// Parses all fields, then checks the checksum; `out` is wiped on any error.
// Errors: truncated, trailing_bytes, bad_magic, unsupported_version, bad_field, bad_checksum,
// crypto_failure.
[[nodiscard]] ImageError parse_personalisation_image(std::span<const std::uint8_t> bytes,
                                                     PersonalisationImage& out) noexcept;

}  // namespace meshsec::keys
