// Device side: verifies a blob as it arrives, chunk by chunk and in any order, holding only
// the customer's blob verification (public) key. No heap, fixed buffers; a relay runs this
// without ever decrypting (docs/blob-format.md §6).
//
//   begin()        signed header: parse → customer and key id → Ed25519 → product → rollback
//   accept_*()     one chunk: parse → Merkle path to the signed root → mark present
//   complete()     true only when every chunk has verified
#pragma once
#include <cstdint>
#include <optional>
#include <span>

#include "firmware/blob_error.hpp"
#include "firmware/blob_layout.hpp"
#include "firmware/blob_signer.hpp"
#include "firmware/chunk_bitmap.hpp"
#include "firmware/firmware_version.hpp"

namespace meshsec::firmware {

struct BlobPolicy {
  std::uint64_t customer_id = 0;
  std::optional<std::uint32_t> product_id;  // empty: any product of the customer
  InstalledFirmware installed{};            // anti-rollback floor
};

class BlobVerifier {
 public:
  enum class State : std::uint8_t { idle, receiving, complete, failed };

  // Verifies the signed header (header ‖ signature, signed_header_size bytes). On any error
  // the verifier is left `failed` and accepts no chunk.
  // Errors: malformed, bad_magic, unsupported_format, bad_geometry, wrong_customer,
  // unknown_key, bad_signature, wrong_product, rollback.
  [[nodiscard]] BlobError begin(std::span<const std::uint8_t> signed_header, const Ed25519PublicKey& verification_key,
                                const BlobPolicy& policy) noexcept;

  // A chunk record with its Merkle path. A chunk that fails leaves the state unchanged
  // (a relay simply drops it and waits for a good copy). A repeated good chunk is ok.
  // Errors: not_started, chunk_out_of_range, malformed, bad_chunk, crypto_failure.
  [[nodiscard]] BlobError accept_chunk(std::uint32_t index, ChunkRecordView record,
                                       std::span<const std::uint8_t> path) noexcept;
  // The same for a parsed chunk packet; a packet of another blob id is bad_chunk.
  [[nodiscard]] BlobError accept_packet(const ChunkPacketView& packet) noexcept;

  [[nodiscard]] State state() const noexcept { return state_; }
  [[nodiscard]] bool complete() const noexcept { return state_ == State::complete; }
  // Valid once begin() succeeded.
  [[nodiscard]] const BlobHeader& header() const noexcept { return header_; }
  [[nodiscard]] const ChunkBitmap& received() const noexcept { return received_; }
  void reset() noexcept;

 private:
  State state_ = State::idle;
  BlobHeader header_{};
  ChunkBitmap received_{};
  std::size_t depth_ = 0;
};

}  // namespace meshsec::firmware
