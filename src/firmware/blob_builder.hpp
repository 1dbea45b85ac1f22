// Host side: turns a plaintext image into a signed, encrypted blob (docs/blob-format.md).
// The encryption key arrives as bytes (from the key hierarchy or, later, unwrapped by the
// HSM); the signature comes from a BlobSigner, which may live in an HSM.
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
  // key: the customer's 32-byte blob encryption key (copied into a SecretArray).
  BlobBuilder(std::span<const std::uint8_t> encryption_key, BlobSigner& signer) noexcept;

  // Errors: bad_geometry (empty image, chunk size or count out of limits), crypto_failure
  // (bad key length, signer failure).
  [[nodiscard]] BlobError build(const BlobBuildParams& params, std::span<const std::uint8_t> image,
                                std::vector<std::uint8_t>& out) const;

 private:
  crypto::SecretArray<blob::key_size> key_;
  bool key_ok_ = false;
  BlobSigner& signer_;
};

}  // namespace meshsec::firmware
