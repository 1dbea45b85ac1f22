// ChaCha20-Poly1305 AEAD (RFC 8439): 32-byte key, 12-byte nonce, 16-byte tag.
//
// Same device-side contract as AesAead: the key is set once in init(), seal()/open()
// allocate nothing and never throw, open() wipes the plaintext when the tag fails.
#pragma once
#include <cstddef>
#include <cstdint>
#include <span>

#include "crypto/status.hpp"

struct evp_cipher_ctx_st;

namespace meshsec::crypto {

class ChaCha20Poly1305 {
 public:
  static constexpr std::size_t key_size = 32;
  static constexpr std::size_t nonce_size = 12;
  static constexpr std::size_t tag_size = 16;

  ChaCha20Poly1305() noexcept = default;
  ChaCha20Poly1305(const ChaCha20Poly1305&) = delete;
  ChaCha20Poly1305& operator=(const ChaCha20Poly1305&) = delete;
  ChaCha20Poly1305(ChaCha20Poly1305&& other) noexcept;
  ChaCha20Poly1305& operator=(ChaCha20Poly1305&& other) noexcept;
  ~ChaCha20Poly1305();

  // Errors: bad_key_length, backend_failure.
  [[nodiscard]] Status init(std::span<const std::uint8_t> key) noexcept;

  // ciphertext.size() == plaintext.size(), tag.size() == 16, nonce.size() == 12.
  // Errors: not_initialised, bad_nonce_length, bad_length, message_too_long, backend_failure.
  [[nodiscard]] Status seal(std::span<const std::uint8_t> nonce, std::span<const std::uint8_t> aad,
                            std::span<const std::uint8_t> plaintext,
                            std::span<std::uint8_t> ciphertext,
                            std::span<std::uint8_t> tag) noexcept;
  // On auth_failed the plaintext span is zeroed. Errors: as seal(), bad_tag_length, auth_failed.
  [[nodiscard]] Status open(std::span<const std::uint8_t> nonce, std::span<const std::uint8_t> aad,
                            std::span<const std::uint8_t> ciphertext,
                            std::span<const std::uint8_t> tag,
                            std::span<std::uint8_t> plaintext) noexcept;

  [[nodiscard]] bool ready() const noexcept { return encrypt_ctx_ != nullptr; }

 private:
  void release() noexcept;
  evp_cipher_ctx_st* encrypt_ctx_ = nullptr;
  evp_cipher_ctx_st* decrypt_ctx_ = nullptr;
};

}  // namespace meshsec::crypto
