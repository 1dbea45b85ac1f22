#include "auth/secure_link.hpp"

#include "crypto/secure_memory.hpp"
#include "wire/bounded_reader.hpp"

namespace meshsec::auth {

AuthError LinkCipher::init(SessionKey&& key, std::uint8_t send_direction, std::uint8_t receive_direction) noexcept {
  const SessionKey local = std::move(key);
  last_sent_ = 0;
  last_received_ = 0;
  send_direction_ = send_direction;
  receive_direction_ = receive_direction;
  return aead_.init(crypto::AeadMode::ccm, local.span(), tag_size) == crypto::Status::ok ? AuthError::ok
                                                                                          : AuthError::crypto_failure;
}

AuthError LinkCipher::next_send(std::uint32_t& seq) noexcept {
  if (!aead_.ready()) return AuthError::wrong_state;
  if (last_sent_ == UINT32_MAX) return AuthError::sequence_exhausted;
  seq = ++last_sent_;
  return AuthError::ok;
}

AuthError LinkCipher::seal(std::uint32_t seq, std::span<const std::uint8_t> aad, std::span<const std::uint8_t> plain,
                           std::span<std::uint8_t> cipher, std::span<std::uint8_t> tag) noexcept {
  std::array<std::uint8_t, layout::link_nonce_size> nonce{};
  link_nonce(send_direction_, seq, nonce);
  return aead_.seal(nonce, aad, plain, cipher, tag) == crypto::Status::ok ? AuthError::ok : AuthError::crypto_failure;
}

AuthError LinkCipher::open(std::uint32_t seq, std::span<const std::uint8_t> aad, std::span<const std::uint8_t> cipher,
                           std::span<const std::uint8_t> tag, std::span<std::uint8_t> plain) noexcept {
  std::array<std::uint8_t, layout::link_nonce_size> nonce{};
  link_nonce(receive_direction_, seq, nonce);
  return aead_.open(nonce, aad, cipher, tag, plain) == crypto::Status::ok ? AuthError::ok : AuthError::auth_failed;
}

AuthError UploaderLink::init(SessionKey&& key, const TransferOffer& offer, std::uint32_t next_chunk) noexcept {
  progress_ = TransferProgress{offer.image_id, offer.image_size, offer.chunk_size, next_chunk};
  if (next_chunk > progress_.chunk_count()) {
    key.wipe();
    return AuthError::transfer_mismatch;
  }
  return cipher_.init(std::move(key), direction_a_to_b, direction_b_to_a);
}

AuthError UploaderLink::seal_chunk(std::uint32_t index, std::span<const std::uint8_t> chunk, std::span<std::uint8_t> out,
                                   std::size_t& written) noexcept {
  written = 0;
  if (!cipher_.ready()) return AuthError::wrong_state;
  if (chunk.size() != progress_.chunk_length(index) || chunk.size() > layout::max_link_payload) {
    return AuthError::transfer_mismatch;
  }
  const std::size_t size = layout::data_header_size + chunk.size() + tag_size;
  if (out.size() < size) return AuthError::no_room;
  std::uint32_t seq = 0;
  if (const AuthError e = cipher_.next_send(seq); e != AuthError::ok) return e;
  const auto header = out.first<layout::data_header_size>();
  encode_link_data_header(seq, index, static_cast<std::uint16_t>(chunk.size()), header);
  const auto body = out.subspan(layout::data_header_size);
  if (const AuthError e = cipher_.seal(seq, header, chunk, body.first(chunk.size()), body.subspan(chunk.size(), tag_size));
      e != AuthError::ok) {
    return e;
  }
  written = size;
  return AuthError::ok;
}

AuthError UploaderLink::open_ack(std::span<const std::uint8_t> message) noexcept {
  if (!cipher_.ready()) return AuthError::wrong_state;
  LinkAckView ack;
  if (const AuthError e = parse_link_ack(message, ack); e != AuthError::ok) return e;
  if (!cipher_.fresh(ack.seq)) return AuthError::replay;  // cheap pre-check, changes nothing
  std::array<std::uint8_t, layout::ack_plain_size> plain{};
  if (const AuthError e = cipher_.open(ack.seq, ack.header, ack.ciphertext, ack.tag, plain); e != AuthError::ok) {
    return e;
  }
  wire::BoundedReader r(plain);
  const std::uint32_t next = r.u32be();
  const std::uint8_t status = r.u8();
  if (r.finish() != wire::WireError::ok || status > 1) return AuthError::malformed;
  // The node never goes back within a session, and never past the end.
  if (next < progress_.next_chunk || next > progress_.chunk_count()) return AuthError::transfer_mismatch;
  cipher_.accept(ack.seq);
  progress_.next_chunk = next;
  return AuthError::ok;
}

AuthError NodeLink::init(SessionKey&& key) noexcept {
  return cipher_.init(std::move(key), direction_b_to_a, direction_a_to_b);
}

AuthError NodeLink::open_chunk(std::span<const std::uint8_t> message, TransferProgress& progress,
                               std::span<std::uint8_t> chunk_out, std::size_t& chunk_length,
                               std::uint32_t& chunk_index, bool& is_new) noexcept {
  chunk_length = 0;
  chunk_index = 0;
  is_new = false;
  if (!cipher_.ready()) return AuthError::wrong_state;
  LinkDataView data;
  if (const AuthError e = parse_link_data(message, data); e != AuthError::ok) return e;
  if (!cipher_.fresh(data.seq)) return AuthError::replay;  // cheap pre-check, changes nothing
  if (chunk_out.size() < data.ciphertext.size()) return AuthError::no_room;
  const auto plain = chunk_out.first(data.ciphertext.size());
  if (const AuthError e = cipher_.open(data.seq, data.header, data.ciphertext, data.tag, plain); e != AuthError::ok) {
    return e;
  }
  // Authentic. Judge the chunk before anything moves.
  AuthError verdict = AuthError::out_of_order;
  if (data.chunk_index <= progress.next_chunk) verdict = AuthError::transfer_mismatch;
  if (verdict == AuthError::transfer_mismatch && data.ciphertext.size() == progress.chunk_length(data.chunk_index)) {
    verdict = AuthError::ok;
  }
  if (verdict != AuthError::ok) {
    crypto::secure_wipe(plain);
    return verdict;
  }
  cipher_.accept(data.seq);
  chunk_index = data.chunk_index;
  if (data.chunk_index == progress.next_chunk) {
    ++progress.next_chunk;
    is_new = true;
    chunk_length = plain.size();
  } else {
    crypto::secure_wipe(plain);  // already stored in an earlier message
  }
  return AuthError::ok;
}

AuthError NodeLink::seal_ack(const TransferProgress& progress, std::span<std::uint8_t> out, std::size_t& written) noexcept {
  written = 0;
  if (!cipher_.ready()) return AuthError::wrong_state;
  if (out.size() < layout::ack_size) return AuthError::no_room;
  std::uint32_t seq = 0;
  if (const AuthError e = cipher_.next_send(seq); e != AuthError::ok) return e;
  const auto header = out.first<layout::ack_header_size>();
  encode_link_ack_header(seq, header);
  std::array<std::uint8_t, layout::ack_plain_size> plain{};
  wire::BoundedWriter w(plain);
  w.u32be(progress.next_chunk);
  w.u8(progress.complete() ? 1 : 0);
  const auto body = out.subspan(layout::ack_header_size);
  if (const AuthError e = cipher_.seal(seq, header, plain, body.first(plain.size()), body.subspan(plain.size(), tag_size));
      e != AuthError::ok) {
    return e;
  }
  written = layout::ack_size;
  return AuthError::ok;
}

}  // namespace meshsec::auth
