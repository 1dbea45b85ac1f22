#include "firmware/blob_verifier.hpp"

#include "crypto/ed25519.hpp"
#include "crypto/secure_memory.hpp"
#include "firmware/key_id.hpp"
#include "firmware/merkle_tree.hpp"

namespace meshsec::firmware {

void BlobVerifier::reset() noexcept {
  state_ = State::idle;
  header_ = BlobHeader{};
  received_.reset(0);
  depth_ = 0;
}

BlobError BlobVerifier::begin(std::span<const std::uint8_t> signed_header, const Ed25519PublicKey& verification_key,
                              const BlobPolicy& policy) noexcept {
  reset();
  state_ = State::failed;
  if (signed_header.size() != blob::signed_header_size) return BlobError::malformed;
  const auto header_bytes = signed_header.first<blob::header_size>();
  const auto signature = signed_header.subspan(blob::header_size);

  BlobHeader h;
  if (const BlobError e = parse_blob_header(header_bytes, h); e != BlobError::ok) return e;
  // Cheap public pre-checks: they change nothing and spare a signature check.
  if (h.customer_id != policy.customer_id) return BlobError::wrong_customer;
  blob::KeyId expected_key{};
  if (public_key_id(verification_key, expected_key) != BlobError::ok) return BlobError::crypto_failure;
  if (!crypto::equal_constant_time(expected_key, h.signing_key_id)) return BlobError::unknown_key;

  std::array<std::uint8_t, blob::signing_message_size> message{};
  blob_signing_message(header_bytes, message);
  if (crypto::ed25519_verify(verification_key, message, signature) != crypto::Status::ok) {
    return BlobError::bad_signature;
  }
  // Authentic from here on; the policy checks below judge signed values.
  if (policy.product_id && *policy.product_id != h.product_id) return BlobError::wrong_product;
  if (h.security_counter < policy.installed.security_counter || h.version < policy.installed.version) {
    return BlobError::rollback;
  }
  header_ = h;
  received_.reset(h.chunk_count);
  depth_ = blob_tree_depth(h.chunk_count);
  state_ = State::receiving;
  return BlobError::ok;
}

BlobError BlobVerifier::accept_chunk(std::uint32_t index, ChunkRecordView record,
                                     std::span<const std::uint8_t> path) noexcept {
  if (state_ != State::receiving && state_ != State::complete) return BlobError::not_started;
  if (index >= header_.chunk_count) return BlobError::chunk_out_of_range;
  if (record.ciphertext.size() != blob_chunk_length(header_, index) || record.tag.size() != blob::tag_size ||
      path.size() != depth_ * blob::digest_size) {
    return BlobError::malformed;
  }
  blob::Digest leaf{};
  if (const BlobError e = blob_leaf_hash(header_, index, record, leaf); e != BlobError::ok) return e;
  if (const BlobError e = merkle_verify_path(leaf, index, path, depth_, header_.chunk_root); e != BlobError::ok) {
    return e;
  }
  received_.set(index);
  if (received_.full()) state_ = State::complete;
  return BlobError::ok;
}

BlobError BlobVerifier::accept_packet(const ChunkPacketView& packet) noexcept {
  if (state_ != State::receiving && state_ != State::complete) return BlobError::not_started;
  if (packet.blob_id != header_.blob_id) return BlobError::bad_chunk;
  return accept_chunk(packet.index, {packet.ciphertext, packet.tag}, packet.path);
}

}  // namespace meshsec::firmware
