#include "wire/net_frame.hpp"

namespace meshsec::wire {

WireError read_net_header(BoundedReader& in, NetHeader& out) noexcept {
  // Two bounds checks for the whole header (the time field's width depends on the type
  // in the first byte); every frame heard goes through here.
  const auto lead = in.bytes(7);  // ctl, net, src, dst
  if (lead.size() != 7) return in.error();
  const std::uint8_t ctl = lead[0];
  out.version = static_cast<std::uint8_t>(ctl >> 6);
  out.type = static_cast<NetFrameType>((ctl >> 4) & 0x03U);
  out.mic_code = static_cast<std::uint8_t>((ctl >> 2) & 0x03U);
  out.key_index = static_cast<std::uint8_t>(ctl & 0x03U);
  out.channel = static_cast<std::uint8_t>(lead[1] >> 4);
  out.domain = static_cast<std::uint16_t>(((lead[1] & 0x0fU) << 8) | lead[2]);
  out.src = static_cast<std::uint16_t>((lead[3] << 8) | lead[4]);
  out.dst = static_cast<std::uint16_t>((lead[5] << 8) | lead[6]);
  const std::size_t time_size = out.type == NetFrameType::sync_response ? 4 : 2;
  const auto tail = in.bytes(time_size + 2);  // time, seq, ttl
  if (tail.size() != time_size + 2) return in.error();
  std::uint32_t time = 0;
  for (std::size_t i = 0; i < time_size; ++i) time = (time << 8) | tail[i];
  out.time = time;
  out.seq = tail[time_size];
  out.ttl = tail[time_size + 1];
  return WireError::ok;
}

WireError write_net_header(BoundedWriter& out, const NetHeader& h) noexcept {
  if (h.version > 3 || h.mic_code > 3 || h.key_index > NetLayout::max_key_index ||
      h.channel > NetLayout::max_channel || h.domain > NetLayout::max_domain)
    return WireError::bad_value;
  const unsigned ctl = (unsigned{h.version} << 6) | (static_cast<unsigned>(h.type) << 4) |
                       (unsigned{h.mic_code} << 2) | unsigned{h.key_index};
  out.u8(static_cast<std::uint8_t>(ctl));
  out.u16be(h.net_id());
  out.u16be(h.src);
  out.u16be(h.dst);
  if (h.type == NetFrameType::sync_response)
    out.u32be(h.time);
  else
    out.u16be(static_cast<std::uint16_t>(h.time & 0xffffU));
  out.u8(h.seq);
  out.u8(h.ttl);
  return out.error();
}

NetFrameType peek_net_frame_type(std::span<const std::uint8_t> frame) noexcept {
  if (frame.empty()) return NetFrameType::data;
  return static_cast<NetFrameType>((frame[0] >> 4) & 0x03U);
}

NetNonce network_nonce(std::uint16_t net_id, std::uint16_t src, std::uint32_t global_time,
                       std::uint8_t seq) noexcept {
  NetNonce n{};
  n[0] = 0x01;  // nonce kind: network frame (key deliveries use 0x02 under another key)
  n[1] = static_cast<std::uint8_t>(net_id >> 8);
  n[2] = static_cast<std::uint8_t>(net_id);
  n[3] = static_cast<std::uint8_t>(src >> 8);
  n[4] = static_cast<std::uint8_t>(src);
  n[5] = static_cast<std::uint8_t>(global_time >> 24);
  n[6] = static_cast<std::uint8_t>(global_time >> 16);
  n[7] = static_cast<std::uint8_t>(global_time >> 8);
  n[8] = static_cast<std::uint8_t>(global_time);
  n[9] = seq;
  return n;
}

WireError read_sync_request(std::span<const std::uint8_t> body, SyncRequestBody& out) noexcept {
  BoundedReader in(body);
  in.copy_to(out.challenge);
  out.key_epoch = in.u32be();
  return in.finish();
}

WireError write_sync_request(BoundedWriter& out, const SyncRequestBody& body) noexcept {
  out.bytes(body.challenge);
  out.u32be(body.key_epoch);
  return out.error();
}

}  // namespace meshsec::wire
