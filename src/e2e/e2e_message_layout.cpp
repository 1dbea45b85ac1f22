#include "e2e/e2e_message_layout.hpp"

#include <algorithm>

#include "wire/bounded_reader.hpp"
#include "wire/bounded_writer.hpp"

namespace meshsec::e2e {

bool parse_e2e_message(std::span<const std::uint8_t> message, E2eMessageView& out) noexcept {
  if (message.size() > E2eLayout::max_message) return false;
  wire::BoundedReader in(message);
  E2eMessageView view;
  view.header = message.first(std::min(message.size(), E2eLayout::header_size));
  view.control_byte = in.u8();
  view.seed = in.u32be();
  view.sequence = in.u32be();
  if (!in.ok() || !decode_control(view.control_byte, view.control)) return false;
  const std::size_t min_body = view.control.is_signed ? E2eLayout::signature_size : 0;
  if (in.remaining() < E2eLayout::tag_size + min_body) return false;
  view.ciphertext = in.bytes(in.remaining() - E2eLayout::tag_size);
  view.tag = in.bytes(E2eLayout::tag_size);
  if (in.finish() != wire::WireError::ok) return false;
  out = view;
  return true;
}

E2eNonce e2e_nonce(std::uint8_t control_byte, std::uint32_t seed, std::uint32_t sequence,
                   std::uint32_t node_id) noexcept {
  E2eNonce nonce{};
  wire::BoundedWriter w(nonce);
  w.u8(control_byte);
  w.u32be(seed);
  w.u32be(sequence);
  w.u32be(node_id);
  return nonce;
}

E2eAad e2e_aad(std::uint8_t control_byte, std::uint32_t seed, std::uint32_t sequence,
               std::uint32_t node_id, std::uint32_t key_version) noexcept {
  E2eAad aad{};
  wire::BoundedWriter w(aad);
  w.u8(control_byte);
  w.u32be(seed);
  w.u32be(sequence);
  w.u32be(node_id);
  w.u32be(key_version);
  return aad;
}

}  // namespace meshsec::e2e
