#include "crypto/random.hpp"

#include <openssl/rand.h>

#include <climits>

namespace meshsec::crypto {

Status random_bytes(std::span<std::uint8_t> out) noexcept {
  if (out.empty()) return Status::ok;
  if (out.size() > INT_MAX) return Status::bad_length;
  return RAND_bytes(out.data(), static_cast<int>(out.size())) == 1 ? Status::ok
                                                                   : Status::backend_failure;
}

Status random_secret_bytes(std::span<std::uint8_t> out) noexcept {
  if (out.empty()) return Status::ok;
  if (out.size() > INT_MAX) return Status::bad_length;
  return RAND_priv_bytes(out.data(), static_cast<int>(out.size())) == 1 ? Status::ok
                                                                        : Status::backend_failure;
}

}  // namespace meshsec::crypto
