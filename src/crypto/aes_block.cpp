#include "crypto/aes_block.hpp"

#include <openssl/evp.h>

#include <utility>

namespace meshsec::crypto {

AesBlock::AesBlock(AesBlock&& other) noexcept : ctx_(std::exchange(other.ctx_, nullptr)) {}

AesBlock& AesBlock::operator=(AesBlock&& other) noexcept {
  if (this != &other) {
    release();
    ctx_ = std::exchange(other.ctx_, nullptr);
  }
  return *this;
}

AesBlock::~AesBlock() { release(); }

void AesBlock::release() noexcept {
  EVP_CIPHER_CTX_free(static_cast<EVP_CIPHER_CTX*>(ctx_));  // cleanses the key schedule
  ctx_ = nullptr;
}

Status AesBlock::init(std::span<const std::uint8_t> key) noexcept {
  release();
  if (key.size() != block_size) return Status::bad_key_length;
  EVP_CIPHER* cipher = EVP_CIPHER_fetch(nullptr, "AES-128-ECB", nullptr);
  if (cipher == nullptr) return Status::backend_failure;
  EVP_CIPHER_CTX* ctx = EVP_CIPHER_CTX_new();
  const bool ok = ctx != nullptr && EVP_EncryptInit_ex2(ctx, cipher, key.data(), nullptr, nullptr) == 1 &&
                  EVP_CIPHER_CTX_set_padding(ctx, 0) == 1;
  EVP_CIPHER_free(cipher);
  if (!ok) {
    EVP_CIPHER_CTX_free(ctx);
    return Status::backend_failure;
  }
  ctx_ = ctx;
  return Status::ok;
}

Status AesBlock::encrypt(const Block& in, Block& out) const noexcept {
  if (ctx_ == nullptr) return Status::not_initialised;
  int len = 0;
  // ECB without padding keeps no state between blocks: one update per block is complete.
  if (EVP_EncryptUpdate(static_cast<EVP_CIPHER_CTX*>(ctx_), out.data(), &len, in.data(),
                        static_cast<int>(block_size)) != 1 ||
      len != static_cast<int>(block_size))
    return Status::backend_failure;
  return Status::ok;
}

}  // namespace meshsec::crypto
