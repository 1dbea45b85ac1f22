#include "auth/uploader_authenticator.hpp"

#include "auth/transfer_progress.hpp"
#include "crypto/random.hpp"
#include "crypto/secure_memory.hpp"

namespace meshsec::auth {

AuthError UploaderAuthenticator::fail(AuthError e) noexcept {
  state_ = State::failed;
  crypto::secure_wipe(r_a_.data(), r_a_.size());
  crypto::secure_wipe(r_b_.data(), r_b_.size());
  session_key_.wipe();
  key_.wipe();
  key_length_ = 0;
  return e;
}

AuthError UploaderAuthenticator::handle_token1(std::span<const std::uint8_t> message, std::span<const std::uint8_t> key,
                                               const TransferOffer& offer, std::span<std::uint8_t> out,
                                               std::size_t& written) noexcept {
  written = 0;
  if (out.size() < layout::token2_size) return AuthError::no_room;
  Token1 t;
  if (const AuthError e = parse_token1(message, t); e != AuthError::ok) return fail(e);
  if (!auth_key_length_ok(key.size())) return fail(AuthError::bad_key);
  if (offer.image_size == 0 || offer.chunk_size == 0 || offer.chunk_size > layout::max_link_payload) {
    return fail(AuthError::transfer_mismatch);
  }
  if (aead_.init(crypto::AeadMode::ccm, key, tag_size) != crypto::Status::ok) return fail(AuthError::crypto_failure);
  key_.wipe();
  for (std::size_t i = 0; i < key.size(); ++i) key_.data()[i] = key[i];
  key_length_ = key.size();
  session_key_.wipe();

  // 9798-2 pass 2: fresh R_A and nonce from the CSPRNG.
  Nonce nonce{};
  if (crypto::random_bytes(r_a_) != crypto::Status::ok || crypto::random_bytes(nonce) != crypto::Status::ok) {
    return fail(AuthError::crypto_failure);
  }
  r_b_ = t.r_b;
  const auto header = out.first<layout::sealed_header_size>();
  encode_sealed_header(MessageType::token2, id_, nonce, header);
  std::array<std::uint8_t, layout::token_aad_size> aad{};
  token_aad(layout::label_a_to_b, header, aad);
  std::array<std::uint8_t, layout::token2_plain_size> plain{};
  encode_token2_plain({r_a_, r_b_, t.node_id, offer}, plain);
  const auto sealed = out.subspan(layout::sealed_header_size);
  const crypto::Status s = aead_.seal(nonce, aad, plain, sealed.first(plain.size()), sealed.subspan(plain.size(), tag_size));
  crypto::secure_wipe(plain.data(), plain.size());
  if (s != crypto::Status::ok) return fail(AuthError::crypto_failure);

  peer_ = t.node_id;
  offer_ = offer;
  state_ = State::awaiting_token3;
  written = layout::token2_size;
  return AuthError::ok;
}

AuthError UploaderAuthenticator::handle_token3(std::span<const std::uint8_t> message, TransferResume& resume) noexcept {
  resume = TransferResume{};
  if (state_ != State::awaiting_token3) return AuthError::wrong_state;
  SealedToken token;
  if (const AuthError e = parse_sealed_token(message, MessageType::token3, token); e != AuthError::ok) return fail(e);
  if (token.sender != peer_) return fail(AuthError::identity_mismatch);  // identifiers are public

  // Authenticate: e_K(R_B ‖ R_A ‖ Text4) under the B→A label. A's own token 2 reflected
  // back fails here: other type, other label, other length.
  std::array<std::uint8_t, layout::token_aad_size> aad{};
  token_aad(layout::label_b_to_a, token.clear_header, aad);
  std::array<std::uint8_t, layout::token3_plain_size> plain{};
  if (aead_.open(token.nonce, aad, token.ciphertext, token.tag, plain) != crypto::Status::ok) {
    return fail(AuthError::auth_failed);
  }
  Token3Plain p;
  const AuthError parsed = parse_token3_plain(plain, p);
  crypto::secure_wipe(plain.data(), plain.size());
  if (parsed != AuthError::ok) return fail(parsed);

  // 9798-2: A checks R_B and R_A came back, in swapped order.
  AuthError verdict = AuthError::challenge_mismatch;
  if (crypto::equal_constant_time(p.r_a, r_a_) && crypto::equal_constant_time(p.r_b, r_b_)) {
    verdict = AuthError::transfer_mismatch;
  }
  const TransferProgress agreed{offer_.image_id, offer_.image_size, offer_.chunk_size, 0};
  if (verdict == AuthError::transfer_mismatch && p.resume.image_id == offer_.image_id &&
      p.resume.next_chunk <= agreed.chunk_count()) {
    verdict = AuthError::ok;
  }
  if (verdict != AuthError::ok) return fail(verdict);

  if (derive_session_key(key_.span().first(key_length_), r_a_, r_b_, id_, peer_, session_key_) != AuthError::ok) {
    return fail(AuthError::crypto_failure);
  }
  crypto::secure_wipe(r_a_.data(), r_a_.size());
  crypto::secure_wipe(r_b_.data(), r_b_.size());
  key_.wipe();
  key_length_ = 0;
  resume = p.resume;
  state_ = State::authenticated;
  return AuthError::ok;
}

AuthError UploaderAuthenticator::take_session_key(SessionKey& out) noexcept {
  if (state_ != State::authenticated) return AuthError::wrong_state;
  out = std::move(session_key_);
  state_ = State::idle;
  return AuthError::ok;
}

}  // namespace meshsec::auth
