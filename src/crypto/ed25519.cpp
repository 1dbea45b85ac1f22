#include "crypto/ed25519.hpp"

#include <openssl/evp.h>

#include "crypto/random.hpp"
#include "crypto/secure_memory.hpp"

namespace meshsec::crypto {
namespace {
const unsigned char kEmpty = 0;
const unsigned char* nonnull(std::span<const std::uint8_t> s) { return s.empty() ? &kEmpty : s.data(); }
}  // namespace

Status ed25519_generate(std::span<std::uint8_t, 32> seed_out,
                        std::span<std::uint8_t, 32> public_out) noexcept {
  Status s = random_secret_bytes(seed_out);
  if (s != Status::ok) return s;
  return ed25519_public_from_seed(seed_out, public_out);
}

Status ed25519_public_from_seed(std::span<const std::uint8_t, 32> seed,
                                std::span<std::uint8_t, 32> public_out) noexcept {
  EVP_PKEY* key = EVP_PKEY_new_raw_private_key(EVP_PKEY_ED25519, nullptr, seed.data(), 32);
  if (key == nullptr) return Status::backend_failure;
  std::size_t len = 32;
  const bool good = EVP_PKEY_get_raw_public_key(key, public_out.data(), &len) == 1 && len == 32;
  EVP_PKEY_free(key);
  return good ? Status::ok : Status::backend_failure;
}

Status ed25519_sign(std::span<const std::uint8_t, 32> seed, std::span<const std::uint8_t> message,
                    std::span<std::uint8_t, 64> signature_out) noexcept {
  EVP_PKEY* key = EVP_PKEY_new_raw_private_key(EVP_PKEY_ED25519, nullptr, seed.data(), 32);
  EVP_MD_CTX* ctx = EVP_MD_CTX_new();
  std::size_t len = 64;
  const bool good = key != nullptr && ctx != nullptr &&
                    EVP_DigestSignInit(ctx, nullptr, nullptr, nullptr, key) == 1 &&
                    EVP_DigestSign(ctx, signature_out.data(), &len, nonnull(message), message.size()) == 1 &&
                    len == 64;
  EVP_MD_CTX_free(ctx);
  EVP_PKEY_free(key);
  if (!good) secure_wipe(signature_out.data(), signature_out.size());
  return good ? Status::ok : Status::backend_failure;
}

Status ed25519_verify(std::span<const std::uint8_t> public_key, std::span<const std::uint8_t> message,
                      std::span<const std::uint8_t> signature) noexcept {
  if (public_key.size() != ed25519_public_size) return Status::invalid_public_key;
  if (signature.size() != ed25519_signature_size) return Status::auth_failed;
  EVP_PKEY* key = EVP_PKEY_new_raw_public_key(EVP_PKEY_ED25519, nullptr, public_key.data(), 32);
  if (key == nullptr) return Status::invalid_public_key;
  EVP_MD_CTX* ctx = EVP_MD_CTX_new();
  // OpenSSL rejects non-canonical S (S >= L) and small-order/invalid R encodings.
  const bool good = ctx != nullptr && EVP_DigestVerifyInit(ctx, nullptr, nullptr, nullptr, key) == 1 &&
                    EVP_DigestVerify(ctx, signature.data(), signature.size(), nonnull(message),
                                     message.size()) == 1;
  EVP_MD_CTX_free(ctx);
  EVP_PKEY_free(key);
  return good ? Status::ok : Status::auth_failed;
}

}  // namespace meshsec::crypto
