#include "e2e/e2e_sender.hpp"

#include <array>

#include "crypto/ed25519.hpp"
#include "crypto/random.hpp"
#include "crypto/secure_memory.hpp"
#include "e2e/e2e_signature.hpp"
#include "wire/bounded_writer.hpp"

namespace meshsec::e2e {

E2eError E2eSender::start(const E2eSessionParams& params,
                          std::span<const std::uint8_t, E2eLayout::key_size> key,
                          std::uint32_t key_version, SequenceStore& store,
                          std::uint32_t block) noexcept {
  ready_ = false;
  params_ = params;
  E2eError e = install_key(key, key_version);
  if (e != E2eError::ok) return e;
  e = counter_.start(store, block);
  if (e != E2eError::ok) return e;
  std::array<std::uint8_t, E2eLayout::seed_size> seed{};
  if (crypto::random_bytes(seed) != crypto::Status::ok) return E2eError::crypto_failure;
  seed_ = (std::uint32_t{seed[0]} << 24) | (std::uint32_t{seed[1]} << 16) |
          (std::uint32_t{seed[2]} << 8) | seed[3];
  ready_ = true;
  return E2eError::ok;
}

E2eError E2eSender::install_key(std::span<const std::uint8_t, E2eLayout::key_size> key,
                                std::uint32_t key_version) noexcept {
  // init() replaces the previous key schedule; OpenSSL cleanses the old context.
  if (aead_.init(crypto::AeadMode::ccm, key, E2eLayout::tag_size) != crypto::Status::ok) {
    ready_ = false;
    return E2eError::crypto_failure;
  }
  key_version_ = key_version;
  return E2eError::ok;
}

void E2eSender::enable_signing(std::span<const std::uint8_t, 32> ed25519_seed) noexcept {
  signing_seed_.assign(ed25519_seed);
  signing_ = true;
}

E2eError E2eSender::seal(std::span<const std::uint8_t> payload, std::span<std::uint8_t> out,
                         std::size_t& written, bool nested) noexcept {
  written = 0;
  if (!ready_) return E2eError::not_ready;
  if (payload.size() > E2eLayout::max_payload) return E2eError::no_room;
  const std::size_t body = payload.size() + (signing_ ? E2eLayout::signature_size : 0);
  if (out.size() < E2eLayout::header_size + body + E2eLayout::tag_size) return E2eError::no_room;

  std::uint32_t sequence = 0;
  const E2eError e = counter_.next(sequence);
  if (e != E2eError::ok) return e;

  E2eControl control;
  control.level = params_.level;
  control.direction = params_.direction;
  control.is_signed = signing_;
  control.nested = nested;
  control.key_version_low = static_cast<std::uint8_t>(key_version_ & E2eLayout::key_version_mask);
  const std::uint8_t control_byte = encode_control(control);

  wire::BoundedWriter w(out);
  w.u8(control_byte);
  w.u32be(seed_);
  w.u32be(sequence);
  auto ciphertext = w.reserve(body);
  auto tag = w.reserve(E2eLayout::tag_size);
  if (!w.ok()) return E2eError::no_room;

  const E2eAad aad = e2e_aad(control_byte, seed_, sequence, params_.node_id, key_version_);
  const E2eNonce nonce = e2e_nonce(control_byte, seed_, sequence, params_.node_id);
  std::array<std::uint8_t, E2eLayout::max_payload + E2eLayout::signature_size> plain{};
  for (std::size_t i = 0; i < payload.size(); ++i) plain[i] = payload[i];
  if (signing_) {
    std::array<std::uint8_t, e2e_signed_input_max> signed_input{};
    const std::size_t n = e2e_signed_input(aad, payload, signed_input);
    std::span<std::uint8_t, 64> signature(plain.data() + payload.size(), 64);
    if (n == 0 || crypto::ed25519_sign(signing_seed_.span(), std::span(signed_input).first(n), signature) !=
                      crypto::Status::ok)
      return E2eError::crypto_failure;
  }
  const crypto::Status s = aead_.seal(nonce, aad, std::span(plain).first(body), ciphertext, tag);
  crypto::secure_wipe(plain);
  if (s != crypto::Status::ok) return E2eError::crypto_failure;
  written = w.size();
  return E2eError::ok;
}

}  // namespace meshsec::e2e
