#include "firmware/key_id.hpp"

#include <string_view>

#include "crypto/mac.hpp"
#include "crypto/secure_memory.hpp"

namespace meshsec::firmware {
namespace {

std::span<const std::uint8_t> as_bytes(std::string_view s) noexcept {
  return {reinterpret_cast<const std::uint8_t*>(s.data()), s.size()};
}

}  // namespace

BlobError public_key_id(std::span<const std::uint8_t> public_key, blob::KeyId& out) noexcept {
  blob::Digest digest{};
  if (crypto::sha256({as_bytes("meshsec key id v1"), public_key}, digest) != crypto::Status::ok) {
    return BlobError::crypto_failure;
  }
  for (std::size_t i = 0; i < out.size(); ++i) out[i] = digest[i];
  return BlobError::ok;
}

BlobError secret_key_id(std::span<const std::uint8_t> key, blob::KeyId& out) noexcept {
  crypto::Mac mac;
  blob::Digest digest{};
  if (mac.init(crypto::MacAlgorithm::hmac_sha256, key) != crypto::Status::ok ||
      mac.compute(as_bytes("meshsec blob encryption key id v1"), digest) != crypto::Status::ok) {
    return BlobError::crypto_failure;
  }
  for (std::size_t i = 0; i < out.size(); ++i) out[i] = digest[i];
  crypto::secure_wipe(digest.data(), digest.size());
  return BlobError::ok;
}

}  // namespace meshsec::firmware
