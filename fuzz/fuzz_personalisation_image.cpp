// The personalisation image parser (keys/personalisation_image.hpp) on attacker bytes.
// Input: [mode] then the image. Mode bit 0 set: the trailing 32 bytes are replaced by the
// correct SHA-256 first, so the fuzzer reaches every field check behind the checksum. An
// image that parses must re-encode to exactly the same bytes.
#include <cstddef>
#include <cstdint>
#include <algorithm>
#include <cstdlib>
#include <vector>

#include "crypto/mac.hpp"
#include "keys/personalisation_image.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace meshsec;
  if (size < 1) return 0;
  std::vector<std::uint8_t> bytes(data + 1, data + size);
  if ((data[0] & 1) != 0 && bytes.size() >= keys::personalisation_checksum_size) {
    const std::size_t body = bytes.size() - keys::personalisation_checksum_size;
    std::uint8_t digest[crypto::sha256_size];
    if (crypto::sha256({std::span<const std::uint8_t>(bytes.data(), body)}, digest) != crypto::Status::ok) return 0;
    for (std::size_t i = 0; i < crypto::sha256_size; ++i) bytes[body + i] = digest[i];
  }
  keys::PersonalisationImage image;
  if (keys::parse_personalisation_image(bytes, image) != keys::ImageError::ok) {
    if (image.keys.node_id != 0 || image.customer_id_size != 0 || image.keystore_size != 0 ||
        image.keys.beacon_chain_rounds != 0)
      std::abort();
    return 0;
  }
  std::vector<std::uint8_t> again(keys::max_personalisation_image_size);
  std::size_t n = 0;
  if (keys::encode_personalisation_image(image, again, n) != keys::ImageError::ok) std::abort();
  if (n != bytes.size() || !std::equal(bytes.begin(), bytes.end(), again.begin())) std::abort();
  return 0;
}
