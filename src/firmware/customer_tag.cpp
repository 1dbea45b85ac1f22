#include "firmware/customer_tag.hpp"

#include <array>
#include <span>

#include "crypto/mac.hpp"

namespace meshsec::firmware {

BlobError customer_tag(std::string_view customer_id, std::uint64_t& out) noexcept {
  static constexpr std::string_view domain = "meshsec customer tag v1";
  std::array<std::uint8_t, crypto::sha256_size> digest{};
  out = 0;
  if (crypto::sha256({{reinterpret_cast<const std::uint8_t*>(domain.data()), domain.size()},
                      {reinterpret_cast<const std::uint8_t*>(customer_id.data()), customer_id.size()}},
                     digest) != crypto::Status::ok) {
    return BlobError::crypto_failure;
  }
  for (std::size_t i = 0; i < 8; ++i) out = (out << 8) | digest[i];
  return BlobError::ok;
}

}  // namespace meshsec::firmware
