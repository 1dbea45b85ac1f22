#include "mesh/mesh_message.hpp"

#include "wire/bounded_reader.hpp"
#include "wire/bounded_writer.hpp"

namespace meshsec::mesh {
namespace {

void write_header(wire::BoundedWriter& w, const MeshHeader& h) noexcept {
  w.u8(static_cast<std::uint8_t>(h.type));
  w.u16be(h.origin);
  w.u16be(h.seq);
  w.u8(h.ttl);
  w.u8(h.hops);
  w.u16be(h.parent);
  w.u8(h.flags);
}

std::size_t done(const wire::BoundedWriter& w) noexcept { return w.ok() ? w.size() : 0; }

void write_app(wire::BoundedWriter& w, const AppBody& b) noexcept {
  w.u16be(b.destination);
  w.u16be(b.length);
  w.bytes(std::span<const std::uint8_t>(b.payload).first(b.length));
}

bool read_app(wire::BoundedReader& r, AppBody& b, std::size_t max_payload) noexcept {
  b.destination = r.u16be();
  b.length = r.u16be();
  if (b.length > max_payload) return false;
  if (!r.copy_to(std::span<std::uint8_t>(b.payload).first(b.length))) return false;
  return r.finish() == wire::WireError::ok;
}

}  // namespace

std::size_t encode_header_only(const MeshHeader& h, std::span<std::uint8_t> out) noexcept {
  wire::BoundedWriter w(out);
  write_header(w, h);
  return done(w);
}

std::size_t encode_beacon(const MeshHeader& h, const BeaconBody& b, std::span<std::uint8_t> out) noexcept {
  wire::BoundedWriter w(out);
  write_header(w, h);
  w.u32be(b.round);
  w.u64be(b.global_us);
  w.u8(b.degree);
  w.u8(b.chain_hops);
  w.bytes(b.chain);
  if (b.opens_next) w.bytes(b.next_window);
  return done(w);
}

std::size_t encode_app(const MeshHeader& h, const AppBody& b, std::span<std::uint8_t> out) noexcept {
  if (b.length > max_app_payload) return 0;
  wire::BoundedWriter w(out);
  write_header(w, h);
  write_app(w, b);
  return done(w);
}

std::size_t encode_routed(const MeshHeader& h, const RoutedBody& b, std::span<std::uint8_t> out) noexcept {
  if (b.app.length > max_routed_payload) return 0;
  wire::BoundedWriter w(out);
  write_header(w, h);
  w.u16be(b.via);
  write_app(w, b.app);
  return done(w);
}

std::size_t encode_advert(const MeshHeader& h, const AdvertBody& b, std::span<std::uint8_t> out) noexcept {
  wire::BoundedWriter w(out);
  write_header(w, h);
  w.bytes(b.blob_id);
  w.u32be(b.security_counter);
  w.u16be(b.chunk_count);
  w.u16be(b.present);
  w.u16be(b.first_missing);
  return done(w);
}

std::size_t encode_request_body(const RequestBody& b, std::span<std::uint8_t> out) noexcept {
  wire::BoundedWriter w(out);
  w.u16be(b.target);
  w.bytes(b.blob_id);
  w.u8(b.want_header);
  w.u16be(b.base);
  w.u64be(b.mask);
  return done(w);
}

namespace {
// fragment and wave share one body layout: index/item u16 ‖ number u8 ‖ data.
std::size_t encode_numbered(const MeshHeader& h, std::uint16_t index, std::uint8_t number,
                            std::span<const std::uint8_t> data, std::span<std::uint8_t> out) noexcept {
  wire::BoundedWriter w(out);
  write_header(w, h);
  w.u16be(index);
  w.u8(number);
  w.bytes(data);
  return done(w);
}
}  // namespace

std::size_t encode_fragment(const MeshHeader& h, std::uint16_t index, std::uint8_t number,
                            std::span<const std::uint8_t> data, std::span<std::uint8_t> out) noexcept {
  if (data.empty() || data.size() > fragment_data_size) return 0;
  return encode_numbered(h, index, number, data, out);
}

std::size_t encode_wave(const MeshHeader& h, std::uint16_t item, std::uint8_t number,
                        std::span<const std::uint8_t> data, std::span<std::uint8_t> out) noexcept {
  if (data.size() != wave_payload_size) return 0;
  return encode_numbered(h, item, number, data, out);
}

namespace {
void write_wave_schedule(wire::BoundedWriter& w, const WaveAnnouncement& a) noexcept {
  w.u64be(a.t0_us);
  w.u16be(a.items);
  w.u8(a.per_period);
  w.u16be(a.slot_us);
  w.u16be(a.guard_us);
}
}  // namespace

std::size_t encode_wave_announcement(const WaveAnnouncement& a, std::span<std::uint8_t> out) noexcept {
  wire::BoundedWriter w(out);
  w.u8(wave_announcement_kind);
  w.u8(a.blob_id[0]);
  write_wave_schedule(w, a);
  w.bytes(a.signature);
  return done(w);
}

std::size_t wave_announcement_signed_message(const WaveAnnouncement& a, std::span<std::uint8_t> out) noexcept {
  wire::BoundedWriter w(out);
  w.bytes(wave_announcement_domain);
  w.bytes(a.blob_id);
  write_wave_schedule(w, a);
  return done(w);
}

std::size_t encode_raw(const MeshHeader& h, std::span<const std::uint8_t> body, std::span<std::uint8_t> out) noexcept {
  wire::BoundedWriter w(out);
  write_header(w, h);
  w.bytes(body);
  return done(w);
}

bool parse_header(std::span<const std::uint8_t> message, MeshHeader& h, std::span<const std::uint8_t>& body) noexcept {
  wire::BoundedReader r(message);
  const std::uint8_t type = r.u8();
  h.origin = r.u16be();
  h.seq = r.u16be();
  h.ttl = r.u8();
  h.hops = r.u8();
  h.parent = r.u16be();
  h.flags = r.u8();
  body = r.rest();
  if (!r.ok() || type < static_cast<std::uint8_t>(MessageType::beacon) ||
      type > static_cast<std::uint8_t>(MessageType::checkpoint) || (h.flags & ~known_flags) != 0)
    return false;
  h.type = static_cast<MessageType>(type);
  return true;
}

bool parse_beacon(std::span<const std::uint8_t> body, BeaconBody& b) noexcept {
  wire::BoundedReader r(body);
  b.round = r.u32be();
  b.global_us = r.u64be();
  b.degree = r.u8();
  b.chain_hops = r.u8();
  (void)r.copy_to(b.chain);
  b.opens_next = r.remaining() == b.next_window.size();
  if (b.opens_next) (void)r.copy_to(b.next_window);
  return r.finish() == wire::WireError::ok;
}

bool parse_app(std::span<const std::uint8_t> body, AppBody& b) noexcept {
  wire::BoundedReader r(body);
  return read_app(r, b, max_app_payload);
}

bool parse_routed(std::span<const std::uint8_t> body, RoutedBody& b) noexcept {
  wire::BoundedReader r(body);
  b.via = r.u16be();
  if (!read_app(r, b.app, max_routed_payload)) return false;
  const auto named = [](node::NodeId id) { return id != 0 && id != node::broadcast_id && id != node::no_node; };
  return named(b.via) && named(b.app.destination);
}

RoutedAddresses routed_addresses(std::span<const std::uint8_t> body) noexcept {
  wire::BoundedReader r(body);
  RoutedAddresses a;
  const node::NodeId via = r.u16be();
  const node::NodeId destination = r.u16be();
  if (r.ok()) a = {via, destination};
  return a;
}

bool parse_advert(std::span<const std::uint8_t> body, AdvertBody& b) noexcept {
  wire::BoundedReader r(body);
  r.copy_to(b.blob_id);
  b.security_counter = r.u32be();
  b.chunk_count = r.u16be();
  b.present = r.u16be();
  b.first_missing = r.u16be();
  return r.finish() == wire::WireError::ok && b.present <= b.chunk_count;
}

bool parse_request(std::span<const std::uint8_t> body, RequestBody& b) noexcept {
  wire::BoundedReader r(body);
  b.target = r.u16be();
  r.copy_to(b.blob_id);
  b.want_header = r.u8();
  b.base = r.u16be();
  b.mask = r.u64be();
  return r.finish() == wire::WireError::ok && b.want_header <= want_fragments;
}

}  // namespace meshsec::mesh

namespace meshsec::mesh {

std::size_t encode_ack(const MeshHeader& h, const AckBody& b, std::span<std::uint8_t> out) noexcept {
  if (b.count == 0 || b.count > max_ack_entries) return 0;
  wire::BoundedWriter w(out);
  write_header(w, h);
  w.u8(b.count);
  for (std::size_t i = 0; i < b.count; ++i) {
    w.u16be(b.entries[i].origin);
    w.u16be(b.entries[i].seq);
  }
  return done(w);
}

bool parse_ack(std::span<const std::uint8_t> body, AckBody& b) noexcept {
  wire::BoundedReader r(body);
  b.count = r.u8();
  if (!r.ok() || b.count == 0 || b.count > max_ack_entries) return false;
  for (std::size_t i = 0; i < b.count; ++i) {
    b.entries[i].origin = r.u16be();
    b.entries[i].seq = r.u16be();
  }
  return r.finish() == wire::WireError::ok;
}

bool parse_fragment(std::span<const std::uint8_t> body, FragmentView& f) noexcept {
  wire::BoundedReader r(body);
  f.index = r.u16be();
  f.number = r.u8();
  f.data = r.rest();
  return r.ok() && !f.data.empty() && f.data.size() <= fragment_data_size;
}

}  // namespace meshsec::mesh

namespace meshsec::mesh {

bool parse_wave(std::span<const std::uint8_t> body, WaveView& w) noexcept {
  wire::BoundedReader r(body);
  w.item = r.u16be();
  w.number = r.u8();
  w.data = r.bytes(wave_payload_size);
  return r.finish() == wire::WireError::ok && w.number < 32;
}

bool parse_wave_announcement(std::span<const std::uint8_t> body, WaveAnnouncement& a) noexcept {
  wire::BoundedReader r(body);
  const std::uint8_t kind = r.u8();
  a.blob_id = {};
  a.blob_id[0] = r.u8();  // the hint; the rest comes from the node's part
  a.t0_us = r.u64be();
  a.items = r.u16be();
  a.per_period = r.u8();
  a.slot_us = r.u16be();
  a.guard_us = r.u16be();
  r.copy_to(a.signature);
  return r.finish() == wire::WireError::ok && kind == wave_announcement_kind && a.items > 0 &&
         a.items <= firmware::blob::max_chunk_count + 1 && a.per_period >= 2 && a.per_period <= 32 &&
         a.slot_us >= 1000;
}

std::size_t encode_wave_part(const WaveAssignment& a, std::span<std::uint8_t> out) noexcept {
  if (out.size() < wave_part_size || a.tx_channel >= wave_part_channels || a.rx_channel >= wave_part_channels)
    return 0;
  wire::BoundedWriter w(out.first(wave_part_size));
  w.bytes(a.blob_id);
  w.u16be(a.level);
  w.u8(static_cast<std::uint8_t>((a.in_plan ? 1U : 0U) | (a.relay ? 2U : 0U)));
  w.u8(static_cast<std::uint8_t>(a.tx_channel << 4U | a.rx_channel));
  w.u16be(a.upstream);
  w.u8(a.parity);
  return w.ok() ? w.size() : 0;
}

bool parse_wave_part(std::span<const std::uint8_t> bytes, WaveAssignment& a) noexcept {
  wire::BoundedReader r(bytes);
  WaveAssignment p;
  r.copy_to(p.blob_id);
  p.level = r.u16be();
  const std::uint8_t flags = r.u8();
  const std::uint8_t channels = r.u8();
  p.upstream = r.u16be();
  p.parity = r.u8();
  if (r.finish() != wire::WireError::ok || (flags & ~3U) != 0) return false;
  p.in_plan = (flags & 1U) != 0;
  p.relay = (flags & 2U) != 0;
  p.tx_channel = static_cast<std::uint8_t>(channels >> 4U);
  p.rx_channel = static_cast<std::uint8_t>(channels & 0x0FU);
  // Out of the plan a node has no level, role or upstream; in it, a level fits the
  // planner's (below 0xFFFF) and the parity a period's room.
  if (!p.in_plan && (p.relay || p.level != 0 || p.upstream != node::no_node)) return false;
  if (p.tx_channel >= wave_part_channels || p.rx_channel >= wave_part_channels || p.level == 0xFFFF ||
      (p.parity > wave_part_max_parity && p.parity != 0xFF))
    return false;
  a = p;
  return true;
}

namespace {
void write_survey_fields(wire::BoundedWriter& w, const LinkSurvey& s) noexcept {
  w.u16be(s.survey);
  w.u64be(s.t0_us);
  w.u8(s.rounds);
  w.u16be(s.slot_us);
  w.u16be(s.slots);
  w.u8(s.spread_s);
}
}  // namespace

std::size_t encode_link_survey(const LinkSurvey& s, std::span<std::uint8_t> out) noexcept {
  if (out.size() < link_survey_size) return 0;
  wire::BoundedWriter w(out.first(link_survey_size));
  w.u8(link_survey_kind);
  write_survey_fields(w, s);
  w.bytes(s.signature);
  return w.ok() ? w.size() : 0;
}

std::size_t link_survey_signed_message(const LinkSurvey& s, std::span<std::uint8_t> out) noexcept {
  wire::BoundedWriter w(out);
  w.bytes(link_survey_domain);
  write_survey_fields(w, s);
  return done(w);
}

bool parse_link_survey(std::span<const std::uint8_t> body, LinkSurvey& s) noexcept {
  wire::BoundedReader r(body);
  const std::uint8_t kind = r.u8();
  LinkSurvey p;
  p.survey = r.u16be();
  p.t0_us = r.u64be();
  p.rounds = r.u8();
  p.slot_us = r.u16be();
  p.slots = r.u16be();
  p.spread_s = r.u8();
  r.copy_to(p.signature);
  if (r.finish() != wire::WireError::ok || kind != link_survey_kind || p.survey == 0 || p.rounds == 0 ||
      p.rounds > link_report_max_rounds || p.slot_us < 1000 || p.slots == 0 || p.spread_s == 0)
    return false;
  s = p;
  return true;
}

std::size_t encode_link_report(const LinkReport& report, std::span<std::uint8_t> out) noexcept {
  const std::size_t size = link_report_size(report.count);
  if (report.count > link_report_max_links || report.part > 1 || (report.part == 1 && report.more) ||
      out.size() < size)
    return 0;
  wire::BoundedWriter w(out.first(size));
  w.u8(report.rounds);
  w.u8(static_cast<std::uint8_t>((report.part == 1 ? 0x80U : 0U) | (report.more ? 0x40U : 0U) | report.count));
  for (const auto& l : report.entries()) {
    w.u16be(l.neighbour);
    w.u8(l.heard);
  }
  return w.ok() ? w.size() : 0;
}

bool parse_link_report(std::span<const std::uint8_t> bytes, LinkReport& report) noexcept {
  wire::BoundedReader r(bytes);
  LinkReport p;
  p.rounds = r.u8();
  const std::uint8_t part = r.u8();
  p.part = static_cast<std::uint8_t>(part >> 7);
  p.more = (part & 0x40U) != 0;
  p.count = static_cast<std::uint8_t>(part & 0x3FU);
  if (!r.ok() || p.rounds > link_report_max_rounds || p.count > link_report_max_links || (p.part == 1 && p.more))
    return false;
  for (std::size_t i = 0; i < p.count; ++i) {
    auto& l = p.links[i];
    l.neighbour = r.u16be();
    l.heard = r.u8();
    if (!r.ok() || l.neighbour == 0 || l.neighbour >= node::no_node || l.heard > p.rounds)
      return false;
    for (std::size_t j = 0; j < i; ++j)
      if (p.links[j].neighbour == l.neighbour) return false;
  }
  if (r.finish() != wire::WireError::ok) return false;
  report = p;
  return true;
}

}  // namespace meshsec::mesh
