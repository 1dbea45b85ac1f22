// Authenticated encryption: AES-CCM (NIST SP 800-38C) and AES-GCM (SP 800-38D).
//
// Device-side contract: the key is scheduled once in init() and reused for every message
// (CCM schedules it again when the nonce length changes from one message to the next);
// seal()/open() allocate nothing and never throw. open() checks the tag in constant time
// (inside OpenSSL) and wipes the plaintext output when the tag does not verify.
#pragma once
#include <cstddef>
#include <cstdint>
#include <span>

#include "crypto/secret.hpp"
#include "crypto/status.hpp"

struct evp_cipher_ctx_st;  // OpenSSL's EVP_CIPHER_CTX, kept out of callers' headers

namespace meshsec::crypto {

enum class AeadMode : std::uint8_t { ccm, gcm };

// Limits of the modes. CCM: nonce 7..13 bytes, tag 4..16 even. GCM: nonce 1..128 bytes
// (12 recommended), tag 4, 8 or 12..16 bytes (SP 800-38D §5.2.1.2).
struct AeadLimits {
  static constexpr std::size_t ccm_nonce_min = 7;
  static constexpr std::size_t ccm_nonce_max = 13;
  static constexpr std::size_t gcm_nonce_min = 1;
  static constexpr std::size_t gcm_nonce_max = 128;
  static constexpr std::size_t tag_max = 16;
};

[[nodiscard]] bool aead_tag_length_allowed(AeadMode mode, std::size_t tag_length) noexcept;
[[nodiscard]] bool aead_nonce_length_allowed(AeadMode mode, std::size_t nonce_length) noexcept;

class AesAead {
 public:
  AesAead() noexcept = default;
  AesAead(const AesAead&) = delete;
  AesAead& operator=(const AesAead&) = delete;
  AesAead(AesAead&& other) noexcept;
  AesAead& operator=(AesAead&& other) noexcept;
  ~AesAead();

  // Schedules the key (16, 24 or 32 bytes) for the mode with a fixed tag length.
  // Errors: bad_key_length, bad_tag_length, backend_failure.
  [[nodiscard]] Status init(AeadMode mode, std::span<const std::uint8_t> key,
                            std::size_t tag_length) noexcept;

  // ciphertext.size() must equal plaintext.size(); tag.size() must equal tag_length().
  // Errors: not_initialised, bad_nonce_length, bad_length, message_too_long, backend_failure.
  [[nodiscard]] Status seal(std::span<const std::uint8_t> nonce, std::span<const std::uint8_t> aad,
                            std::span<const std::uint8_t> plaintext,
                            std::span<std::uint8_t> ciphertext,
                            std::span<std::uint8_t> tag) noexcept;

  // plaintext.size() must equal ciphertext.size(). On auth_failed the plaintext span is
  // zeroed. Errors: not_initialised, bad_nonce_length, bad_length, bad_tag_length,
  // message_too_long, auth_failed, backend_failure.
  [[nodiscard]] Status open(std::span<const std::uint8_t> nonce, std::span<const std::uint8_t> aad,
                            std::span<const std::uint8_t> ciphertext,
                            std::span<const std::uint8_t> tag,
                            std::span<std::uint8_t> plaintext) noexcept;

  [[nodiscard]] std::size_t tag_length() const noexcept { return tag_length_; }
  [[nodiscard]] AeadMode mode() const noexcept { return mode_; }
  [[nodiscard]] bool ready() const noexcept { return encrypt_ctx_ != nullptr; }

 private:
  void release() noexcept;
  [[nodiscard]] Status prepare(evp_cipher_ctx_st* ctx, std::span<const std::uint8_t> nonce,
                               std::size_t& current_nonce_length, std::size_t message_length,
                               int encrypt) noexcept;

  evp_cipher_ctx_st* encrypt_ctx_ = nullptr;
  evp_cipher_ctx_st* decrypt_ctx_ = nullptr;
  // OpenSSL fixes CCM's length-field size L = 15 - nonce length when the key is set, so a
  // CCM message with another nonce length needs the key scheduled again (prepare()).
  SecretArray<32> key_;
  AeadMode mode_ = AeadMode::ccm;
  std::size_t tag_length_ = 0;
  std::size_t encrypt_nonce_length_ = 0;
  std::size_t decrypt_nonce_length_ = 0;
};

}  // namespace meshsec::crypto
