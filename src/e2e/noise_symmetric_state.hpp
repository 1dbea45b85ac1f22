// Noise SymmetricState (spec §5.2): chaining key ck, handshake hash h and a CipherState,
// with HASH = SHA-256 and Noise's own HKDF (§4.3) built on HMAC-SHA256.
#pragma once
#include <array>
#include <cstddef>
#include <cstdint>
#include <span>
#include <string_view>

#include "crypto/secret.hpp"
#include "e2e/noise_cipher_state.hpp"
#include "e2e/noise_error.hpp"

namespace meshsec::e2e {

inline constexpr std::size_t noise_hash_size = 32;

// HKDF(chaining_key, input_key_material, num_outputs) of §4.3 with HASHLEN 32: temp_key =
// HMAC(ck, ikm); output1 = HMAC(temp_key, 0x01); output2 = HMAC(temp_key, output1 ‖ 0x02);
// output3 = HMAC(temp_key, output2 ‖ 0x03). out3 may be empty (two outputs).
[[nodiscard]] NoiseError noise_hkdf(std::span<const std::uint8_t, noise_hash_size> chaining_key,
                                    std::span<const std::uint8_t> input_key_material,
                                    std::span<std::uint8_t, noise_hash_size> out1,
                                    std::span<std::uint8_t, noise_hash_size> out2,
                                    std::span<std::uint8_t> out3) noexcept;

class NoiseSymmetricState {
 public:
  // InitializeSymmetric(protocol_name).
  [[nodiscard]] NoiseError initialize(std::string_view protocol_name, NoiseCipher cipher) noexcept;
  [[nodiscard]] NoiseError mix_key(std::span<const std::uint8_t> input_key_material) noexcept;
  [[nodiscard]] NoiseError mix_hash(std::span<const std::uint8_t> data) noexcept;
  [[nodiscard]] NoiseError mix_key_and_hash(std::span<const std::uint8_t> input_key_material) noexcept;
  [[nodiscard]] NoiseError encrypt_and_hash(std::span<const std::uint8_t> plaintext,
                                            std::span<std::uint8_t> out, std::size_t& written) noexcept;
  [[nodiscard]] NoiseError decrypt_and_hash(std::span<const std::uint8_t> ciphertext,
                                            std::span<std::uint8_t> out, std::size_t& written) noexcept;
  // Split(): c1 for initiator -> responder, c2 for responder -> initiator.
  [[nodiscard]] NoiseError split(NoiseCipherState& c1, NoiseCipherState& c2) noexcept;

  [[nodiscard]] bool has_key() const noexcept { return cipher_state_.has_key(); }
  [[nodiscard]] std::span<const std::uint8_t, noise_hash_size> handshake_hash() const noexcept { return h_; }
  void wipe() noexcept;

 private:
  NoiseCipher cipher_ = NoiseCipher::aes_gcm;
  crypto::SecretArray<noise_hash_size> ck_;
  std::array<std::uint8_t, noise_hash_size> h_{};
  NoiseCipherState cipher_state_;
};

}  // namespace meshsec::e2e
