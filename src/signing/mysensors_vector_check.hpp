// Runs one MySensors reference vector (vectors/mysensors/signing_vectors.json) through
// the real protocol objects: presentation, nonce request, nonce response, sign, verify,
// then replay, expiry and every single-bit flip. Shared by `meshsec selftest` and the
// ctest so both judge the vectors the same way. Host side (strings, vectors).
#pragma once
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "signing/atsha204_emulation.hpp"
#include "signing/signing_backend.hpp"

namespace meshsec::signing {

struct MysensorsVector {
  std::string name;
  bool expect_accept = true;
  std::vector<std::uint8_t> hmac_key;         // 32
  std::vector<std::uint8_t> signer_serial;    // 9
  bool whitelist_salted = false;              // the signer salts
  bool receiver_whitelists = false;           // the receiver salts with this entry:
  std::uint8_t entry_node = 0;
  std::vector<std::uint8_t> entry_serial;     // 9
  std::vector<std::uint8_t> nonce_on_air;     // 25
  std::vector<std::uint8_t> message_before;   // unsigned frame
  std::vector<std::uint8_t> message_after;    // signed frame
  std::vector<std::uint8_t> nonce_request;
  std::vector<std::uint8_t> nonce_response;
  std::vector<std::uint8_t> presentation;     // receiver → sender
  std::optional<std::uint8_t> eeprom_checksum;  // with an all-zero AES key
  std::optional<std::string> simple_password;
};

struct MysensorsVectorReport {
  bool passed = false;                // every check as the vector says
  bool accepted = false;              // the receiver accepted the signed frame
  std::size_t negatives_rejected = 0; // replay, expiry and bit flips refused
  // Bit flips accepted because the MySensors MAC is shorter than 64 bits (8·(24-L) bits):
  // the collisions MySensors' truncation allows. Always 0 when the MAC has >= 64 bits.
  std::size_t short_mac_collisions = 0;
  std::size_t mac_bits = 0;
  std::string detail;                 // first failed check
};

// Which backend signs and verifies: the soft PSK or a token-held key.
enum class VectorBackend : std::uint8_t { soft, secure_element };

[[nodiscard]] MysensorsVectorReport check_mysensors_vector(const MysensorsVector& v,
                                                           VectorBackend backend = VectorBackend::soft);

}  // namespace meshsec::signing
