// One AES-128 block at a time (OpenSSL, ECB of a single block, no padding): the building
// block of one-way functions such as Matyas-Meyer-Oseas, where a whole AEAD would be
// waste. A device gets the same from its radio's AES engine.
#pragma once
#include <array>
#include <cstdint>
#include <span>

#include "crypto/status.hpp"

namespace meshsec::crypto {

class AesBlock {
 public:
  static constexpr std::size_t block_size = 16;
  using Block = std::array<std::uint8_t, block_size>;

  AesBlock() noexcept = default;
  AesBlock(const AesBlock&) = delete;
  AesBlock& operator=(const AesBlock&) = delete;
  AesBlock(AesBlock&& other) noexcept;
  AesBlock& operator=(AesBlock&& other) noexcept;
  ~AesBlock();

  // Errors: bad_key_length (not 16 bytes), backend_failure.
  [[nodiscard]] Status init(std::span<const std::uint8_t> key) noexcept;
  // out = AES_key(in). Errors: not_initialised, backend_failure.
  [[nodiscard]] Status encrypt(const Block& in, Block& out) const noexcept;
  [[nodiscard]] bool ready() const noexcept { return ctx_ != nullptr; }

 private:
  void release() noexcept;
  void* ctx_ = nullptr;  // EVP_CIPHER_CTX*
};

}  // namespace meshsec::crypto
