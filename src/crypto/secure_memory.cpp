#include "crypto/secure_memory.hpp"

#include <openssl/crypto.h>

namespace meshsec::crypto {

void secure_wipe(void* data, std::size_t size) noexcept {
  if (data != nullptr && size != 0) OPENSSL_cleanse(data, size);
}

bool equal_constant_time(std::span<const std::uint8_t> a,
                         std::span<const std::uint8_t> b) noexcept {
  if (a.size() != b.size()) return false;
  if (a.empty()) return true;
  return CRYPTO_memcmp(a.data(), b.data(), a.size()) == 0;
}

bool is_all_zero_constant_time(std::span<const std::uint8_t> bytes) noexcept {
  std::uint8_t acc = 0;
  for (std::uint8_t b : bytes) acc = static_cast<std::uint8_t>(acc | b);
  return acc == 0;
}

}  // namespace meshsec::crypto
