// Byte layouts of the firmware blob (docs/blob-format.md §2–§5).
#include "firmware/blob_layout.hpp"

#include <algorithm>

#include "wire/bounded_reader.hpp"

namespace meshsec::firmware {
namespace {

void write_version(wire::BoundedWriter& w, const FirmwareVersion& v) noexcept {
  w.u8(v.major);
  w.u8(v.minor);
  w.u16be(v.revision);
  w.u32be(v.build);
}

FirmwareVersion read_version(wire::BoundedReader& r) noexcept {
  FirmwareVersion v;
  v.major = r.u8();
  v.minor = r.u8();
  v.revision = r.u16be();
  v.build = r.u32be();
  return v;
}

bool geometry_ok(const BlobHeader& h) noexcept {
  return h.image_size != 0 && h.chunk_size >= blob::min_chunk_size && h.chunk_size <= blob::max_chunk_size &&
         h.chunk_count != 0 && blob_chunk_count(h.image_size, h.chunk_size) == h.chunk_count;
}

}  // namespace

std::uint32_t blob_chunk_count(std::uint64_t image_size, std::size_t chunk_size) noexcept {
  if (image_size == 0 || chunk_size < blob::min_chunk_size || chunk_size > blob::max_chunk_size) return 0;
  const std::uint64_t count = (image_size + chunk_size - 1) / chunk_size;
  return count > blob::max_chunk_count ? 0 : static_cast<std::uint32_t>(count);
}

std::size_t blob_tree_depth(std::size_t chunk_count) noexcept {
  std::size_t depth = 0;
  while ((std::size_t{1} << depth) < chunk_count) ++depth;
  return depth;
}

std::size_t blob_chunk_length(const BlobHeader& header, std::size_t index) noexcept {
  if (index >= header.chunk_count) return 0;
  const std::size_t start = index * header.chunk_size;
  return std::min<std::size_t>(header.chunk_size, header.image_size - start);
}

std::size_t blob_file_size(const BlobHeader& header) noexcept {
  return blob::signed_header_size + std::size_t{header.image_size} +
         std::size_t{header.chunk_count} * blob::tag_size;
}

BlobError parse_blob_header(std::span<const std::uint8_t> bytes, BlobHeader& out) noexcept {
  out = BlobHeader{};
  if (bytes.size() != blob::header_size) return BlobError::malformed;
  wire::BoundedReader r(bytes);
  const auto magic = r.bytes(blob::magic.size());
  const std::uint8_t format = r.u8();
  const std::uint8_t aead = r.u8();
  const std::uint8_t chunk_auth = r.u8();
  const std::uint8_t signature = r.u8();
  BlobHeader h;
  h.customer_id = r.u64be();
  h.product_id = r.u32be();
  h.version = read_version(r);
  h.security_counter = r.u32be();
  h.image_size = r.u32be();
  h.chunk_size = r.u16be();
  h.chunk_count = r.u16be();
  r.copy_to(h.blob_id);
  r.copy_to(h.encryption_key_id);
  r.copy_to(h.signing_key_id);
  r.copy_to(h.image_digest);
  r.copy_to(h.chunk_root);
  if (r.finish() != wire::WireError::ok) return BlobError::malformed;
  if (!std::equal(magic.begin(), magic.end(), blob::magic.begin())) return BlobError::bad_magic;
  if (format != blob::format_version || aead != blob::aead_aes256_gcm ||
      chunk_auth != blob::chunk_auth_sha256_merkle || signature != blob::signature_ed25519) {
    return BlobError::unsupported_format;
  }
  if (!geometry_ok(h)) return BlobError::bad_geometry;
  out = h;
  return BlobError::ok;
}

BlobError encode_blob_header(const BlobHeader& h, std::span<std::uint8_t, blob::header_size> out) noexcept {
  if (!geometry_ok(h)) return BlobError::bad_geometry;
  wire::BoundedWriter w(out);
  w.bytes(blob::magic);
  w.u8(blob::format_version);
  w.u8(blob::aead_aes256_gcm);
  w.u8(blob::chunk_auth_sha256_merkle);
  w.u8(blob::signature_ed25519);
  w.u64be(h.customer_id);
  w.u32be(h.product_id);
  write_version(w, h.version);
  w.u32be(h.security_counter);
  w.u32be(h.image_size);
  w.u16be(h.chunk_size);
  w.u16be(h.chunk_count);
  w.bytes(h.blob_id);
  w.bytes(h.encryption_key_id);
  w.bytes(h.signing_key_id);
  w.bytes(h.image_digest);
  w.bytes(h.chunk_root);
  return (w.ok() && w.size() == blob::header_size) ? BlobError::ok : BlobError::no_room;
}

// §3: nonce = blob_id ‖ index (big-endian). blob_id is drawn from the CSPRNG for every
// build, so (key, nonce) pairs do not repeat across blobs of one customer.
void blob_chunk_nonce(const BlobHeader& header, std::uint32_t index,
                      std::span<std::uint8_t, blob::nonce_size> out) noexcept {
  wire::BoundedWriter w(out);
  w.bytes(header.blob_id);
  w.u32be(index);
}

// §3: the AAD binds each chunk to its position and to the blob's identity and geometry.
void blob_chunk_aad(const BlobHeader& header, std::uint32_t index,
                    std::span<std::uint8_t, blob::aad_size> out) noexcept {
  wire::BoundedWriter w(out);
  w.bytes(blob::magic);
  w.u8(blob::format_version);
  w.u64be(header.customer_id);
  w.u32be(header.product_id);
  write_version(w, header.version);
  w.bytes(header.blob_id);
  w.u32be(header.image_size);
  w.u16be(header.chunk_size);
  w.u16be(header.chunk_count);
  w.u32be(index);
}

// §4: leaf = SHA-256(0x00 ‖ blob_id ‖ version ‖ index ‖ ciphertext ‖ tag).
void blob_leaf_prefix(const BlobHeader& header, std::uint32_t index,
                      std::span<std::uint8_t, blob::leaf_prefix_size> out) noexcept {
  wire::BoundedWriter w(out);
  w.u8(0x00);
  w.bytes(header.blob_id);
  write_version(w, header.version);
  w.u32be(index);
}

void blob_signing_message(std::span<const std::uint8_t, blob::header_size> header_bytes,
                          std::span<std::uint8_t, blob::signing_message_size> out) noexcept {
  wire::BoundedWriter w(out);
  w.bytes(blob::signature_domain);
  w.bytes(header_bytes);
}

BlobError parse_blob_file(std::span<const std::uint8_t> bytes, BlobFileView& out) noexcept {
  out = BlobFileView{};
  if (bytes.size() < blob::signed_header_size) return BlobError::malformed;
  BlobHeader header;
  const BlobError e = parse_blob_header(bytes.first(blob::header_size), header);
  if (e != BlobError::ok) return e;
  if (bytes.size() != blob_file_size(header)) return BlobError::malformed;
  out.header = header;
  out.header_bytes = bytes.first(blob::header_size);
  out.signature = bytes.subspan(blob::header_size, blob::signature_size);
  out.chunk_area = bytes.subspan(blob::signed_header_size);
  return BlobError::ok;
}

ChunkRecordView blob_chunk_record(const BlobFileView& file, std::size_t index) noexcept {
  const std::size_t length = blob_chunk_length(file.header, index);
  if (length == 0) return {};
  const std::size_t offset = index * (std::size_t{file.header.chunk_size} + blob::tag_size);
  if (offset > file.chunk_area.size() || length + blob::tag_size > file.chunk_area.size() - offset) return {};
  return {file.chunk_area.subspan(offset, length), file.chunk_area.subspan(offset + length, blob::tag_size)};
}

BlobError parse_chunk_packet(std::span<const std::uint8_t> bytes, ChunkPacketView& out) noexcept {
  out = ChunkPacketView{};
  wire::BoundedReader r(bytes);
  ChunkPacketView p;
  r.copy_to(p.blob_id);
  p.index = r.u16be();
  const std::uint16_t length = r.u16be();
  if (r.ok() && (length == 0 || length > blob::max_chunk_size)) r.fail(wire::WireError::length_out_of_range);
  p.ciphertext = r.bytes(length);
  p.tag = r.bytes(blob::tag_size);
  p.depth = r.u8();
  if (r.ok() && p.depth > blob::max_tree_depth) r.fail(wire::WireError::length_out_of_range);
  p.path = r.bytes(p.depth * blob::digest_size);
  if (r.finish() != wire::WireError::ok) return BlobError::malformed;
  out = p;
  return BlobError::ok;
}

BlobError encode_chunk_packet(const blob::BlobId& blob_id, std::uint16_t index, ChunkRecordView record,
                              std::span<const std::uint8_t> path, wire::BoundedWriter& out) noexcept {
  if (record.ciphertext.empty() || record.ciphertext.size() > blob::max_chunk_size ||
      record.tag.size() != blob::tag_size || path.size() % blob::digest_size != 0 ||
      path.size() > blob::max_proof_size) {
    return BlobError::malformed;
  }
  out.bytes(blob_id);
  out.u16be(index);
  out.u16be(static_cast<std::uint16_t>(record.ciphertext.size()));
  out.bytes(record.ciphertext);
  out.bytes(record.tag);
  out.u8(static_cast<std::uint8_t>(path.size() / blob::digest_size));
  out.bytes(path);
  return out.ok() ? BlobError::ok : BlobError::no_room;
}

}  // namespace meshsec::firmware
