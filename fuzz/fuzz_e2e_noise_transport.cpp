// Noise transport decryption (CipherState DecryptWithAd) with attacker bytes: never
// accepted, nonce unchanged on failure. Input: [cipher][nonce 8] then the message.
#include <array>
#include <cstddef>
#include <cstdint>
#include <vector>

#include "e2e/noise_cipher_state.hpp"
#include "wire/bounded_reader.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace meshsec::e2e;
  meshsec::wire::BoundedReader in({data, size});
  const std::uint8_t cipher = in.u8();
  const std::uint64_t nonce = in.u64be();
  const auto message = in.rest();
  if (!in.ok()) return 0;
  std::array<std::uint8_t, 32> key{};
  key.fill(0x42);
  NoiseCipherState cs;
  if (cs.initialize_key((cipher & 1) ? NoiseCipher::chacha_poly : NoiseCipher::aes_gcm, key) != NoiseError::ok)
    return 0;
  cs.set_nonce(nonce);
  std::vector<std::uint8_t> out(message.size());
  std::size_t n = 0;
  const NoiseError e = cs.decrypt_with_ad({}, message, out, n);
  if (e == NoiseError::ok) __builtin_trap();
  if (cs.nonce() != nonce) __builtin_trap();
  return 0;
}
