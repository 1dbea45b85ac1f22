// Error values of the firmware blob and secure boot code. Every check in the verifier
// starts at a failure value and reaches `ok` only at its end.
#pragma once
#include <cstdint>
#include <string_view>

namespace meshsec::firmware {

enum class BlobError : std::uint8_t {
  ok = 0,
  malformed,            // bytes do not parse as the layout (length, trailing bytes)
  bad_magic,            // not a meshsec blob / keystore / image
  unsupported_format,   // format version or algorithm id this code does not know
  bad_geometry,         // image size, chunk size and chunk count disagree or exceed limits
  wrong_customer,       // the blob or image names another customer than expected
  wrong_product,        // the blob names another product than expected
  unknown_key,          // key id in the blob does not match the verification key
  bad_signature,        // Ed25519 signature did not verify
  rollback,             // version or security counter older than the installed one
  not_started,          // a chunk arrived before the header verified
  chunk_out_of_range,   // chunk index not below the chunk count
  bad_chunk,            // chunk hash path does not lead to the signed root
  decrypt_failed,       // AEAD tag of a chunk did not verify under the decryption key
  digest_mismatch,      // decrypted image or application does not match the signed digest
  incomplete,           // not all chunks verified yet
  crypto_failure,       // the crypto layer failed for a reason other than authentication
  no_room,              // an output buffer is too small
  wrong_environment,    // development keystore or image on a production-locked device
  key_not_in_keystore,  // the image's signing key id is not an application key of the keystore
};

[[nodiscard]] constexpr std::string_view to_string(BlobError e) noexcept {
  switch (e) {
    case BlobError::ok: return "ok";
    case BlobError::malformed: return "malformed";
    case BlobError::bad_magic: return "bad_magic";
    case BlobError::unsupported_format: return "unsupported_format";
    case BlobError::bad_geometry: return "bad_geometry";
    case BlobError::wrong_customer: return "wrong_customer";
    case BlobError::wrong_product: return "wrong_product";
    case BlobError::unknown_key: return "unknown_key";
    case BlobError::bad_signature: return "bad_signature";
    case BlobError::rollback: return "rollback";
    case BlobError::not_started: return "not_started";
    case BlobError::chunk_out_of_range: return "chunk_out_of_range";
    case BlobError::bad_chunk: return "bad_chunk";
    case BlobError::decrypt_failed: return "decrypt_failed";
    case BlobError::digest_mismatch: return "digest_mismatch";
    case BlobError::incomplete: return "incomplete";
    case BlobError::crypto_failure: return "crypto_failure";
    case BlobError::no_room: return "no_room";
    case BlobError::wrong_environment: return "wrong_environment";
    case BlobError::key_not_in_keystore: return "key_not_in_keystore";
  }
  return "unknown";
}

}  // namespace meshsec::firmware
