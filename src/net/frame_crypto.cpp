#include "net/frame_crypto.hpp"

#include "wire/bounded_writer.hpp"
#include "wire/crc16.hpp"

namespace meshsec::net {

BuildError seal_frame(crypto::AesAead& aead, const wire::NetHeader& header, std::uint32_t full_time,
                      std::span<const std::uint8_t> body, std::span<std::uint8_t> out,
                      std::size_t& radio_length) noexcept {
  radio_length = 0;
  const std::size_t mic = wire::mic_length_of(header.mic_code);
  if (mic == 0 || mic != aead.tag_length()) return BuildError::bad_field;
  const std::size_t head = wire::net_header_size(header.type);
  const std::size_t frame_length = head + body.size() + mic;
  if (body.size() > wire::NetLayout::max_frame_size || frame_length > wire::NetLayout::max_frame_size ||
      frame_length + wire::kCrc16Size > out.size())
    return BuildError::too_long;
  wire::BoundedWriter w(out);
  if (wire::write_net_header(w, header) != wire::WireError::ok) return BuildError::bad_field;
  auto ciphertext = w.reserve(body.size());
  auto tag = w.reserve(mic);
  if (!w.ok()) return BuildError::too_long;
  const auto nonce = wire::network_nonce(header.net_id(), header.src, full_time, header.seq);
  // wire-format.md §4: the AAD is the header up to, not including, the TTL.
  const auto aad = out.first(wire::net_ttl_offset(header.type));
  if (aead.seal(nonce, aad, body, ciphertext, tag) != crypto::Status::ok)
    return BuildError::crypto_failure;
  if (!wire::append_crc16(out, frame_length)) return BuildError::too_long;
  radio_length = frame_length + wire::kCrc16Size;
  return BuildError::ok;
}

BuildError build_plain_frame(const wire::NetHeader& header, std::span<const std::uint8_t> body,
                             std::span<std::uint8_t> out, std::size_t& radio_length) noexcept {
  radio_length = 0;
  const std::size_t frame_length = wire::net_header_size(header.type) + body.size();
  if (body.size() > wire::NetLayout::max_frame_size || frame_length > wire::NetLayout::max_frame_size ||
      frame_length + wire::kCrc16Size > out.size())
    return BuildError::too_long;
  wire::BoundedWriter w(out);
  if (wire::write_net_header(w, header) != wire::WireError::ok) return BuildError::bad_field;
  w.bytes(body);
  if (!w.ok() || !wire::append_crc16(out, frame_length)) return BuildError::too_long;
  radio_length = frame_length + wire::kCrc16Size;
  return BuildError::ok;
}

crypto::Status open_frame(crypto::AesAead& aead, const wire::NetHeader& header,
                          std::uint32_t full_time, std::span<const std::uint8_t> frame,
                          std::span<std::uint8_t> plaintext, std::size_t& plaintext_length) noexcept {
  plaintext_length = 0;
  const std::size_t head = wire::net_header_size(header.type);
  const std::size_t mic = aead.tag_length();
  if (head > frame.size() || mic > frame.size() - head) return crypto::Status::bad_length;
  const std::size_t body_length = frame.size() - head - mic;
  if (body_length > plaintext.size()) return crypto::Status::bad_length;
  const auto nonce = wire::network_nonce(header.net_id(), header.src, full_time, header.seq);
  const auto aad = frame.first(wire::net_ttl_offset(header.type));
  const auto ciphertext = frame.subspan(head, body_length);
  const auto tag = frame.subspan(head + body_length, mic);
  const auto out = plaintext.first(body_length);
  const crypto::Status s = aead.open(nonce, aad, ciphertext, tag, out);
  if (s == crypto::Status::ok) plaintext_length = body_length;
  return s;
}

}  // namespace meshsec::net
