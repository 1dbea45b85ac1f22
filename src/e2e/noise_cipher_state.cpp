#include "e2e/noise_cipher_state.hpp"

#include "crypto/secure_memory.hpp"

namespace meshsec::e2e {

NoiseError NoiseCipherState::initialize_key(NoiseCipher cipher,
                                            std::span<const std::uint8_t, key_size> key) noexcept {
  clear();
  cipher_ = cipher;
  k_.assign(key);
  const crypto::Status s = cipher == NoiseCipher::aes_gcm
                               ? aes_.init(crypto::AeadMode::gcm, k_.span(), tag_size)
                               : chacha_.init(k_.span());
  if (s != crypto::Status::ok) {
    k_.wipe();
    return NoiseError::backend_failure;
  }
  has_key_ = true;
  n_ = 0;
  return NoiseError::ok;
}

void NoiseCipherState::clear() noexcept {
  k_.wipe();
  has_key_ = false;
  n_ = 0;
  aes_ = crypto::AesAead{};
  chacha_ = crypto::ChaCha20Poly1305{};
}

// §12.3 AESGCM: 4 zero bytes then n big-endian; §12.2 ChaChaPoly: 4 zero bytes then n
// little-endian.
void NoiseCipherState::nonce_bytes(std::uint64_t n, std::array<std::uint8_t, 12>& out) const noexcept {
  out.fill(0);
  for (std::size_t i = 0; i < 8; ++i) {
    const auto byte = static_cast<std::uint8_t>(n >> (8 * i));
    if (cipher_ == NoiseCipher::aes_gcm) out[11 - i] = byte;
    else out[4 + i] = byte;
  }
}

NoiseError NoiseCipherState::encrypt_at(std::uint64_t n, std::span<const std::uint8_t> ad,
                                        std::span<const std::uint8_t> plaintext,
                                        std::span<std::uint8_t> out) noexcept {
  if (!has_key_) return NoiseError::missing_key;
  if (out.size() != plaintext.size() + tag_size) return NoiseError::no_room;
  std::array<std::uint8_t, 12> nonce{};
  nonce_bytes(n, nonce);
  auto ct = out.first(plaintext.size());
  auto tag = out.subspan(plaintext.size(), tag_size);
  const crypto::Status s = cipher_ == NoiseCipher::aes_gcm ? aes_.seal(nonce, ad, plaintext, ct, tag)
                                                           : chacha_.seal(nonce, ad, plaintext, ct, tag);
  return noise_error_from(s);
}

NoiseError NoiseCipherState::decrypt_at(std::uint64_t n, std::span<const std::uint8_t> ad,
                                        std::span<const std::uint8_t> ciphertext,
                                        std::span<std::uint8_t> out) noexcept {
  if (!has_key_) return NoiseError::missing_key;
  if (ciphertext.size() < tag_size) return NoiseError::bad_length;
  const std::size_t body = ciphertext.size() - tag_size;
  if (out.size() != body) return NoiseError::no_room;
  std::array<std::uint8_t, 12> nonce{};
  nonce_bytes(n, nonce);
  const auto ct = ciphertext.first(body);
  const auto tag = ciphertext.subspan(body, tag_size);
  const crypto::Status s = cipher_ == NoiseCipher::aes_gcm ? aes_.open(nonce, ad, ct, tag, out)
                                                           : chacha_.open(nonce, ad, ct, tag, out);
  return noise_error_from(s);
}

NoiseError NoiseCipherState::encrypt_with_ad(std::span<const std::uint8_t> ad,
                                             std::span<const std::uint8_t> plaintext,
                                             std::span<std::uint8_t> out,
                                             std::size_t& written) noexcept {
  written = 0;
  if (!has_key_) {
    if (out.size() < plaintext.size()) return NoiseError::no_room;
    for (std::size_t i = 0; i < plaintext.size(); ++i) out[i] = plaintext[i];
    written = plaintext.size();
    return NoiseError::ok;
  }
  if (n_ == max_nonce) return NoiseError::nonce_exhausted;
  if (out.size() < tag_size || out.size() - tag_size < plaintext.size()) return NoiseError::no_room;
  const NoiseError e = encrypt_at(n_, ad, plaintext, out.first(plaintext.size() + tag_size));
  if (e != NoiseError::ok) return e;
  ++n_;
  written = plaintext.size() + tag_size;
  return NoiseError::ok;
}

NoiseError NoiseCipherState::decrypt_with_ad(std::span<const std::uint8_t> ad,
                                             std::span<const std::uint8_t> ciphertext,
                                             std::span<std::uint8_t> out,
                                             std::size_t& written) noexcept {
  written = 0;
  if (!has_key_) {
    if (out.size() < ciphertext.size()) return NoiseError::no_room;
    for (std::size_t i = 0; i < ciphertext.size(); ++i) out[i] = ciphertext[i];
    written = ciphertext.size();
    return NoiseError::ok;
  }
  if (n_ == max_nonce) return NoiseError::nonce_exhausted;
  if (ciphertext.size() < tag_size) return NoiseError::bad_length;
  const std::size_t body = ciphertext.size() - tag_size;
  if (out.size() < body) return NoiseError::no_room;
  const NoiseError e = decrypt_at(n_, ad, ciphertext, out.first(body));
  if (e != NoiseError::ok) return e;
  ++n_;  // only after the tag verified
  written = body;
  return NoiseError::ok;
}

NoiseError NoiseCipherState::rekey() noexcept {
  if (!has_key_) return NoiseError::missing_key;
  const std::array<std::uint8_t, key_size> zeros{};
  std::array<std::uint8_t, key_size + tag_size> out{};
  const NoiseError e = encrypt_at(max_nonce, {}, zeros, out);
  if (e != NoiseError::ok) return e;
  crypto::SecretArray<key_size> next{std::span<const std::uint8_t, key_size>(out.data(), key_size)};
  crypto::secure_wipe(out);
  const std::uint64_t n = n_;
  const NoiseError init = initialize_key(cipher_, next.span());
  n_ = n;
  return init;
}

}  // namespace meshsec::e2e
