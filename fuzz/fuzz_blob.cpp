// Blob parsers and the chunk path of the verifier. Input: [selector] then bytes.
//   selector 0: blob header; 1: whole blob file (and its chunk records); 2: chunk packet
//   fed to a verifier whose header verified (a genuine 3-chunk blob built once).
#include <cstddef>
#include <cstdint>
#include <vector>

#include "firmware/blob_builder.hpp"
#include "firmware/blob_verifier.hpp"

namespace {

using namespace meshsec::firmware;

struct Genuine {
  SoftwareBlobSigner signer;
  std::vector<std::uint8_t> blob;
  BlobVerifier verifier;
  Genuine() {
    std::array<std::uint8_t, 32> seed{};
    seed.fill(7);
    std::array<std::uint8_t, 32> key{};
    key.fill(9);
    if (signer.init(seed) != meshsec::crypto::Status::ok) __builtin_trap();
    BlobBuildParams p;
    p.customer_id = 1;
    p.chunk_size = 16;
    p.blob_id = blob::BlobId{1, 2, 3, 4, 5, 6, 7, 8};
    const std::vector<std::uint8_t> image(40, 0x33);
    if (BlobBuilder(key, signer).build(p, image, blob) != BlobError::ok) __builtin_trap();
  }
};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static Genuine genuine;
  if (size == 0) return 0;
  const std::span<const std::uint8_t> input(data + 1, size - 1);
  switch (data[0] % 3) {
    case 0: {
      BlobHeader h;
      if (parse_blob_header(input, h) == BlobError::ok && blob_chunk_count(h.image_size, h.chunk_size) != h.chunk_count)
        __builtin_trap();  // the parser must enforce the geometry
      break;
    }
    case 1: {
      BlobFileView file;
      if (parse_blob_file(input, file) != BlobError::ok) break;
      for (std::size_t i = 0; i < file.header.chunk_count; ++i) {
        const ChunkRecordView r = blob_chunk_record(file, i);
        if (r.ciphertext.size() != blob_chunk_length(file.header, i)) __builtin_trap();
      }
      BlobVerifier v;
      BlobPolicy policy;
      policy.customer_id = file.header.customer_id;
      if (v.begin(input.first(blob::signed_header_size), genuine.signer.public_key(), policy) == BlobError::ok &&
          !std::equal(input.begin(), input.begin() + blob::signed_header_size, genuine.blob.begin()))
        __builtin_trap();  // only the genuine signed header may verify
      break;
    }
    default: {
      BlobPolicy policy;
      policy.customer_id = 1;
      if (genuine.verifier.begin(std::span(genuine.blob).first(blob::signed_header_size), genuine.signer.public_key(),
                                 policy) != BlobError::ok)
        __builtin_trap();
      ChunkPacketView packet;
      if (parse_chunk_packet(input, packet) != BlobError::ok) break;
      (void)genuine.verifier.accept_packet(packet);
      break;
    }
  }
  return 0;
}
