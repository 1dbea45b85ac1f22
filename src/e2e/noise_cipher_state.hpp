// Noise CipherState (spec §5.1): a key k, a 64-bit nonce counter n, and the AEAD named in
// the protocol. Used inside the handshake and, after Split(), as one direction of the
// transport. Allocates nothing per message.
#pragma once
#include <array>
#include <cstddef>
#include <cstdint>
#include <span>

#include "crypto/aead.hpp"
#include "crypto/chacha20_poly1305.hpp"
#include "crypto/secret.hpp"
#include "e2e/noise_error.hpp"
#include "e2e/noise_pattern.hpp"

namespace meshsec::e2e {

class NoiseCipherState {
 public:
  static constexpr std::size_t key_size = 32;
  static constexpr std::size_t tag_size = 16;
  // §5.1: 2^64-1 is reserved for rekey and may not be used to encrypt.
  static constexpr std::uint64_t max_nonce = ~std::uint64_t{0};

  NoiseCipherState() noexcept = default;
  NoiseCipherState(const NoiseCipherState&) = delete;
  NoiseCipherState& operator=(const NoiseCipherState&) = delete;
  NoiseCipherState(NoiseCipherState&&) noexcept = default;
  NoiseCipherState& operator=(NoiseCipherState&&) noexcept = default;

  // InitializeKey(key): sets k and n = 0. Errors: backend_failure.
  [[nodiscard]] NoiseError initialize_key(NoiseCipher cipher,
                                          std::span<const std::uint8_t, key_size> key) noexcept;
  // Drops the key (k = empty) and wipes it.
  void clear() noexcept;

  [[nodiscard]] bool has_key() const noexcept { return has_key_; }
  [[nodiscard]] std::uint64_t nonce() const noexcept { return n_; }
  void set_nonce(std::uint64_t n) noexcept { n_ = n; }

  // EncryptWithAd: out receives ciphertext ‖ tag (plaintext copied when k is empty);
  // written is its length. n grows by one on success.
  // Errors: no_room, nonce_exhausted, backend_failure.
  [[nodiscard]] NoiseError encrypt_with_ad(std::span<const std::uint8_t> ad,
                                           std::span<const std::uint8_t> plaintext,
                                           std::span<std::uint8_t> out,
                                           std::size_t& written) noexcept;
  // DecryptWithAd: n grows by one only when the tag verifies (§5.1); on failure out is
  // wiped. Errors: bad_length, no_room, nonce_exhausted, auth_failed, backend_failure.
  [[nodiscard]] NoiseError decrypt_with_ad(std::span<const std::uint8_t> ad,
                                           std::span<const std::uint8_t> ciphertext,
                                           std::span<std::uint8_t> out,
                                           std::size_t& written) noexcept;
  // Explicit-nonce forms ENCRYPT(k, n, ad, pt) / DECRYPT(k, n, ad, ct) (§4.2), for
  // transports that carry the nonce (lossy radio links); they leave n unchanged.
  [[nodiscard]] NoiseError encrypt_at(std::uint64_t n, std::span<const std::uint8_t> ad,
                                      std::span<const std::uint8_t> plaintext,
                                      std::span<std::uint8_t> out) noexcept;
  [[nodiscard]] NoiseError decrypt_at(std::uint64_t n, std::span<const std::uint8_t> ad,
                                      std::span<const std::uint8_t> ciphertext,
                                      std::span<std::uint8_t> out) noexcept;

  // Rekey(): k = first 32 bytes of ENCRYPT(k, 2^64-1, empty, zeros[32]) (§4.2, §11.3);
  // n is left unchanged. Errors: missing_key, backend_failure.
  [[nodiscard]] NoiseError rekey() noexcept;

 private:
  void nonce_bytes(std::uint64_t n, std::array<std::uint8_t, 12>& out) const noexcept;

  NoiseCipher cipher_ = NoiseCipher::aes_gcm;
  crypto::SecretArray<key_size> k_;
  bool has_key_ = false;
  std::uint64_t n_ = 0;
  crypto::AesAead aes_;
  crypto::ChaCha20Poly1305 chacha_;
};

}  // namespace meshsec::e2e
