#include "crypto/kdf.hpp"

#include <openssl/core_names.h>
#include <openssl/evp.h>
#include <openssl/kdf.h>
#include <openssl/params.h>

#include <algorithm>
#include <array>

#include "crypto/secure_memory.hpp"

namespace meshsec::crypto {
namespace {

Status run_hkdf(int mode, std::span<const std::uint8_t> salt, std::span<const std::uint8_t> key,
                std::span<const std::uint8_t> info, std::span<std::uint8_t> out) noexcept {
  if (out.empty()) return Status::bad_length;
  if (mode != EVP_KDF_HKDF_MODE_EXTRACT_ONLY && out.size() > 255 * 32) return Status::bad_length;
  EVP_KDF* kdf = EVP_KDF_fetch(nullptr, "HKDF", nullptr);
  if (kdf == nullptr) return Status::backend_failure;
  EVP_KDF_CTX* ctx = EVP_KDF_CTX_new(kdf);
  EVP_KDF_free(kdf);
  if (ctx == nullptr) return Status::backend_failure;
  static unsigned char empty = 0;
  auto ptr = [](std::span<const std::uint8_t> s) {
    return s.empty() ? static_cast<void*>(&empty) : const_cast<std::uint8_t*>(s.data());
  };
  OSSL_PARAM params[6];
  std::size_t n = 0;
  params[n++] = OSSL_PARAM_construct_utf8_string(OSSL_KDF_PARAM_DIGEST, const_cast<char*>("SHA256"), 0);
  params[n++] = OSSL_PARAM_construct_int(OSSL_KDF_PARAM_MODE, &mode);
  params[n++] = OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_KEY, ptr(key), key.size());
  if (!salt.empty())
    params[n++] = OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_SALT, ptr(salt), salt.size());
  if (!info.empty())
    params[n++] = OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_INFO, ptr(info), info.size());
  params[n] = OSSL_PARAM_construct_end();
  const bool good = EVP_KDF_derive(ctx, out.data(), out.size(), params) == 1;
  EVP_KDF_CTX_free(ctx);
  if (!good) secure_wipe(out);
  return good ? Status::ok : Status::backend_failure;
}

void put_counter(std::uint32_t value, unsigned bytes, std::uint8_t* out) noexcept {
  for (unsigned i = 0; i < bytes; ++i)
    out[i] = static_cast<std::uint8_t>(value >> (8 * (bytes - 1 - i)));
}

}  // namespace

Status hkdf_sha256(std::span<const std::uint8_t> salt, std::span<const std::uint8_t> ikm,
                   std::span<const std::uint8_t> info, std::span<std::uint8_t> out) noexcept {
  return run_hkdf(EVP_KDF_HKDF_MODE_EXTRACT_AND_EXPAND, salt, ikm, info, out);
}

Status hkdf_sha256_extract(std::span<const std::uint8_t> salt, std::span<const std::uint8_t> ikm,
                           std::span<std::uint8_t> prk_out) noexcept {
  if (prk_out.size() != 32) return Status::bad_length;
  return run_hkdf(EVP_KDF_HKDF_MODE_EXTRACT_ONLY, salt, ikm, {}, prk_out);
}

Status hkdf_sha256_expand(std::span<const std::uint8_t> prk, std::span<const std::uint8_t> info,
                          std::span<std::uint8_t> out) noexcept {
  if (prk.size() < 32) return Status::bad_length;  // RFC 5869 §2.3: PRK is at least HashLen
  return run_hkdf(EVP_KDF_HKDF_MODE_EXPAND_ONLY, {}, prk, info, out);
}

Status kbkdf_counter_fixed_input(Mac& prf, std::span<const std::uint8_t> before,
                                 std::span<const std::uint8_t> after, unsigned counter_bits,
                                 std::span<std::uint8_t> out) noexcept {
  if (!prf.ready()) return Status::not_initialised;
  if (counter_bits == 0 || counter_bits > 32 || counter_bits % 8 != 0 || out.empty())
    return Status::bad_length;
  const std::size_t block = prf.size();
  const std::size_t blocks = (out.size() + block - 1) / block;
  const unsigned counter_bytes = counter_bits / 8;
  // SP 800-108: n must not exceed 2^r - 1.
  if (counter_bits < 32 && blocks > ((std::size_t{1} << counter_bits) - 1)) return Status::bad_length;
  if (blocks > 0xffffffffu) return Status::bad_length;
  std::array<std::uint8_t, 32> k{};
  std::array<std::uint8_t, 4> counter{};
  std::size_t written = 0;
  Status s = Status::ok;
  for (std::size_t i = 1; i <= blocks && s == Status::ok; ++i) {
    put_counter(static_cast<std::uint32_t>(i), counter_bytes, counter.data());
    s = prf.compute({before, std::span<const std::uint8_t>(counter.data(), counter_bytes), after},
                    std::span<std::uint8_t>(k.data(), block));
    const std::size_t take = std::min(block, out.size() - written);
    std::copy_n(k.begin(), take, out.begin() + static_cast<std::ptrdiff_t>(written));
    written += take;
  }
  secure_wipe(k);
  if (s != Status::ok) secure_wipe(out);
  return s;
}

Status kbkdf_counter(Mac& prf, std::span<const std::uint8_t> label,
                     std::span<const std::uint8_t> context, std::span<std::uint8_t> out) noexcept {
  if (!prf.ready()) return Status::not_initialised;
  if (out.empty() || out.size() > 0x1fffffffu) return Status::bad_length;
  // Fixed input data after the counter: Label ‖ 0x00 ‖ Context ‖ [L]_32. Labels and contexts
  // of the key hierarchy are short; 256 bytes bounds them without heap use.
  std::array<std::uint8_t, 256> fixed{};
  const std::size_t need = label.size() + 1 + context.size() + 4;
  if (need > fixed.size()) return Status::bad_length;
  std::size_t off = 0;
  std::copy(label.begin(), label.end(), fixed.begin());
  off += label.size();
  fixed[off++] = 0x00;
  std::copy(context.begin(), context.end(), fixed.begin() + static_cast<std::ptrdiff_t>(off));
  off += context.size();
  put_counter(static_cast<std::uint32_t>(out.size() * 8), 4, fixed.data() + off);
  off += 4;
  Status s = kbkdf_counter_fixed_input(prf, {}, std::span<const std::uint8_t>(fixed.data(), off), 32, out);
  secure_wipe(fixed);
  return s;
}

}  // namespace meshsec::crypto
