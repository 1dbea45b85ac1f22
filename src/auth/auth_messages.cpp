// Message layouts of ISO/IEC 9798-2 three-pass authentication and the link (docs/auth.md).
#include "auth/auth_messages.hpp"

#include "wire/bounded_reader.hpp"

namespace meshsec::auth {
namespace {

void write_offer(wire::BoundedWriter& w, const TransferOffer& o) noexcept {
  w.bytes(o.image_id);
  w.u32be(o.image_size);
  w.u16be(o.chunk_size);
}

void write_resume(wire::BoundedWriter& w, const TransferResume& r) noexcept {
  w.bytes(r.image_id);
  w.u32be(r.next_chunk);
}

}  // namespace

AuthError encode_token1(const Token1& t, std::span<std::uint8_t> out, std::size_t& written) noexcept {
  written = 0;
  wire::BoundedWriter w(out);
  w.u8(static_cast<std::uint8_t>(MessageType::token1));
  w.u8(protocol_version);
  w.bytes(t.node_id);
  w.bytes(t.r_b);
  if (!w.ok()) return AuthError::no_room;
  written = w.size();
  return AuthError::ok;
}

AuthError parse_token1(std::span<const std::uint8_t> bytes, Token1& out) noexcept {
  out = Token1{};
  wire::BoundedReader r(bytes);
  const std::uint8_t type = r.u8();
  const std::uint8_t version = r.u8();
  Token1 t;
  r.copy_to(t.node_id);
  r.copy_to(t.r_b);
  if (r.finish() != wire::WireError::ok || type != static_cast<std::uint8_t>(MessageType::token1) ||
      version != protocol_version) {
    return AuthError::malformed;
  }
  out = t;
  return AuthError::ok;
}

AuthError parse_sealed_token(std::span<const std::uint8_t> bytes, MessageType expected, SealedToken& out) noexcept {
  out = SealedToken{};
  std::size_t plain_size = 0;
  if (expected == MessageType::token2) {
    plain_size = layout::token2_plain_size;
  } else if (expected == MessageType::token3) {
    plain_size = layout::token3_plain_size;
  } else {
    return AuthError::malformed;
  }
  wire::BoundedReader r(bytes);
  const std::uint8_t type = r.u8();
  const std::uint8_t version = r.u8();
  SealedToken t;
  t.type = expected;
  r.copy_to(t.sender);
  r.copy_to(t.nonce);
  t.ciphertext = r.bytes(plain_size);
  t.tag = r.bytes(tag_size);
  if (r.finish() != wire::WireError::ok || type != static_cast<std::uint8_t>(expected) ||
      version != protocol_version) {
    return AuthError::malformed;
  }
  t.clear_header = bytes.first(layout::sealed_header_size);
  out = t;
  return AuthError::ok;
}

void encode_sealed_header(MessageType type, const EntityId& sender, const Nonce& nonce,
                          std::span<std::uint8_t, layout::sealed_header_size> out) noexcept {
  wire::BoundedWriter w(out);
  w.u8(static_cast<std::uint8_t>(type));
  w.u8(protocol_version);
  w.bytes(sender);
  w.bytes(nonce);
}

void token_aad(std::span<const std::uint8_t, layout::label_size> label, std::span<const std::uint8_t> clear_header,
               std::span<std::uint8_t, layout::token_aad_size> out) noexcept {
  wire::BoundedWriter w(out);
  w.bytes(label);
  w.bytes(clear_header.first(clear_header.size() < layout::sealed_header_size ? clear_header.size()
                                                                              : layout::sealed_header_size));
}

void encode_token2_plain(const Token2Plain& p, std::span<std::uint8_t, layout::token2_plain_size> out) noexcept {
  wire::BoundedWriter w(out);
  w.bytes(p.r_a);
  w.bytes(p.r_b);
  w.bytes(p.b_star);
  write_offer(w, p.offer);
}

AuthError parse_token2_plain(std::span<const std::uint8_t> bytes, Token2Plain& out) noexcept {
  out = Token2Plain{};
  wire::BoundedReader r(bytes);
  Token2Plain p;
  r.copy_to(p.r_a);
  r.copy_to(p.r_b);
  r.copy_to(p.b_star);
  r.copy_to(p.offer.image_id);
  p.offer.image_size = r.u32be();
  p.offer.chunk_size = r.u16be();
  if (r.finish() != wire::WireError::ok) return AuthError::malformed;
  out = p;
  return AuthError::ok;
}

void encode_token3_plain(const Token3Plain& p, std::span<std::uint8_t, layout::token3_plain_size> out) noexcept {
  wire::BoundedWriter w(out);
  w.bytes(p.r_b);
  w.bytes(p.r_a);
  write_resume(w, p.resume);
}

AuthError parse_token3_plain(std::span<const std::uint8_t> bytes, Token3Plain& out) noexcept {
  out = Token3Plain{};
  wire::BoundedReader r(bytes);
  Token3Plain p;
  r.copy_to(p.r_b);
  r.copy_to(p.r_a);
  r.copy_to(p.resume.image_id);
  p.resume.next_chunk = r.u32be();
  if (r.finish() != wire::WireError::ok) return AuthError::malformed;
  out = p;
  return AuthError::ok;
}

AuthError parse_link_data(std::span<const std::uint8_t> bytes, LinkDataView& out) noexcept {
  out = LinkDataView{};
  wire::BoundedReader r(bytes);
  const std::uint8_t type = r.u8();
  LinkDataView d;
  d.seq = r.u32be();
  d.chunk_index = r.u32be();
  const std::uint16_t length = r.u16be();
  if (r.ok() && (length == 0 || length > layout::max_link_payload)) r.fail(wire::WireError::length_out_of_range);
  d.ciphertext = r.bytes(length);
  d.tag = r.bytes(tag_size);
  if (r.finish() != wire::WireError::ok || type != static_cast<std::uint8_t>(MessageType::link_data)) {
    return AuthError::malformed;
  }
  d.header = bytes.first(layout::data_header_size);
  out = d;
  return AuthError::ok;
}

AuthError parse_link_ack(std::span<const std::uint8_t> bytes, LinkAckView& out) noexcept {
  out = LinkAckView{};
  wire::BoundedReader r(bytes);
  const std::uint8_t type = r.u8();
  LinkAckView a;
  a.seq = r.u32be();
  a.ciphertext = r.bytes(layout::ack_plain_size);
  a.tag = r.bytes(tag_size);
  if (r.finish() != wire::WireError::ok || type != static_cast<std::uint8_t>(MessageType::link_ack)) {
    return AuthError::malformed;
  }
  a.header = bytes.first(layout::ack_header_size);
  out = a;
  return AuthError::ok;
}

void encode_link_data_header(std::uint32_t seq, std::uint32_t chunk_index, std::uint16_t length,
                             std::span<std::uint8_t, layout::data_header_size> out) noexcept {
  wire::BoundedWriter w(out);
  w.u8(static_cast<std::uint8_t>(MessageType::link_data));
  w.u32be(seq);
  w.u32be(chunk_index);
  w.u16be(length);
}

void encode_link_ack_header(std::uint32_t seq, std::span<std::uint8_t, layout::ack_header_size> out) noexcept {
  wire::BoundedWriter w(out);
  w.u8(static_cast<std::uint8_t>(MessageType::link_ack));
  w.u32be(seq);
}

void link_nonce(std::uint8_t direction, std::uint32_t seq, std::span<std::uint8_t, layout::link_nonce_size> out) noexcept {
  wire::BoundedWriter w(out);
  w.u8(direction);
  w.u64be(0);
  w.u32be(seq);
}

}  // namespace meshsec::auth
