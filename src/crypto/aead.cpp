#include "crypto/aead.hpp"

#include <openssl/evp.h>

#include <algorithm>
#include <utility>

#include "crypto/secure_memory.hpp"

namespace meshsec::crypto {
namespace {

// OpenSSL's CCM/GCM code treats a null input pointer as "no data" even for a zero-length
// message, so empty spans are pointed at this byte instead.
const unsigned char kEmpty = 0;
const unsigned char* nonnull(std::span<const std::uint8_t> s) noexcept {
  return s.empty() ? &kEmpty : s.data();
}
unsigned char* nonnull_out(std::span<std::uint8_t> s, unsigned char& scratch) noexcept {
  return s.empty() ? &scratch : s.data();
}

const char* cipher_name(AeadMode mode, std::size_t key_length) noexcept {
  const bool ccm = mode == AeadMode::ccm;
  switch (key_length) {
    case 16: return ccm ? "AES-128-CCM" : "AES-128-GCM";
    case 24: return ccm ? "AES-192-CCM" : "AES-192-GCM";
    case 32: return ccm ? "AES-256-CCM" : "AES-256-GCM";
    default: return nullptr;
  }
}

bool fits_int(std::size_t n) noexcept { return n <= static_cast<std::size_t>(INT32_MAX); }

}  // namespace

bool aead_tag_length_allowed(AeadMode mode, std::size_t tag_length) noexcept {
  if (mode == AeadMode::ccm) return tag_length >= 4 && tag_length <= 16 && tag_length % 2 == 0;
  return tag_length == 4 || tag_length == 8 || (tag_length >= 12 && tag_length <= 16);
}

bool aead_nonce_length_allowed(AeadMode mode, std::size_t nonce_length) noexcept {
  if (mode == AeadMode::ccm)
    return nonce_length >= AeadLimits::ccm_nonce_min && nonce_length <= AeadLimits::ccm_nonce_max;
  return nonce_length >= AeadLimits::gcm_nonce_min && nonce_length <= AeadLimits::gcm_nonce_max;
}

AesAead::AesAead(AesAead&& other) noexcept
    : encrypt_ctx_(std::exchange(other.encrypt_ctx_, nullptr)),
      decrypt_ctx_(std::exchange(other.decrypt_ctx_, nullptr)),
      key_(std::move(other.key_)),
      mode_(other.mode_),
      tag_length_(std::exchange(other.tag_length_, 0)),
      encrypt_nonce_length_(std::exchange(other.encrypt_nonce_length_, 0)),
      decrypt_nonce_length_(std::exchange(other.decrypt_nonce_length_, 0)) {}

AesAead& AesAead::operator=(AesAead&& other) noexcept {
  if (this != &other) {
    release();
    encrypt_ctx_ = std::exchange(other.encrypt_ctx_, nullptr);
    decrypt_ctx_ = std::exchange(other.decrypt_ctx_, nullptr);
    key_ = std::move(other.key_);
    mode_ = other.mode_;
    tag_length_ = std::exchange(other.tag_length_, 0);
    encrypt_nonce_length_ = std::exchange(other.encrypt_nonce_length_, 0);
    decrypt_nonce_length_ = std::exchange(other.decrypt_nonce_length_, 0);
  }
  return *this;
}

AesAead::~AesAead() { release(); }

void AesAead::release() noexcept {
  // EVP_CIPHER_CTX_free cleanses the key schedule.
  EVP_CIPHER_CTX_free(encrypt_ctx_);
  EVP_CIPHER_CTX_free(decrypt_ctx_);
  encrypt_ctx_ = nullptr;
  decrypt_ctx_ = nullptr;
  key_.wipe();
  tag_length_ = 0;
}

Status AesAead::init(AeadMode mode, std::span<const std::uint8_t> key,
                     std::size_t tag_length) noexcept {
  release();
  const char* name = cipher_name(mode, key.size());
  if (name == nullptr) return Status::bad_key_length;
  if (!aead_tag_length_allowed(mode, tag_length)) return Status::bad_tag_length;

  EVP_CIPHER* cipher = EVP_CIPHER_fetch(nullptr, name, nullptr);
  if (cipher == nullptr) return Status::backend_failure;
  EVP_CIPHER_CTX* enc = EVP_CIPHER_CTX_new();
  EVP_CIPHER_CTX* dec = EVP_CIPHER_CTX_new();
  bool good = enc != nullptr && dec != nullptr;
  // Default nonce lengths: 13 for CCM (largest counter room is not needed for radio frames),
  // 12 for GCM. prepare() changes them per message when a caller uses another length.
  const int default_nonce = mode == AeadMode::ccm ? 13 : 12;
  const int tag = static_cast<int>(tag_length);
  for (EVP_CIPHER_CTX* ctx : {enc, dec}) {
    if (!good) break;
    const int encrypt = ctx == enc ? 1 : 0;
    good = EVP_CipherInit_ex(ctx, cipher, nullptr, nullptr, nullptr, encrypt) == 1 &&
           EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_AEAD_SET_IVLEN, default_nonce, nullptr) == 1;
    if (good && mode == AeadMode::ccm)
      good = EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_AEAD_SET_TAG, tag, nullptr) == 1;
    if (good) good = EVP_CipherInit_ex(ctx, nullptr, nullptr, key.data(), nullptr, encrypt) == 1;
  }
  EVP_CIPHER_free(cipher);
  if (!good) {
    EVP_CIPHER_CTX_free(enc);
    EVP_CIPHER_CTX_free(dec);
    return Status::backend_failure;
  }
  encrypt_ctx_ = enc;
  decrypt_ctx_ = dec;
  if (mode == AeadMode::ccm) std::copy(key.begin(), key.end(), key_.data());  // see prepare()
  mode_ = mode;
  tag_length_ = tag_length;
  encrypt_nonce_length_ = decrypt_nonce_length_ = static_cast<std::size_t>(default_nonce);
  return Status::ok;
}

Status AesAead::prepare(evp_cipher_ctx_st* ctx, std::span<const std::uint8_t> nonce,
                        std::size_t& current_nonce_length, std::size_t message_length,
                        int encrypt) noexcept {
  if (!aead_nonce_length_allowed(mode_, nonce.size())) return Status::bad_nonce_length;
  if (!fits_int(message_length)) return Status::message_too_long;
  if (mode_ == AeadMode::ccm) {
    // The CCM length field has 15 - nonce bytes; a longer message cannot be encoded.
    const std::size_t length_field_bytes = 15 - nonce.size();
    if (length_field_bytes < sizeof(std::size_t) &&
        (message_length >> (8 * length_field_bytes)) != 0)
      return Status::message_too_long;
  }
  if (nonce.size() != current_nonce_length) {
    if (EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_AEAD_SET_IVLEN, static_cast<int>(nonce.size()),
                            nullptr) != 1)
      return Status::backend_failure;
    // CCM: OpenSSL bakes L = 15 - nonce length into its state when the key is set and
    // refuses a nonce of another length afterwards, so the key is scheduled again.
    if (mode_ == AeadMode::ccm &&
        EVP_CipherInit_ex(ctx, nullptr, nullptr, key_.data(), nullptr, encrypt) != 1)
      return Status::backend_failure;
    current_nonce_length = nonce.size();
  }
  // Key stays scheduled: only the nonce is loaded.
  if (EVP_CipherInit_ex(ctx, nullptr, nullptr, nullptr, nonce.data(), encrypt) != 1)
    return Status::backend_failure;
  if (mode_ == AeadMode::ccm) {
    int out_len = 0;
    // CCM needs the total message length before any associated data.
    if (EVP_CipherUpdate(ctx, nullptr, &out_len, nullptr, static_cast<int>(message_length)) != 1)
      return Status::backend_failure;
  }
  return Status::ok;
}

Status AesAead::seal(std::span<const std::uint8_t> nonce, std::span<const std::uint8_t> aad,
                     std::span<const std::uint8_t> plaintext, std::span<std::uint8_t> ciphertext,
                     std::span<std::uint8_t> tag) noexcept {
  if (encrypt_ctx_ == nullptr) return Status::not_initialised;
  if (ciphertext.size() != plaintext.size() || tag.size() != tag_length_) return Status::bad_length;
  if (!fits_int(aad.size())) return Status::message_too_long;
  Status s = prepare(encrypt_ctx_, nonce, encrypt_nonce_length_, plaintext.size(), 1);
  if (s != Status::ok) return s;
  int out_len = 0;
  if (!aad.empty() && EVP_EncryptUpdate(encrypt_ctx_, nullptr, &out_len, aad.data(),
                                        static_cast<int>(aad.size())) != 1)
    return Status::backend_failure;
  unsigned char scratch = 0;
  if (mode_ == AeadMode::ccm || !plaintext.empty()) {
    if (EVP_EncryptUpdate(encrypt_ctx_, nonnull_out(ciphertext, scratch), &out_len,
                          nonnull(plaintext), static_cast<int>(plaintext.size())) != 1)
      return Status::backend_failure;
  }
  if (mode_ == AeadMode::gcm &&
      EVP_EncryptFinal_ex(encrypt_ctx_, nonnull_out(ciphertext, scratch), &out_len) != 1)
    return Status::backend_failure;
  if (EVP_CIPHER_CTX_ctrl(encrypt_ctx_, EVP_CTRL_AEAD_GET_TAG, static_cast<int>(tag.size()),
                          tag.data()) != 1)
    return Status::backend_failure;
  return Status::ok;
}

Status AesAead::open(std::span<const std::uint8_t> nonce, std::span<const std::uint8_t> aad,
                     std::span<const std::uint8_t> ciphertext, std::span<const std::uint8_t> tag,
                     std::span<std::uint8_t> plaintext) noexcept {
  if (decrypt_ctx_ == nullptr) return Status::not_initialised;
  if (plaintext.size() != ciphertext.size()) return Status::bad_length;
  if (tag.size() != tag_length_) return Status::bad_tag_length;
  if (!fits_int(aad.size())) return Status::message_too_long;
  Status s = prepare(decrypt_ctx_, nonce, decrypt_nonce_length_, ciphertext.size(), 0);
  if (s != Status::ok) return s;
  // The tag is handed to OpenSSL, which compares it in constant time.
  if (EVP_CIPHER_CTX_ctrl(decrypt_ctx_, EVP_CTRL_AEAD_SET_TAG, static_cast<int>(tag.size()),
                          const_cast<std::uint8_t*>(tag.data())) != 1)
    return Status::backend_failure;
  int out_len = 0;
  if (!aad.empty() && EVP_DecryptUpdate(decrypt_ctx_, nullptr, &out_len, aad.data(),
                                        static_cast<int>(aad.size())) != 1) {
    return Status::backend_failure;
  }
  unsigned char scratch = 0;
  bool verified = false;
  if (mode_ == AeadMode::ccm) {
    // CCM verifies inside the update call.
    verified = EVP_DecryptUpdate(decrypt_ctx_, nonnull_out(plaintext, scratch), &out_len,
                                 nonnull(ciphertext), static_cast<int>(ciphertext.size())) == 1;
  } else {
    verified = ciphertext.empty() ||
               EVP_DecryptUpdate(decrypt_ctx_, plaintext.data(), &out_len, ciphertext.data(),
                                 static_cast<int>(ciphertext.size())) == 1;
    verified = verified &&
               EVP_DecryptFinal_ex(decrypt_ctx_, nonnull_out(plaintext, scratch), &out_len) == 1;
  }
  if (!verified) {
    secure_wipe(plaintext);
    return Status::auth_failed;
  }
  return Status::ok;
}

}  // namespace meshsec::crypto
