// The two downlink floods of a broadcast rekey (docs/wire-format.md §11, docs/keys.md
// §Cover keys): the back office's signed list of revoked nodes, and the next network key
// sealed once for each subset of the cover of everyone else (keys/cover_tree.hpp).
//
//   announcement = kind 6 ‖ epoch u32 ‖ part u8 ‖ parts u8 ‖ ack one in u8 ‖ count u8
//                  ‖ revoked u16 × count ‖ Ed25519 signature (64)    at most 81 bytes
//   signed bytes = "meshsec cover 1\0" ‖ net id u16 ‖ epoch u32 ‖ part ‖ parts ‖ ack one in
//                  ‖ count ‖ revoked u16 × 4 (unused ones 0)         34 bytes
//   commitment   = kind 8 ‖ epoch u32 ‖ commitment (12) ‖ Ed25519 signature (64)   81 bytes
//   committed    = SHA-256("meshsec cover key 1" ‖ net id u16 ‖ epoch u32 ‖ key)[0..12)
//   signed bytes = "meshsec commit 1\0" ‖ net id u16 ‖ epoch u32 ‖ commitment     34 bytes
//   sealed key   = kind 7 ‖ epoch u32 ‖ subset u32 ‖ AES-CCM(key) (16 or 32) ‖ tag (16)
//                  ‖ check (8)                                       49 or 65 bytes
//   nonce        = 0x03 ‖ net id u16 ‖ epoch u32 ‖ subset u32 ‖ "CV" (13 bytes)
//   AAD          = kind ‖ epoch ‖ subset (the sealed key's first 9 bytes)
//   check        = HMAC-SHA256(check key, every byte before the check)[0..8)
//   check key    = HKDF-SHA256(salt empty, key, "meshsec cover check 1" ‖ net id u16 ‖ epoch u32)
//
// The revoked list spans up to 8 parts of 4 ids (32 nodes): every rekey names every node
// revoked so far, since a revoked node keeps the subset keys it was made with. "Ack one in"
// n ≥ 1 says which nodes acknowledge the key (those whose id ≡ epoch mod n): one gateway
// carries a few dozen uplinks a second, so in a large network the back office asks a
// sample it can hear in time, a different one each epoch. The network
// id is signed but not sent: a list signed for one installation means nothing in another.
// The back office signs a commitment to the key itself: a node that is not revoked holds
// the keys of the subsets it lies in, and could otherwise seal a key of its own for them
// ahead of the genuine one. 96 bits: finding another key with the same commitment takes
// 2^96 hashes, within the minutes a rekey lasts. The epoch and the subset are in the nonce
// and the AAD, so a sealed key cannot be moved to
// another epoch or subset (where an older key, known to a node revoked since, would
// otherwise pass for a new one).
// The check lets a node that holds the new key tell a genuine sealed key of another
// subset from a forged one before it keeps it to hand on (docs/wire-format.md §7.5): a
// revoked node, which still holds the network key the broadcast travels under, could
// otherwise race forged copies into its neighbours' keeping. Only holders of the new key
// can make a check, and every one of them could do worse than that.
#pragma once
#include <array>
#include <cstddef>
#include <cstdint>
#include <span>

#include "crypto/aead.hpp"
#include "crypto/secret.hpp"
#include "keys/cover_tree.hpp"
#include "node/node_id.hpp"

namespace meshsec::mesh {

inline constexpr std::uint8_t cover_announcement_kind = 6;  // DownlinkKind::cover_announcement
inline constexpr std::uint8_t cover_key_kind = 7;           // DownlinkKind::cover_key
inline constexpr std::uint8_t cover_commitment_kind = 8;    // DownlinkKind::cover_commitment
inline constexpr std::size_t cover_ids_per_part = 4;
inline constexpr std::size_t cover_max_parts = 8;
inline constexpr std::size_t cover_max_revoked = cover_ids_per_part * cover_max_parts;  // 32
inline constexpr std::size_t cover_announcement_max_size = 9 + 2 * cover_ids_per_part + 64;
inline constexpr std::array<std::uint8_t, 16> cover_announcement_domain = {
    'm', 'e', 's', 'h', 's', 'e', 'c', ' ', 'c', 'o', 'v', 'e', 'r', ' ', '1', 0};
inline constexpr std::size_t cover_announcement_signed_size =
    cover_announcement_domain.size() + 2 + 4 + 4 + 2 * cover_ids_per_part;
inline constexpr std::size_t cover_key_tag_size = 16;
inline constexpr std::size_t cover_key_head_size = 9;  // kind ‖ epoch ‖ subset: the AAD
inline constexpr std::size_t cover_key_check_size = 8;  // 64 bits, forged online only
inline constexpr std::size_t cover_key_max_size = cover_key_head_size + 32 + cover_key_tag_size + cover_key_check_size;
inline constexpr std::size_t cover_check_key_size = 32;
using CoverCheckKey = crypto::SecretArray<cover_check_key_size>;

struct CoverAnnouncement {
  std::uint16_t net_id = 0;  // signed, not on the air: the receiver's own
  std::uint32_t epoch = 0;
  std::uint8_t part = 0;
  std::uint8_t parts = 1;
  std::uint8_t ack_one_in = 1;  // ≥ 1: nodes whose id ≡ epoch (mod it) acknowledge
  std::uint8_t count = 0;
  std::array<node::NodeId, cover_ids_per_part> revoked{};
  std::array<std::uint8_t, 64> signature{};
  [[nodiscard]] std::span<const node::NodeId> ids() const noexcept {
    return std::span<const node::NodeId>(revoked).first(count);
  }
  [[nodiscard]] constexpr bool asks_ack_of(node::NodeId id) const noexcept {
    return ack_one_in != 0 && id % ack_one_in == epoch % ack_one_in;
  }
  bool operator==(const CoverAnnouncement&) const = default;
};

inline constexpr std::size_t cover_commitment_size = 12;
inline constexpr std::size_t cover_commitment_flood_size = 1 + 4 + cover_commitment_size + 64;
inline constexpr std::array<std::uint8_t, 17> cover_commitment_domain = {
    'm', 'e', 's', 'h', 's', 'e', 'c', ' ', 'c', 'o', 'm', 'm', 'i', 't', ' ', '1', 0};
inline constexpr std::size_t cover_commitment_signed_size = cover_commitment_domain.size() + 2 + 4 + cover_commitment_size;
using CoverCommitment = std::array<std::uint8_t, cover_commitment_size>;

struct CoverKeyCommitment {
  std::uint16_t net_id = 0;  // signed, not on the air: the receiver's own
  std::uint32_t epoch = 0;
  CoverCommitment commitment{};
  std::array<std::uint8_t, 64> signature{};
  bool operator==(const CoverKeyCommitment&) const = default;
};

// The commitment to `key` for `epoch` in network `net_id`. False on a backend failure.
[[nodiscard]] bool commit_cover_key(std::uint16_t net_id, std::uint32_t epoch, std::span<const std::uint8_t> key,
                                    CoverCommitment& out) noexcept;
// Kind byte included; 0 when `out` is too small or the epoch is 0.
[[nodiscard]] std::size_t encode_cover_commitment(const CoverKeyCommitment& c, std::span<std::uint8_t> out) noexcept;
// The bytes the back office signs and a node verifies (cover_commitment_signed_size).
[[nodiscard]] std::size_t cover_commitment_signed_message(const CoverKeyCommitment& c,
                                                          std::span<std::uint8_t> out) noexcept;
// False on a length error or epoch 0. `net_id` is the receiver's own.
[[nodiscard]] bool parse_cover_commitment(std::span<const std::uint8_t> body, std::uint16_t net_id,
                                          CoverKeyCommitment& c) noexcept;

// A view into a received sealed key (spans into the parsed body).
struct CoverKeyView {
  std::uint32_t epoch = 0;
  keys::SubtreeIndex subset = keys::no_subtree;
  std::span<const std::uint8_t> aad;
  std::span<const std::uint8_t> sealed_key;
  std::span<const std::uint8_t> tag;
  std::span<const std::uint8_t> checked_bytes;  // everything before the check
  std::span<const std::uint8_t> check;
};

// Kind byte included; 0 when `out` is too small or a field is out of range.
[[nodiscard]] std::size_t encode_cover_announcement(const CoverAnnouncement& a, std::span<std::uint8_t> out) noexcept;
// The bytes the back office signs and a node verifies (cover_announcement_signed_size).
[[nodiscard]] std::size_t cover_announcement_signed_message(const CoverAnnouncement& a,
                                                            std::span<std::uint8_t> out) noexcept;
// False on any length or value error: epoch 0, no parts or more than 8, part ≥ parts,
// ack one in 0, more than 4 ids, an id that is no node (0, no_node, broadcast) or named twice.
// `net_id` is the receiver's own (signed, not sent).
[[nodiscard]] bool parse_cover_announcement(std::span<const std::uint8_t> body, std::uint16_t net_id,
                                            CoverAnnouncement& a) noexcept;

// Seals `new_key` (16 or 32 bytes) for one subset under that subset's key, scheduled as
// AES-CCM with a 16-byte tag (init_cover_key), and appends the check made with the key's
// check key. Returns the body length, 0 on error. The nonce is (net id, epoch, subset):
// seal one key per subset and epoch, never two.
[[nodiscard]] crypto::Status init_cover_key(crypto::AesAead& subset_key, std::span<const std::uint8_t> key) noexcept;
[[nodiscard]] std::size_t seal_cover_key(crypto::AesAead& subset_key, std::uint16_t net_id, std::uint32_t epoch,
                                         keys::SubtreeIndex subset, std::span<const std::uint8_t> new_key,
                                         std::span<std::uint8_t> out) noexcept;
// The epoch of any of the three bodies (each begins kind ‖ epoch u32); 0 when too short.
[[nodiscard]] std::uint32_t rekey_body_epoch(std::span<const std::uint8_t> body) noexcept;
// False on a length error, epoch 0, or a subset outside the tree.
[[nodiscard]] bool parse_cover_key(std::span<const std::uint8_t> body, CoverKeyView& v) noexcept;
// The check key of `key` (16 or 32 bytes), the next network key of `epoch`. False on error.
[[nodiscard]] bool derive_cover_check_key(std::uint16_t net_id, std::uint32_t epoch, std::span<const std::uint8_t> key,
                                          CoverCheckKey& out) noexcept;
// True when the sealed key's check is the one `check_key` makes (compared in constant time).
[[nodiscard]] bool cover_key_check_passes(const CoverCheckKey& check_key, const CoverKeyView& v) noexcept;
// Opens a parsed sealed key into `key_out` (exactly sealed_key.size() bytes; wiped on failure).
[[nodiscard]] crypto::Status open_cover_key(crypto::AesAead& subset_key, std::uint16_t net_id, const CoverKeyView& v,
                                            std::span<std::uint8_t> key_out) noexcept;

}  // namespace meshsec::mesh
