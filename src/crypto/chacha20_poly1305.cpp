#include "crypto/chacha20_poly1305.hpp"

#include <openssl/evp.h>

#include <cstdint>
#include <utility>

#include "crypto/secure_memory.hpp"

namespace meshsec::crypto {
namespace {

const unsigned char kEmpty = 0;
const unsigned char* nonnull(std::span<const std::uint8_t> s) noexcept {
  return s.empty() ? &kEmpty : s.data();
}
unsigned char* nonnull_out(std::span<std::uint8_t> s, unsigned char& scratch) noexcept {
  return s.empty() ? &scratch : s.data();
}
bool fits_int(std::size_t n) noexcept { return n <= static_cast<std::size_t>(INT32_MAX); }

}  // namespace

ChaCha20Poly1305::ChaCha20Poly1305(ChaCha20Poly1305&& other) noexcept
    : encrypt_ctx_(std::exchange(other.encrypt_ctx_, nullptr)),
      decrypt_ctx_(std::exchange(other.decrypt_ctx_, nullptr)) {}

ChaCha20Poly1305& ChaCha20Poly1305::operator=(ChaCha20Poly1305&& other) noexcept {
  if (this != &other) {
    release();
    encrypt_ctx_ = std::exchange(other.encrypt_ctx_, nullptr);
    decrypt_ctx_ = std::exchange(other.decrypt_ctx_, nullptr);
  }
  return *this;
}

ChaCha20Poly1305::~ChaCha20Poly1305() { release(); }

void ChaCha20Poly1305::release() noexcept {
  EVP_CIPHER_CTX_free(encrypt_ctx_);
  EVP_CIPHER_CTX_free(decrypt_ctx_);
  encrypt_ctx_ = nullptr;
  decrypt_ctx_ = nullptr;
}

Status ChaCha20Poly1305::init(std::span<const std::uint8_t> key) noexcept {
  release();
  if (key.size() != key_size) return Status::bad_key_length;
  EVP_CIPHER* cipher = EVP_CIPHER_fetch(nullptr, "ChaCha20-Poly1305", nullptr);
  if (cipher == nullptr) return Status::backend_failure;
  EVP_CIPHER_CTX* enc = EVP_CIPHER_CTX_new();
  EVP_CIPHER_CTX* dec = EVP_CIPHER_CTX_new();
  bool good = enc != nullptr && dec != nullptr;
  for (EVP_CIPHER_CTX* ctx : {enc, dec}) {
    if (!good) break;
    const int encrypt = ctx == enc ? 1 : 0;
    good = EVP_CipherInit_ex(ctx, cipher, nullptr, key.data(), nullptr, encrypt) == 1;
  }
  EVP_CIPHER_free(cipher);
  if (!good) {
    EVP_CIPHER_CTX_free(enc);
    EVP_CIPHER_CTX_free(dec);
    return Status::backend_failure;
  }
  encrypt_ctx_ = enc;
  decrypt_ctx_ = dec;
  return Status::ok;
}

Status ChaCha20Poly1305::seal(std::span<const std::uint8_t> nonce,
                              std::span<const std::uint8_t> aad,
                              std::span<const std::uint8_t> plaintext,
                              std::span<std::uint8_t> ciphertext,
                              std::span<std::uint8_t> tag) noexcept {
  if (encrypt_ctx_ == nullptr) return Status::not_initialised;
  if (nonce.size() != nonce_size) return Status::bad_nonce_length;
  if (ciphertext.size() != plaintext.size() || tag.size() != tag_size) return Status::bad_length;
  if (!fits_int(aad.size()) || !fits_int(plaintext.size())) return Status::message_too_long;
  // Key stays scheduled: only the nonce is loaded.
  if (EVP_EncryptInit_ex(encrypt_ctx_, nullptr, nullptr, nullptr, nonce.data()) != 1)
    return Status::backend_failure;
  int out_len = 0;
  if (!aad.empty() && EVP_EncryptUpdate(encrypt_ctx_, nullptr, &out_len, aad.data(),
                                        static_cast<int>(aad.size())) != 1)
    return Status::backend_failure;
  unsigned char scratch = 0;
  if (!plaintext.empty() &&
      EVP_EncryptUpdate(encrypt_ctx_, ciphertext.data(), &out_len, plaintext.data(),
                        static_cast<int>(plaintext.size())) != 1)
    return Status::backend_failure;
  if (EVP_EncryptFinal_ex(encrypt_ctx_, nonnull_out(ciphertext, scratch), &out_len) != 1)
    return Status::backend_failure;
  if (EVP_CIPHER_CTX_ctrl(encrypt_ctx_, EVP_CTRL_AEAD_GET_TAG, static_cast<int>(tag_size),
                          tag.data()) != 1)
    return Status::backend_failure;
  return Status::ok;
}

Status ChaCha20Poly1305::open(std::span<const std::uint8_t> nonce,
                              std::span<const std::uint8_t> aad,
                              std::span<const std::uint8_t> ciphertext,
                              std::span<const std::uint8_t> tag,
                              std::span<std::uint8_t> plaintext) noexcept {
  if (decrypt_ctx_ == nullptr) return Status::not_initialised;
  if (nonce.size() != nonce_size) return Status::bad_nonce_length;
  if (plaintext.size() != ciphertext.size()) return Status::bad_length;
  if (tag.size() != tag_size) return Status::bad_tag_length;
  if (!fits_int(aad.size()) || !fits_int(ciphertext.size())) return Status::message_too_long;
  if (EVP_DecryptInit_ex(decrypt_ctx_, nullptr, nullptr, nullptr, nonce.data()) != 1)
    return Status::backend_failure;
  // The tag is handed to OpenSSL, which compares it in constant time.
  if (EVP_CIPHER_CTX_ctrl(decrypt_ctx_, EVP_CTRL_AEAD_SET_TAG, static_cast<int>(tag_size),
                          const_cast<std::uint8_t*>(tag.data())) != 1)
    return Status::backend_failure;
  int out_len = 0;
  if (!aad.empty() && EVP_DecryptUpdate(decrypt_ctx_, nullptr, &out_len, aad.data(),
                                        static_cast<int>(aad.size())) != 1)
    return Status::backend_failure;
  unsigned char scratch = 0;
  bool verified = ciphertext.empty() ||
                  EVP_DecryptUpdate(decrypt_ctx_, plaintext.data(), &out_len, nonnull(ciphertext),
                                    static_cast<int>(ciphertext.size())) == 1;
  verified = verified &&
             EVP_DecryptFinal_ex(decrypt_ctx_, nonnull_out(plaintext, scratch), &out_len) == 1;
  if (!verified) {
    secure_wipe(plaintext);
    return Status::auth_failed;
  }
  return Status::ok;
}

}  // namespace meshsec::crypto
