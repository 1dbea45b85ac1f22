#include "crypto/mac.hpp"

#include <openssl/core_names.h>
#include <openssl/evp.h>
#include <openssl/params.h>

#include <array>
#include <utility>

#include "crypto/secure_memory.hpp"

namespace meshsec::crypto {

Mac::Mac(Mac&& other) noexcept
    : ctx_(std::exchange(other.ctx_, nullptr)), size_(std::exchange(other.size_, 0)) {}

Mac& Mac::operator=(Mac&& other) noexcept {
  if (this != &other) {
    release();
    ctx_ = std::exchange(other.ctx_, nullptr);
    size_ = std::exchange(other.size_, 0);
  }
  return *this;
}

Mac::~Mac() { release(); }

void Mac::release() noexcept {
  EVP_MAC_CTX_free(ctx_);  // cleanses the stored key
  ctx_ = nullptr;
  size_ = 0;
}

Status Mac::init(MacAlgorithm algorithm, std::span<const std::uint8_t> key) noexcept {
  release();
  const bool hmac = algorithm == MacAlgorithm::hmac_sha256;
  const char* cipher = nullptr;
  if (!hmac) {
    switch (key.size()) {
      case 16: cipher = "AES-128-CBC"; break;
      case 24: cipher = "AES-192-CBC"; break;
      case 32: cipher = "AES-256-CBC"; break;
      default: return Status::bad_key_length;
    }
  }
  EVP_MAC* mac = EVP_MAC_fetch(nullptr, hmac ? "HMAC" : "CMAC", nullptr);
  if (mac == nullptr) return Status::backend_failure;
  EVP_MAC_CTX* ctx = EVP_MAC_CTX_new(mac);
  EVP_MAC_free(mac);
  if (ctx == nullptr) return Status::backend_failure;
  OSSL_PARAM params[2];
  if (hmac)
    params[0] = OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_DIGEST, const_cast<char*>("SHA256"), 0);
  else
    params[0] = OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_CIPHER, const_cast<char*>(cipher), 0);
  params[1] = OSSL_PARAM_construct_end();
  // A zero-length HMAC key is legal (RFC 2104); OpenSSL wants a non-null pointer for it.
  static const unsigned char empty_key = 0;
  const unsigned char* key_ptr = key.empty() ? &empty_key : key.data();
  if (EVP_MAC_init(ctx, key_ptr, key.size(), params) != 1) {
    EVP_MAC_CTX_free(ctx);
    return Status::backend_failure;
  }
  ctx_ = ctx;
  size_ = hmac ? hmac_sha256_size : cmac_size;
  return Status::ok;
}

Status Mac::begin() noexcept {
  if (ctx_ == nullptr) return Status::not_initialised;
  return EVP_MAC_init(ctx_, nullptr, 0, nullptr) == 1 ? Status::ok : Status::backend_failure;
}

Status Mac::update(std::span<const std::uint8_t> data) noexcept {
  if (ctx_ == nullptr) return Status::not_initialised;
  if (data.empty()) return Status::ok;
  return EVP_MAC_update(ctx_, data.data(), data.size()) == 1 ? Status::ok : Status::backend_failure;
}

Status Mac::finish(std::span<std::uint8_t> out) noexcept {
  if (ctx_ == nullptr) return Status::not_initialised;
  if (out.empty() || out.size() > size_) return Status::bad_length;
  std::array<std::uint8_t, hmac_sha256_size> full{};
  std::size_t written = 0;
  if (EVP_MAC_final(ctx_, full.data(), &written, full.size()) != 1 || written != size_)
    return Status::backend_failure;
  for (std::size_t i = 0; i < out.size(); ++i) out[i] = full[i];
  secure_wipe(full);
  return Status::ok;
}

Status Mac::compute(std::initializer_list<std::span<const std::uint8_t>> parts,
                    std::span<std::uint8_t> out) noexcept {
  Status s = begin();
  for (auto part : parts) {
    if (s != Status::ok) return s;
    s = update(part);
  }
  return s == Status::ok ? finish(out) : s;
}

Status Mac::verify(std::initializer_list<std::span<const std::uint8_t>> parts,
                   std::span<const std::uint8_t> tag) noexcept {
  return verify_truncated(parts, tag, min_verify_tag);
}

Status Mac::verify_truncated(std::initializer_list<std::span<const std::uint8_t>> parts,
                             std::span<const std::uint8_t> tag,
                             std::size_t min_tag_length) noexcept {
  if (ctx_ == nullptr) return Status::not_initialised;
  if (tag.size() < min_tag_length || tag.empty() || tag.size() > size_) return Status::bad_tag_length;
  std::array<std::uint8_t, hmac_sha256_size> expected{};
  std::span<std::uint8_t> want(expected.data(), tag.size());
  Status s = compute(parts, want);
  if (s == Status::ok && !equal_constant_time(want, tag)) s = Status::auth_failed;
  secure_wipe(expected);
  return s;
}

namespace {
// SHA-256 fetched once: handing EVP_sha256() to every init makes OpenSSL 3 look the
// algorithm up again under its store's read lock, which two simulator threads hashing
// Merkle paths bounced between their cores (3.6 % of a 10,000-node run's profile).
const EVP_MD* sha256_md() noexcept {
  static EVP_MD* const md = EVP_MD_fetch(nullptr, "SHA256", nullptr);
  return md;
}
}  // namespace

Status sha256(std::initializer_list<std::span<const std::uint8_t>> parts,
              std::span<std::uint8_t> out) noexcept {
  // One context per thread, restarted for every hash: no allocation per hash, and nothing
  // left over from a call that failed half-way.
  thread_local Sha256 hash;
  if (Status s = hash.restart(); s != Status::ok) return s;
  for (auto part : parts) {
    Status s = hash.update(part);
    if (s != Status::ok) return s;
  }
  return hash.finish(out);
}

Sha256::Sha256() noexcept {
  EVP_MD_CTX* ctx = EVP_MD_CTX_new();
  ctx_ = ctx;
  ok_ = ctx != nullptr && sha256_md() != nullptr && EVP_DigestInit_ex2(ctx, sha256_md(), nullptr) == 1;
}

Sha256::~Sha256() { EVP_MD_CTX_free(static_cast<EVP_MD_CTX*>(ctx_)); }

Status Sha256::restart() noexcept {
  // The same digest again: OpenSSL keeps its context and only resets the state.
  auto* ctx = static_cast<EVP_MD_CTX*>(ctx_);
  ok_ = ctx != nullptr && sha256_md() != nullptr && EVP_DigestInit_ex2(ctx, sha256_md(), nullptr) == 1;
  return ok_ ? Status::ok : Status::backend_failure;
}

Status Sha256::update(std::span<const std::uint8_t> data) noexcept {
  if (!ok_) return Status::backend_failure;
  if (data.empty()) return Status::ok;
  if (EVP_DigestUpdate(static_cast<EVP_MD_CTX*>(ctx_), data.data(), data.size()) != 1) {
    ok_ = false;
    return Status::backend_failure;
  }
  return Status::ok;
}

Status Sha256::finish(std::span<std::uint8_t> out) noexcept {
  if (out.size() != sha256_size) return Status::bad_length;
  if (!ok_) return Status::backend_failure;
  auto* ctx = static_cast<EVP_MD_CTX*>(ctx_);
  unsigned int len = 0;
  // Ready for the next message with the digest it holds (no lookup).
  ok_ = EVP_DigestFinal_ex(ctx, out.data(), &len) == 1 && len == sha256_size &&
        EVP_DigestInit_ex2(ctx, nullptr, nullptr) == 1;
  return ok_ ? Status::ok : Status::backend_failure;
}

}  // namespace meshsec::crypto
