#include "firmware/blob_builder.hpp"

#include "crypto/mac.hpp"
#include "crypto/random.hpp"
#include "firmware/key_id.hpp"
#include "firmware/merkle_tree.hpp"

namespace meshsec::firmware {

BlobBuilder::BlobBuilder(std::span<const std::uint8_t> encryption_key, BlobSigner& signer) noexcept
    : signer_(signer) {
  if (owned_sealer_.init(encryption_key) == BlobError::ok) sealer_ = &owned_sealer_;
}

BlobError BlobBuilder::build(const BlobBuildParams& params, std::span<const std::uint8_t> image,
                             std::vector<std::uint8_t>& out) const {
  out.clear();
  if (sealer_ == nullptr) return BlobError::crypto_failure;
  const std::uint32_t count = blob_chunk_count(image.size(), params.chunk_size);
  if (count == 0 || image.size() > UINT32_MAX) return BlobError::bad_geometry;

  BlobHeader h;
  h.customer_id = params.customer_id;
  h.product_id = params.product_id;
  h.version = params.version;
  h.security_counter = params.security_counter;
  h.image_size = static_cast<std::uint32_t>(image.size());
  h.chunk_size = static_cast<std::uint16_t>(params.chunk_size);
  h.chunk_count = static_cast<std::uint16_t>(count);
  if (params.blob_id) {
    h.blob_id = *params.blob_id;
  } else if (crypto::random_bytes(h.blob_id) != crypto::Status::ok) {
    return BlobError::crypto_failure;
  }
  h.encryption_key_id = sealer_->key_id();
  if (public_key_id(signer_.public_key(), h.signing_key_id) != BlobError::ok ||
      crypto::sha256({image}, h.image_digest) != crypto::Status::ok) {
    return BlobError::crypto_failure;
  }

  std::vector<std::uint8_t> blob(blob_file_size(h), 0);
  const auto chunk_area = std::span<std::uint8_t>(blob).subspan(blob::signed_header_size);
  std::vector<blob::Digest> leaves(count);
  std::size_t offset = 0;
  for (std::uint32_t i = 0; i < count; ++i) {
    const std::size_t length = blob_chunk_length(h, i);
    const auto record = chunk_area.subspan(offset, length + blob::tag_size);
    std::array<std::uint8_t, blob::nonce_size> nonce{};
    std::array<std::uint8_t, blob::aad_size> aad{};
    blob_chunk_nonce(h, i, nonce);
    blob_chunk_aad(h, i, aad);
    if (sealer_->seal(nonce, aad, image.subspan(std::size_t{i} * h.chunk_size, length), record) != BlobError::ok) {
      return BlobError::crypto_failure;
    }
    const ChunkRecordView view{record.first(length), record.subspan(length)};
    if (blob_leaf_hash(h, i, view, leaves[i]) != BlobError::ok) return BlobError::crypto_failure;
    offset += record.size();
  }
  MerkleTree tree;
  if (const BlobError e = tree.build(leaves); e != BlobError::ok) return e;
  h.chunk_root = tree.root();

  const auto header_bytes = std::span<std::uint8_t>(blob).first<blob::header_size>();
  if (const BlobError e = encode_blob_header(h, header_bytes); e != BlobError::ok) return e;
  std::array<std::uint8_t, blob::signing_message_size> message{};
  blob_signing_message(header_bytes, message);
  if (signer_.sign(message, std::span<std::uint8_t>(blob).subspan(blob::header_size).first<blob::signature_size>()) !=
      crypto::Status::ok) {
    return BlobError::crypto_failure;
  }
  out = std::move(blob);
  return BlobError::ok;
}

}  // namespace meshsec::firmware
