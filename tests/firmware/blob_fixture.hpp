// Shared set-up of the firmware tests: two customers' keys and a built blob.
#pragma once
#include <gtest/gtest.h>

#include <array>
#include <cstdint>
#include <vector>

#include "firmware/blob_builder.hpp"
#include "firmware/blob_signer.hpp"
#include "firmware/blob_verifier.hpp"
#include "firmware/key_id.hpp"
#include "firmware/merkle_tree.hpp"

namespace meshsec::firmware::testing {

struct CustomerKeys {
  std::array<std::uint8_t, 32> encryption_key{};
  SoftwareBlobSigner signer;
};

inline void make_customer(std::uint8_t tag, CustomerKeys& keys) {
  std::array<std::uint8_t, 32> seed{};
  for (std::size_t i = 0; i < 32; ++i) {
    keys.encryption_key[i] = static_cast<std::uint8_t>(tag ^ i);
    seed[i] = static_cast<std::uint8_t>((tag * 7) ^ (i * 3));
  }
  ASSERT_EQ(keys.signer.init(seed), crypto::Status::ok);
}

inline std::vector<std::uint8_t> make_image(std::size_t size, std::uint8_t salt = 0) {
  std::vector<std::uint8_t> image(size);
  for (std::size_t i = 0; i < size; ++i) image[i] = static_cast<std::uint8_t>((i * 31 + salt) & 0xff);
  return image;
}

inline BlobBuildParams make_params(std::uint32_t customer, FirmwareVersion version, std::uint32_t counter,
                                   std::size_t chunk_size = 64) {
  BlobBuildParams p;
  p.customer_id = customer;
  p.product_id = 7;
  p.version = version;
  p.security_counter = counter;
  p.chunk_size = chunk_size;
  return p;
}

// Chunk packets of a parsed blob file, as a gateway would send them.
inline std::vector<std::vector<std::uint8_t>> make_packets(const BlobFileView& file) {
  std::vector<blob::Digest> leaves(file.header.chunk_count);
  for (std::uint32_t i = 0; i < file.header.chunk_count; ++i) {
    EXPECT_EQ(blob_leaf_hash(file.header, i, blob_chunk_record(file, i), leaves[i]), BlobError::ok);
  }
  MerkleTree tree;
  EXPECT_EQ(tree.build(leaves), BlobError::ok);
  std::vector<std::vector<std::uint8_t>> packets;
  for (std::uint32_t i = 0; i < file.header.chunk_count; ++i) {
    std::vector<std::uint8_t> packet(max_chunk_packet_size);
    wire::BoundedWriter w(packet);
    EXPECT_EQ(encode_chunk_packet(file.header.blob_id, static_cast<std::uint16_t>(i), blob_chunk_record(file, i),
                                  tree.path(i), w),
              BlobError::ok);
    packet.resize(w.size());
    packets.push_back(std::move(packet));
  }
  return packets;
}

}  // namespace meshsec::firmware::testing
