// Host side: turns a plaintext image into a signed, encrypted blob (docs/blob-format.md).
// Chunks are sealed by a ChunkSealer and the header signed by a BlobSigner; either may live
// in an HSM (HsmChunkSealer, cli::HsmBlobSigner), so software and custody builds share this
// one loop.
#pragma once
#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <vector>

#include "crypto/secret.hpp"
#include "firmware/blob_error.hpp"
#include "firmware/blob_layout.hpp"
#include "firmware/blob_signer.hpp"
#include "firmware/chunk_sealer.hpp"

namespace meshsec::firmware {

struct BlobBuildParams {
  std::uint64_t customer_id = 0;
  std::uint32_t product_id = 0;
  FirmwareVersion version{};
  std::uint32_t security_counter = 0;
  std::size_t chunk_size = 256;
  // Drawn from the CSPRNG when empty; tests pin it to compare two builds.
  std::optional<blob::BlobId> blob_id;
};

class BlobBuilder {
 public:
  // The header's encryption_key_id is sealer.key_id().
  BlobBuilder(ChunkSealer& sealer, BlobSigner& signer) noexcept : sealer_(&sealer), signer_(signer) {}
  // Software key: a 32-byte blob key (held by an internal SoftwareChunkSealer), named in
  // the header by secret_key_id(key).
  BlobBuilder(std::span<const std::uint8_t> encryption_key, BlobSigner& signer) noexcept;
  BlobBuilder(const BlobBuilder&) = delete;
  BlobBuilder& operator=(const BlobBuilder&) = delete;

  // Errors: bad_geometry (empty image, chunk size or count out of limits), crypto_failure
  // (bad key length, sealer or signer failure).
  [[nodiscard]] BlobError build(const BlobBuildParams& params, std::span<const std::uint8_t> image,
                                std::vector<std::uint8_t>& out) const;

 private:
  SoftwareChunkSealer owned_sealer_;
  ChunkSealer* sealer_ = nullptr;  // nullptr when the software key was unusable
  BlobSigner& signer_;
};

}  // namespace meshsec::firmware
