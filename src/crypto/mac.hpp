// Message authentication: HMAC-SHA256 (RFC 2104/4231) and AES-CMAC (SP 800-38B).
//
// The key is set once in init(); every computation after that reuses it (EVP_MAC_init with
// a null key restarts the MAC under the stored key) and allocates nothing.
#pragma once
#include <cstddef>
#include <cstdint>
#include <initializer_list>
#include <span>

#include "crypto/status.hpp"

struct evp_mac_ctx_st;  // OpenSSL's EVP_MAC_CTX

namespace meshsec::crypto {

enum class MacAlgorithm : std::uint8_t { hmac_sha256, aes_cmac };

class Mac {
 public:
  static constexpr std::size_t hmac_sha256_size = 32;
  static constexpr std::size_t cmac_size = 16;
  // Shortest truncated tag verify() accepts: 64 bits, never the 8-bit tails other
  // systems allow.
  static constexpr std::size_t min_verify_tag = 8;

  Mac() noexcept = default;
  Mac(const Mac&) = delete;
  Mac& operator=(const Mac&) = delete;
  Mac(Mac&& other) noexcept;
  Mac& operator=(Mac&& other) noexcept;
  ~Mac();

  // HMAC takes any key length (0 allowed by RFC 2104, though callers should use 32);
  // CMAC takes 16, 24 or 32 bytes. Errors: bad_key_length, backend_failure.
  [[nodiscard]] Status init(MacAlgorithm algorithm, std::span<const std::uint8_t> key) noexcept;

  // Streaming use: begin(), update()..., finish(). finish() writes size() bytes, or a
  // truncated prefix when out is shorter (at least 1 byte).
  [[nodiscard]] Status begin() noexcept;
  [[nodiscard]] Status update(std::span<const std::uint8_t> data) noexcept;
  [[nodiscard]] Status finish(std::span<std::uint8_t> out) noexcept;

  // One-shot over several parts, so callers can MAC header ‖ body without copying.
  [[nodiscard]] Status compute(std::initializer_list<std::span<const std::uint8_t>> parts,
                               std::span<std::uint8_t> out) noexcept;
  [[nodiscard]] Status compute(std::span<const std::uint8_t> message,
                               std::span<std::uint8_t> out) noexcept {
    return compute({message}, out);
  }

  // Recomputes and compares in constant time. tag may be truncated, but not below
  // min_verify_tag bytes (bad_tag_length) nor above size(). Errors: auth_failed, ...
  [[nodiscard]] Status verify(std::initializer_list<std::span<const std::uint8_t>> parts,
                              std::span<const std::uint8_t> tag) noexcept;
  // As verify(), for callers whose protocol fixes a shorter tag (tests of truncation
  // policy, Wycheproof); min_tag_length is the protocol's floor.
  [[nodiscard]] Status verify_truncated(std::initializer_list<std::span<const std::uint8_t>> parts,
                                        std::span<const std::uint8_t> tag,
                                        std::size_t min_tag_length) noexcept;

  [[nodiscard]] std::size_t size() const noexcept { return size_; }
  [[nodiscard]] bool ready() const noexcept { return ctx_ != nullptr; }

 private:
  void release() noexcept;
  evp_mac_ctx_st* ctx_ = nullptr;
  std::size_t size_ = 0;
};

// SHA-256 one-shot over several parts. Errors: bad_length (out not 32), backend_failure.
inline constexpr std::size_t sha256_size = 32;
[[nodiscard]] Status sha256(std::initializer_list<std::span<const std::uint8_t>> parts,
                            std::span<std::uint8_t> out) noexcept;

// Streaming SHA-256 for large inputs (firmware images).
class Sha256 {
 public:
  Sha256() noexcept;
  Sha256(const Sha256&) = delete;
  Sha256& operator=(const Sha256&) = delete;
  ~Sha256();
  [[nodiscard]] Status update(std::span<const std::uint8_t> data) noexcept;
  [[nodiscard]] Status finish(std::span<std::uint8_t> out) noexcept;  // then restarts
  // Drops whatever was fed since the last finish() and starts a new message (also after a
  // failure). Errors: backend_failure.
  [[nodiscard]] Status restart() noexcept;

 private:
  void* ctx_ = nullptr;  // EVP_MD_CTX*
  bool ok_ = false;
};

}  // namespace meshsec::crypto
