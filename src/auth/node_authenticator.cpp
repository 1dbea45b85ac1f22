#include "auth/node_authenticator.hpp"

#include "crypto/random.hpp"
#include "crypto/secure_memory.hpp"

namespace meshsec::auth {

AuthError NodeAuthenticator::init(const EntityId& own_id, std::span<const std::uint8_t> key) noexcept {
  ready_ = false;
  state_ = State::idle;
  if (!auth_key_length_ok(key.size())) return AuthError::bad_key;
  if (aead_.init(crypto::AeadMode::ccm, key, tag_size) != crypto::Status::ok) return AuthError::crypto_failure;
  key_.wipe();
  for (std::size_t i = 0; i < key.size(); ++i) key_.data()[i] = key[i];
  key_length_ = key.size();
  id_ = own_id;
  ready_ = true;
  return AuthError::ok;
}

AuthError NodeAuthenticator::fail(AuthError e) noexcept {
  state_ = State::failed;
  crypto::secure_wipe(r_b_.data(), r_b_.size());
  session_key_.wipe();
  return e;
}

AuthError NodeAuthenticator::start(std::span<std::uint8_t> out, std::size_t& written) noexcept {
  written = 0;
  if (!ready_) return AuthError::wrong_state;
  session_key_.wipe();
  peer_ = EntityId{};
  offer_ = TransferOffer{};
  // 9798-2 pass 1: a fresh random from the CSPRNG, never a counter (it must not repeat
  // after a reboot).
  if (crypto::random_bytes(r_b_) != crypto::Status::ok) return fail(AuthError::crypto_failure);
  const AuthError e = encode_token1({id_, r_b_}, out, written);
  if (e != AuthError::ok) return fail(e);
  state_ = State::awaiting_token2;
  return AuthError::ok;
}

AuthError NodeAuthenticator::handle_token2(std::span<const std::uint8_t> message, TransferProgress& progress,
                                           std::span<std::uint8_t> out, std::size_t& written) noexcept {
  written = 0;
  if (state_ != State::awaiting_token2) return AuthError::wrong_state;
  if (out.size() < layout::token3_size) return AuthError::no_room;  // checked before anything changes

  // Parse fully.
  SealedToken token;
  if (const AuthError e = parse_sealed_token(message, MessageType::token2, token); e != AuthError::ok) return fail(e);

  // Authenticate: e_K(R_A ‖ R_B ‖ B* ‖ Text2) under the A→B label.
  std::array<std::uint8_t, layout::token_aad_size> aad{};
  token_aad(layout::label_a_to_b, token.clear_header, aad);
  std::array<std::uint8_t, layout::token2_plain_size> plain{};
  if (aead_.open(token.nonce, aad, token.ciphertext, token.tag, plain) != crypto::Status::ok) {
    return fail(AuthError::auth_failed);
  }
  Token2Plain p;
  const AuthError parsed = parse_token2_plain(plain, p);
  crypto::secure_wipe(plain.data(), plain.size());
  if (parsed != AuthError::ok) return fail(parsed);

  // 9798-2: B checks that its own R_B came back (freshness) and B* names B (no reflection).
  AuthError verdict = AuthError::challenge_mismatch;
  if (crypto::equal_constant_time(p.r_b, r_b_)) verdict = AuthError::identity_mismatch;
  if (verdict == AuthError::identity_mismatch && crypto::equal_constant_time(p.b_star, id_)) {
    verdict = AuthError::transfer_mismatch;
  }
  if (verdict == AuthError::transfer_mismatch && p.offer.image_size != 0 && p.offer.chunk_size != 0 &&
      p.offer.chunk_size <= layout::max_link_payload) {
    verdict = AuthError::ok;
  }
  if (verdict != AuthError::ok) return fail(verdict);

  // Change state: K_s for this run, then Text4 = the resume point for the offered image.
  if (derive_session_key(key_.span().first(key_length_), p.r_a, r_b_, token.sender, id_, session_key_) !=
      AuthError::ok) {
    return fail(AuthError::crypto_failure);
  }
  const bool same_image = progress.image_id == p.offer.image_id && progress.image_size == p.offer.image_size &&
                          progress.chunk_size == p.offer.chunk_size;
  if (!same_image) progress = TransferProgress{p.offer.image_id, p.offer.image_size, p.offer.chunk_size, 0};
  if (progress.next_chunk > progress.chunk_count()) progress.next_chunk = 0;

  // Pass 3: Text5 ‖ e_K(R_B ‖ R_A ‖ Text4) under the B→A label, with a fresh nonce.
  Nonce nonce{};
  if (crypto::random_bytes(nonce) != crypto::Status::ok) return fail(AuthError::crypto_failure);
  const auto header = out.first<layout::sealed_header_size>();
  encode_sealed_header(MessageType::token3, id_, nonce, header);
  token_aad(layout::label_b_to_a, header, aad);
  std::array<std::uint8_t, layout::token3_plain_size> reply{};
  encode_token3_plain({r_b_, p.r_a, {p.offer.image_id, progress.next_chunk}}, reply);
  const auto sealed = out.subspan(layout::sealed_header_size);
  const crypto::Status s = aead_.seal(nonce, aad, reply, sealed.first(reply.size()),
                                      sealed.subspan(reply.size(), tag_size));
  crypto::secure_wipe(reply.data(), reply.size());
  if (s != crypto::Status::ok) return fail(AuthError::crypto_failure);

  peer_ = token.sender;
  offer_ = p.offer;
  crypto::secure_wipe(r_b_.data(), r_b_.size());  // this R_B is spent
  state_ = State::authenticated;
  written = layout::token3_size;
  return AuthError::ok;
}

AuthError NodeAuthenticator::take_session_key(SessionKey& out) noexcept {
  if (state_ != State::authenticated) return AuthError::wrong_state;
  out = std::move(session_key_);
  state_ = State::idle;
  return AuthError::ok;
}

}  // namespace meshsec::auth
