#include "e2e/noise_symmetric_state.hpp"

#include "crypto/mac.hpp"
#include "crypto/secure_memory.hpp"

namespace meshsec::e2e {

NoiseError noise_hkdf(std::span<const std::uint8_t, noise_hash_size> chaining_key,
                      std::span<const std::uint8_t> input_key_material,
                      std::span<std::uint8_t, noise_hash_size> out1,
                      std::span<std::uint8_t, noise_hash_size> out2,
                      std::span<std::uint8_t> out3) noexcept {
  if (!out3.empty() && out3.size() != noise_hash_size) return NoiseError::bad_length;
  crypto::SecretArray<noise_hash_size> temp_key;
  {
    crypto::Mac extract;  // keyed per call: the key changes every time
    if (extract.init(crypto::MacAlgorithm::hmac_sha256, chaining_key) != crypto::Status::ok ||
        extract.compute(input_key_material, temp_key.span()) != crypto::Status::ok)
      return NoiseError::backend_failure;
  }
  crypto::Mac expand;
  if (expand.init(crypto::MacAlgorithm::hmac_sha256, temp_key.span()) != crypto::Status::ok)
    return NoiseError::backend_failure;
  const std::uint8_t one = 0x01, two = 0x02, three = 0x03;
  if (expand.compute({std::span<const std::uint8_t>(&one, 1)}, out1) != crypto::Status::ok ||
      expand.compute({std::span<const std::uint8_t>(out1), std::span<const std::uint8_t>(&two, 1)},
                     out2) != crypto::Status::ok)
    return NoiseError::backend_failure;
  if (!out3.empty() &&
      expand.compute({std::span<const std::uint8_t>(out2), std::span<const std::uint8_t>(&three, 1)},
                     out3) != crypto::Status::ok)
    return NoiseError::backend_failure;
  return NoiseError::ok;
}

NoiseError NoiseSymmetricState::initialize(std::string_view protocol_name, NoiseCipher cipher) noexcept {
  cipher_ = cipher;
  cipher_state_.clear();
  // h = name padded with zeros when it fits in HASHLEN bytes, else HASH(name); ck = h.
  h_.fill(0);
  const std::span<const std::uint8_t> name(reinterpret_cast<const std::uint8_t*>(protocol_name.data()),
                                           protocol_name.size());
  if (name.size() <= noise_hash_size) {
    for (std::size_t i = 0; i < name.size(); ++i) h_[i] = name[i];
  } else if (crypto::sha256({name}, h_) != crypto::Status::ok) {
    return NoiseError::backend_failure;
  }
  ck_.assign(h_);
  return NoiseError::ok;
}

NoiseError NoiseSymmetricState::mix_key(std::span<const std::uint8_t> input_key_material) noexcept {
  crypto::SecretArray<noise_hash_size> ck;
  crypto::SecretArray<noise_hash_size> temp_k;
  const NoiseError e = noise_hkdf(ck_.span(), input_key_material, ck.span(), temp_k.span(), {});
  if (e != NoiseError::ok) return e;
  ck_ = std::move(ck);
  // HASHLEN is 32, so temp_k needs no truncation.
  return cipher_state_.initialize_key(cipher_, temp_k.span());
}

NoiseError NoiseSymmetricState::mix_hash(std::span<const std::uint8_t> data) noexcept {
  std::array<std::uint8_t, noise_hash_size> next{};
  if (crypto::sha256({std::span<const std::uint8_t>(h_), data}, next) != crypto::Status::ok)
    return NoiseError::backend_failure;
  h_ = next;
  return NoiseError::ok;
}

NoiseError NoiseSymmetricState::mix_key_and_hash(std::span<const std::uint8_t> input_key_material) noexcept {
  crypto::SecretArray<noise_hash_size> ck;
  crypto::SecretArray<noise_hash_size> temp_h;
  crypto::SecretArray<noise_hash_size> temp_k;
  NoiseError e = noise_hkdf(ck_.span(), input_key_material, ck.span(), temp_h.span(), temp_k.span());
  if (e != NoiseError::ok) return e;
  ck_ = std::move(ck);
  e = mix_hash(temp_h.span());
  if (e != NoiseError::ok) return e;
  return cipher_state_.initialize_key(cipher_, temp_k.span());
}

NoiseError NoiseSymmetricState::encrypt_and_hash(std::span<const std::uint8_t> plaintext,
                                                 std::span<std::uint8_t> out,
                                                 std::size_t& written) noexcept {
  NoiseError e = cipher_state_.encrypt_with_ad(h_, plaintext, out, written);
  if (e != NoiseError::ok) return e;
  return mix_hash(out.first(written));
}

NoiseError NoiseSymmetricState::decrypt_and_hash(std::span<const std::uint8_t> ciphertext,
                                                 std::span<std::uint8_t> out,
                                                 std::size_t& written) noexcept {
  NoiseError e = cipher_state_.decrypt_with_ad(h_, ciphertext, out, written);
  if (e != NoiseError::ok) return e;
  return mix_hash(ciphertext);
}

NoiseError NoiseSymmetricState::split(NoiseCipherState& c1, NoiseCipherState& c2) noexcept {
  crypto::SecretArray<noise_hash_size> k1;
  crypto::SecretArray<noise_hash_size> k2;
  NoiseError e = noise_hkdf(ck_.span(), {}, k1.span(), k2.span(), {});
  if (e != NoiseError::ok) return e;
  e = c1.initialize_key(cipher_, k1.span());
  if (e != NoiseError::ok) return e;
  return c2.initialize_key(cipher_, k2.span());
}

void NoiseSymmetricState::wipe() noexcept {
  ck_.wipe();
  cipher_state_.clear();
}

}  // namespace meshsec::e2e
