// Every byte layout of the firmware blob, in one place (docs/blob-format.md).
//
//   blob file   = header (128) ‖ signature (64) ‖ chunk record 0 ‖ ... ‖ chunk record n-1
//   chunk record = AES-256-GCM ciphertext (chunk_size, the last one shorter) ‖ tag (16)
//   chunk packet = what travels through the mesh: one chunk record with its index and the
//                  Merkle path that links it to the signed root.
//
// Parsers read through wire::BoundedReader, check every length and reject trailing bytes.
#pragma once
#include <array>
#include <cstddef>
#include <cstdint>
#include <span>

#include "firmware/blob_error.hpp"
#include "firmware/firmware_version.hpp"
#include "wire/bounded_writer.hpp"

namespace meshsec::firmware::blob {

inline constexpr std::array<std::uint8_t, 4> magic = {'M', 'S', 'F', 'B'};
inline constexpr std::uint8_t format_version = 1;
inline constexpr std::uint8_t aead_aes256_gcm = 1;            // 12-byte nonce, 16-byte tag
inline constexpr std::uint8_t chunk_auth_sha256_merkle = 1;  // docs/blob-format.md §4
inline constexpr std::uint8_t signature_ed25519 = 1;

inline constexpr std::size_t header_size = 128;
inline constexpr std::size_t signature_size = 64;
inline constexpr std::size_t signed_header_size = header_size + signature_size;
inline constexpr std::size_t blob_id_size = 8;
inline constexpr std::size_t key_id_size = 8;
inline constexpr std::size_t digest_size = 32;
inline constexpr std::size_t key_size = 32;  // AES-256
inline constexpr std::size_t nonce_size = 12;
inline constexpr std::size_t tag_size = 16;
inline constexpr std::size_t aad_size = 45;
inline constexpr std::size_t leaf_prefix_size = 21;

// Limits that keep every device-side buffer fixed: the chunk bitmap has max_chunk_count
// bits and a Merkle path at most max_tree_depth hashes.
inline constexpr std::size_t min_chunk_size = 16;
inline constexpr std::size_t max_chunk_size = 4096;
inline constexpr std::size_t max_chunk_count = 4096;
inline constexpr std::size_t max_tree_depth = 12;  // 2^12 == max_chunk_count
inline constexpr std::size_t max_proof_size = max_tree_depth * digest_size;

// Ed25519 signs domain ‖ header; the domain keeps a blob signature from verifying as a
// keystore or application signature made with the same key.
inline constexpr std::array<std::uint8_t, 16> signature_domain = {
    'm', 'e', 's', 'h', 's', 'e', 'c', ' ', 'b', 'l', 'o', 'b', ' ', 'v', '1', 0};
inline constexpr std::size_t signing_message_size = signature_domain.size() + header_size;

using BlobId = std::array<std::uint8_t, blob_id_size>;
using KeyId = std::array<std::uint8_t, key_id_size>;
using Digest = std::array<std::uint8_t, digest_size>;

}  // namespace meshsec::firmware::blob

namespace meshsec::firmware {

// The decoded header (docs/blob-format.md §2). The algorithm ids are not stored: the
// parser accepts only the ones above.
struct BlobHeader {
  std::uint64_t customer_id = 0;  // customer tag (customer_tag.hpp)
  std::uint32_t product_id = 0;
  FirmwareVersion version{};
  std::uint32_t security_counter = 0;
  std::uint32_t image_size = 0;
  std::uint16_t chunk_size = 0;
  std::uint16_t chunk_count = 0;
  blob::BlobId blob_id{};
  blob::KeyId encryption_key_id{};
  blob::KeyId signing_key_id{};
  blob::Digest image_digest{};  // SHA-256 of the plaintext image
  blob::Digest chunk_root{};    // Merkle root over the encrypted chunk records
};

// Chunk count a given image and chunk size need (0 when the geometry is out of limits).
[[nodiscard]] std::uint32_t blob_chunk_count(std::uint64_t image_size, std::size_t chunk_size) noexcept;
// Depth of the padded Merkle tree for a chunk count: ceil(log2(count)).
[[nodiscard]] std::size_t blob_tree_depth(std::size_t chunk_count) noexcept;
// Plaintext (== ciphertext) length of chunk `index`; 0 when out of range.
[[nodiscard]] std::size_t blob_chunk_length(const BlobHeader& header, std::size_t index) noexcept;
// Size of the whole blob file for a header.
[[nodiscard]] std::size_t blob_file_size(const BlobHeader& header) noexcept;

// Errors: malformed (length), bad_magic, unsupported_format, bad_geometry.
[[nodiscard]] BlobError parse_blob_header(std::span<const std::uint8_t> bytes, BlobHeader& out) noexcept;
// Errors: bad_geometry (header inconsistent), no_room.
[[nodiscard]] BlobError encode_blob_header(const BlobHeader& header,
                                           std::span<std::uint8_t, blob::header_size> out) noexcept;

// Inputs of the cryptography, derived from the header and the chunk index.
void blob_chunk_nonce(const BlobHeader& header, std::uint32_t index,
                      std::span<std::uint8_t, blob::nonce_size> out) noexcept;
void blob_chunk_aad(const BlobHeader& header, std::uint32_t index,
                    std::span<std::uint8_t, blob::aad_size> out) noexcept;
void blob_leaf_prefix(const BlobHeader& header, std::uint32_t index,
                      std::span<std::uint8_t, blob::leaf_prefix_size> out) noexcept;
void blob_signing_message(std::span<const std::uint8_t, blob::header_size> header_bytes,
                          std::span<std::uint8_t, blob::signing_message_size> out) noexcept;

// A parsed blob file: views into the caller's bytes, nothing copied.
struct BlobFileView {
  BlobHeader header{};
  std::span<const std::uint8_t> header_bytes;  // header_size bytes
  std::span<const std::uint8_t> signature;     // signature_size bytes
  std::span<const std::uint8_t> chunk_area;    // all chunk records
};

struct ChunkRecordView {
  std::span<const std::uint8_t> ciphertext;
  std::span<const std::uint8_t> tag;
};

// Errors: as parse_blob_header, and malformed when the size is not exactly the one the
// header announces.
[[nodiscard]] BlobError parse_blob_file(std::span<const std::uint8_t> bytes, BlobFileView& out) noexcept;
// Chunk record `index` of a parsed file (empty spans when out of range).
[[nodiscard]] ChunkRecordView blob_chunk_record(const BlobFileView& file, std::size_t index) noexcept;

// Chunk packet (docs/blob-format.md §5):
//   blob_id (8) ‖ index u16 ‖ length u16 ‖ ciphertext ‖ tag (16) ‖ depth u8 ‖ path (depth·32)
inline constexpr std::size_t chunk_packet_overhead = blob::blob_id_size + 2 + 2 + blob::tag_size + 1;
inline constexpr std::size_t max_chunk_packet_size =
    chunk_packet_overhead + blob::max_chunk_size + blob::max_proof_size;

struct ChunkPacketView {
  blob::BlobId blob_id{};
  std::uint16_t index = 0;
  std::span<const std::uint8_t> ciphertext;
  std::span<const std::uint8_t> tag;
  std::size_t depth = 0;
  std::span<const std::uint8_t> path;  // depth·32 bytes, leaf level first
};

// Syntax only; the verifier checks it against the header. Errors: malformed.
[[nodiscard]] BlobError parse_chunk_packet(std::span<const std::uint8_t> bytes, ChunkPacketView& out) noexcept;
// Errors: malformed (depth or lengths beyond the limits), no_room.
[[nodiscard]] BlobError encode_chunk_packet(const blob::BlobId& blob_id, std::uint16_t index,
                                            ChunkRecordView record, std::span<const std::uint8_t> path,
                                            wire::BoundedWriter& out) noexcept;

}  // namespace meshsec::firmware
