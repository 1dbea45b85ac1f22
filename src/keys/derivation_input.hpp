// What identifies one derived key of the hierarchy: the public fields the SP 800-108 Label
// and Context bind (docs/keys.md §Labels). Codes are the bytes that go on the wire; 0 is
// never valid, so zeroed memory does not read as a real environment or purpose.
#pragma once
#include <cstddef>
#include <cstdint>
#include <string_view>

namespace meshsec::keys {

enum class Environment : std::uint8_t {
  dev = 0x01,   // W9: shares the published, insecure development masters
  prod = 0x02,  // masters generated inside custody, per customer
};

enum class KeyPurpose : std::uint8_t {
  auth = 0x01,  // node authentication key (ISO/IEC 9798-2 with the uploader, M7)
  enc = 0x02,   // node encryption key (secure point-to-point link session keys, M7)
  e2 = 0x03,    // per-node E2 key, node ↔ gateway (L2)
  net = 0x04,   // network key of one installation (E1, M3); version = key index
  blob = 0x05,  // blob decryption key, gateways only (M8)
  cover = 0x06,  // key of one subset of a network's cover tree (keys/cover_tree.hpp); from the net master
  chain = 0x07,  // seed of a gateway's beacon chain (mesh/beacon_chain.hpp); from the net master, always 128 bits
};

enum class KeySize : std::uint16_t { bits128 = 128, bits256 = 256 };

inline constexpr std::size_t max_customer_id_size = 64;
inline constexpr std::size_t max_key_bytes = 32;
inline constexpr std::uint32_t max_network_key_index = 0xff;

// The beacon chain's seed is its secret end c_N, a value of the chain itself: the chain is
// Matyas-Meyer-Oseas over AES-128, so each value is one 16-byte block, and a 256-bit
// customer still gets a 16-byte seed (derived with L = 128, never a cut 256-bit key).
inline constexpr std::size_t beacon_chain_seed_size = 16;
inline constexpr KeySize beacon_chain_seed_key_size = KeySize::bits128;
// The version of every seed derivation. One chain covers a network's service life, so this
// stays 1 until a network needs a new chain (its rounds run out): the next generation gives
// a new seed, and every node of that network then needs the new anchor.
inline constexpr std::uint32_t beacon_chain_generation = 1;

struct DerivationInput {
  std::string_view customer_id;       // 1..64 bytes of [A-Za-z0-9._-]
  Environment environment = Environment::prod;
  KeyPurpose purpose = KeyPurpose::auth;
  std::uint32_t subject_id = 0;       // node id (auth, enc, e2); network id (net, cover, chain); 0 (blob)
  std::uint32_t version = 0;          // key version; net: key index 0..255; cover: subtree index;
                                      // chain: the chain's generation
  KeySize key_size = KeySize::bits256;
};

[[nodiscard]] constexpr std::size_t key_bytes(KeySize s) noexcept { return s == KeySize::bits128 ? 16 : 32; }

[[nodiscard]] constexpr bool is_valid(Environment e) noexcept {
  return e == Environment::dev || e == Environment::prod;
}
[[nodiscard]] constexpr bool is_valid(KeyPurpose p) noexcept {
  return p == KeyPurpose::auth || p == KeyPurpose::enc || p == KeyPurpose::e2 || p == KeyPurpose::net ||
         p == KeyPurpose::blob || p == KeyPurpose::cover || p == KeyPurpose::chain;
}

// The purpose whose master derives keys of `p`. Cover keys and beacon chain seeds come from
// the network master: whoever may issue a network's keys may issue its subsets' keys and
// its gateways' chain, and no second master per network has to be generated, guarded and
// backed up.
[[nodiscard]] constexpr KeyPurpose master_purpose(KeyPurpose p) noexcept {
  return p == KeyPurpose::cover || p == KeyPurpose::chain ? KeyPurpose::net : p;
}
[[nodiscard]] constexpr bool is_valid(KeySize s) noexcept { return s == KeySize::bits128 || s == KeySize::bits256; }

// Customer ids appear in labels, MQTT topics and file names: a closed alphabet keeps them
// free of separators and look-alikes.
[[nodiscard]] constexpr bool is_valid_customer_id(std::string_view id) noexcept {
  if (id.empty() || id.size() > max_customer_id_size) return false;
  for (char c : id) {
    const bool good = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' ||
                      c == '_' || c == '-';
    if (!good) return false;
  }
  return true;
}

// The ASCII names used in labels, custody object names and the CLI.
[[nodiscard]] constexpr std::string_view to_string(Environment e) noexcept {
  return e == Environment::dev ? "dev" : e == Environment::prod ? "prod" : "invalid";
}
[[nodiscard]] constexpr std::string_view to_string(KeyPurpose p) noexcept {
  switch (p) {
    case KeyPurpose::auth: return "auth";
    case KeyPurpose::enc: return "enc";
    case KeyPurpose::e2: return "e2";
    case KeyPurpose::net: return "net";
    case KeyPurpose::blob: return "blob";
    case KeyPurpose::cover: return "cover";
    case KeyPurpose::chain: return "chain";
  }
  return "invalid";
}

[[nodiscard]] constexpr bool parse_environment(std::string_view text, Environment& out) noexcept {
  if (text == "dev") out = Environment::dev;
  else if (text == "prod") out = Environment::prod;
  else return false;
  return true;
}
[[nodiscard]] constexpr bool parse_purpose(std::string_view text, KeyPurpose& out) noexcept {
  for (KeyPurpose p : {KeyPurpose::auth, KeyPurpose::enc, KeyPurpose::e2, KeyPurpose::net, KeyPurpose::blob,
                       KeyPurpose::cover, KeyPurpose::chain}) {
    if (text == to_string(p)) {
      out = p;
      return true;
    }
  }
  return false;
}

}  // namespace meshsec::keys
