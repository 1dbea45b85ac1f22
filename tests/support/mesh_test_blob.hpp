// Test blobs for the mesh tests and fuzz targets: a signed blob cut into chunk packets,
// and an in-memory chunk store. Failures throw (no test framework needed).
#pragma once
#include <array>
#include <map>
#include <stdexcept>
#include <string>
#include <vector>

#include "firmware/blob_builder.hpp"
#include "firmware/blob_signer.hpp"
#include "firmware/merkle_tree.hpp"
#include "node/chunk_store.hpp"
#include "wire/bounded_writer.hpp"

namespace meshsec::mesh_testing {

inline void require(bool ok, const char* what) {
  if (!ok) throw std::runtime_error(std::string("test blob: ") + what);
}

class MapStore final : public node::ChunkStore {
 public:
  void clear() noexcept override { chunks.clear(); }
  bool write(std::uint32_t index, std::span<const std::uint8_t> p) noexcept override {
    chunks[index].assign(p.begin(), p.end());
    return true;
  }
  std::span<const std::uint8_t> read(std::uint32_t index) const noexcept override {
    auto it = chunks.find(index);
    return it == chunks.end() ? std::span<const std::uint8_t>{} : std::span<const std::uint8_t>(it->second);
  }
  std::map<std::uint32_t, std::vector<std::uint8_t>> chunks;
};

struct Blob {
  std::vector<std::uint8_t> signed_header;
  std::vector<std::vector<std::uint8_t>> packets;
  firmware::Ed25519PublicKey vk{};
};

inline Blob make_blob(std::uint8_t signer_fill, std::uint32_t counter, std::size_t chunk_size = 256,
                      std::size_t image_size = 3000) {
  std::array<std::uint8_t, 32> seed{};
  seed.fill(signer_fill);
  firmware::SoftwareBlobSigner signer;
  require(signer.init(seed) == crypto::Status::ok, "signer");
  std::array<std::uint8_t, 32> key{};
  key.fill(0x33);
  firmware::BlobBuilder builder(key, signer);
  firmware::BlobBuildParams params;
  params.customer_id = 77;
  params.product_id = 1;
  params.version = {1, 2, 0, 0};
  params.security_counter = counter;
  params.chunk_size = chunk_size;
  params.blob_id = firmware::blob::BlobId{1, 2, 3, 4, 5, 6, 7, static_cast<std::uint8_t>(counter)};
  std::vector<std::uint8_t> image(image_size);
  for (std::size_t i = 0; i < image.size(); ++i) image[i] = static_cast<std::uint8_t>(i * 7);
  std::vector<std::uint8_t> file;
  require(builder.build(params, image, file) == firmware::BlobError::ok, "build");
  firmware::BlobFileView view;
  require(firmware::parse_blob_file(file, view) == firmware::BlobError::ok, "parse");
  Blob b;
  b.vk = signer.public_key();
  b.signed_header.assign(file.begin(), file.begin() + firmware::blob::signed_header_size);
  std::vector<firmware::blob::Digest> leaves(view.header.chunk_count);
  for (std::uint32_t i = 0; i < leaves.size(); ++i)
    require(firmware::blob_leaf_hash(view.header, i, firmware::blob_chunk_record(view, i), leaves[i]) ==
                firmware::BlobError::ok,
            "leaf");
  firmware::MerkleTree tree;
  require(tree.build(leaves) == firmware::BlobError::ok, "tree");
  for (std::uint32_t i = 0; i < leaves.size(); ++i) {
    std::vector<std::uint8_t> p(firmware::max_chunk_packet_size);
    wire::BoundedWriter w(p);
    require(firmware::encode_chunk_packet(view.header.blob_id, static_cast<std::uint16_t>(i),
                                          firmware::blob_chunk_record(view, i), tree.path(i), w) == firmware::BlobError::ok,
            "packet");
    p.resize(w.size());
    b.packets.push_back(p);
  }
  return b;
}

}  // namespace meshsec::mesh_testing
