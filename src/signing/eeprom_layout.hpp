// MySensors 2.x EEPROM personalisation (core/MyEepromAddresses.h with the default 256-byte
// routing table; SecurityPersonalizer.ino). The one place these addresses live.
//
//   282        1   personalisation checksum = SHA256(HMAC key ‖ AES key ‖ soft serial)[0]
//   291..322  32   signing-requirement bitmap (bit = node id, 0 = required)
//   323..354  32   whitelist-requirement bitmap
//   355..386  32   soft HMAC key (PSK)
//   387..395   9   soft serial
//   396..411  16   AES-128 key
//   412        1   node-lock counter
// Erased EEPROM reads 0xFF (so 0xFF bitmaps mean "nothing required").
#pragma once
#include <cstddef>
#include <cstdint>
#include <span>

#include "signing/atsha204_emulation.hpp"
#include "signing/signing_error.hpp"

namespace meshsec::signing::eeprom {

inline constexpr std::size_t checksum_address = 282;
inline constexpr std::size_t signing_requirement_address = 291;
inline constexpr std::size_t whitelist_requirement_address = 323;
inline constexpr std::size_t hmac_key_address = 355;
inline constexpr std::size_t soft_serial_address = 387;
inline constexpr std::size_t aes_key_address = 396;
inline constexpr std::size_t node_lock_address = 412;
inline constexpr std::size_t local_config_address = 413;  // first byte free for sketches
inline constexpr std::size_t hmac_key_size = 32;
inline constexpr std::size_t aes_key_size = 16;
inline constexpr std::size_t default_size = 1024;  // ATmega328P EEPROM
static_assert(hmac_key_address + hmac_key_size == soft_serial_address);
static_assert(soft_serial_address + mys::serial_size == aes_key_address);
static_assert(aes_key_address + aes_key_size == node_lock_address);

// The checksum byte (write_eeprom_checksum). Errors: backend_failure.
[[nodiscard]] SigningError personalisation_checksum(std::span<const std::uint8_t, hmac_key_size> hmac_key,
                                                    std::span<const std::uint8_t, aes_key_size> aes_key,
                                                    const Serial& serial, std::uint8_t& checksum) noexcept;

// Writes a personalised image: everything 0xFF (erased), then key, serial, AES key and
// checksum at their addresses. Errors: malformed (image smaller than 413 bytes),
// backend_failure.
[[nodiscard]] SigningError write_personalisation(std::span<std::uint8_t> image,
                                                 std::span<const std::uint8_t, hmac_key_size> hmac_key,
                                                 std::span<const std::uint8_t, aes_key_size> aes_key,
                                                 const Serial& serial) noexcept;

// signerInternalValidatePersonalization(): the stored checksum matches the stored keys.
[[nodiscard]] bool personalisation_valid(std::span<const std::uint8_t> image) noexcept;

}  // namespace meshsec::signing::eeprom
