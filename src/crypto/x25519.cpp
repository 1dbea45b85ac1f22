#include "crypto/x25519.hpp"

#include <openssl/evp.h>

#include "crypto/random.hpp"
#include "crypto/secure_memory.hpp"

namespace meshsec::crypto {

Status x25519_generate(std::span<std::uint8_t, 32> private_out,
                       std::span<std::uint8_t, 32> public_out) noexcept {
  Status s = random_secret_bytes(private_out);
  if (s != Status::ok) return s;
  return x25519_public_from_private(private_out, public_out);
}

Status x25519_public_from_private(std::span<const std::uint8_t, 32> private_key,
                                  std::span<std::uint8_t, 32> public_out) noexcept {
  EVP_PKEY* key = EVP_PKEY_new_raw_private_key(EVP_PKEY_X25519, nullptr, private_key.data(), 32);
  if (key == nullptr) return Status::backend_failure;
  std::size_t len = 32;
  const bool good = EVP_PKEY_get_raw_public_key(key, public_out.data(), &len) == 1 && len == 32;
  EVP_PKEY_free(key);
  return good ? Status::ok : Status::backend_failure;
}

Status x25519(std::span<const std::uint8_t, 32> private_key,
              std::span<const std::uint8_t, 32> peer_public,
              std::span<std::uint8_t, 32> shared_out) noexcept {
  EVP_PKEY* own = EVP_PKEY_new_raw_private_key(EVP_PKEY_X25519, nullptr, private_key.data(), 32);
  EVP_PKEY* peer = EVP_PKEY_new_raw_public_key(EVP_PKEY_X25519, nullptr, peer_public.data(), 32);
  EVP_PKEY_CTX* ctx = own != nullptr ? EVP_PKEY_CTX_new(own, nullptr) : nullptr;
  Status s = Status::backend_failure;
  if (ctx != nullptr && peer != nullptr && EVP_PKEY_derive_init(ctx) == 1 &&
      EVP_PKEY_derive_set_peer(ctx, peer) == 1) {
    std::size_t len = 32;
    // OpenSSL itself fails the derivation when the result is all zero; both paths end in
    // zero_shared_secret so callers see one reason for a low-order peer key.
    if (EVP_PKEY_derive(ctx, shared_out.data(), &len) == 1 && len == 32)
      s = is_all_zero_constant_time(shared_out) ? Status::zero_shared_secret : Status::ok;
    else
      s = Status::zero_shared_secret;
  }
  EVP_PKEY_CTX_free(ctx);
  EVP_PKEY_free(peer);
  EVP_PKEY_free(own);
  if (s != Status::ok) secure_wipe(shared_out.data(), shared_out.size());
  return s;
}

}  // namespace meshsec::crypto
