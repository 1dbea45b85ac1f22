#include "sim/back_office.hpp"

#include <algorithm>

#include <array>
#include <stdexcept>

#include "crypto/aead.hpp"
#include "crypto/secure_memory.hpp"
#include "net/key_delivery_crypto.hpp"
#include "wire/bounded_reader.hpp"
#include "wire/bounded_writer.hpp"
#include "wire/key_delivery.hpp"

namespace meshsec::sim {

BackOffice::BackOffice(const KeyProvisioning& keys, std::uint32_t node_count, std::uint16_t net_id)
    : keys_(keys), net_id_(net_id) {
  const std::size_t size = static_cast<std::size_t>(node_count) + 1;
  sealers_.resize(size);
  last_counter_.assign(size, 0);
  commission_counter_.assign(size, 0);
  commission_acked_.assign(size, false);
  parts_.assign(size, mesh::WaveAssignment{});
  part_counter_.assign(size, 0);
  part_acked_.assign(size, false);
  joined_.assign(size, false);
  link_reports_.assign(size, std::nullopt);
  key_acked_.assign(size, 1);
  readings_.assign(size, 0);
  for (std::uint32_t id = 1; id <= node_count; ++id) {
    crypto::SecretArray<16> e2;
    keys.node_key(id, keys::KeyPurpose::e2, e2);
    auto sealer = std::make_unique<node::RecordSealer>();
    if (!sealer->init(e2.span())) throw std::runtime_error("back office: record key");
    sealers_[id] = std::move(sealer);
  }
}

std::vector<std::uint8_t> BackOffice::reading_plaintext(node::NodeId node, std::uint32_t seq) {
  std::vector<std::uint8_t> p(reading_marker.begin(), reading_marker.end());
  p.push_back(static_cast<std::uint8_t>(node >> 8));
  p.push_back(static_cast<std::uint8_t>(node));
  for (int s = 24; s >= 0; s -= 8) p.push_back(static_cast<std::uint8_t>(seq >> s));
  p.push_back(static_cast<std::uint8_t>(20 + node % 10));  // "temperature"
  return p;
}

void BackOffice::on_uplink(node::NodeId origin, std::span<const std::uint8_t> payload) noexcept {
  (void)origin;  // unauthenticated routing field: the record names (and proves) its node
  if (payload.size() < 1 + node::record_overhead) {
    ++rejected_;
    return;
  }
  const auto kind = static_cast<node::RecordKind>(payload[0]);
  const auto record = payload.subspan(1);
  const node::NodeId claimed = node::record_node(record);
  if (claimed == 0 || claimed >= sealers_.size() || !sealers_[claimed]) {
    ++rejected_;
    return;
  }
  std::array<std::uint8_t, mesh::max_app_payload - 1 - node::record_overhead> plain{};
  const std::size_t n = record.size() - node::record_overhead;
  std::uint32_t counter = 0;
  if (n > plain.size() ||
      !sealers_[claimed]->open(kind, node::RecordDirection::uplink, claimed, record, counter,
                               std::span<std::uint8_t>(plain).first(n))) {
    ++rejected_;
    return;
  }
  if (counter <= last_counter_[claimed]) {
    ++rejected_;  // replayed record
    return;
  }
  if (revoked_.count(claimed) != 0) {
    ++rejected_revoked_;
    return;
  }
  last_counter_[claimed] = counter;
  wire::BoundedReader r(std::span<const std::uint8_t>(plain).first(n));
  switch (kind) {
    case node::RecordKind::reading:
      if (n >= reading_marker.size() + 6) {
        wire::BoundedReader seq_reader(std::span<const std::uint8_t>(plain).subspan(reading_marker.size() + 2, 4));
        if (seq_reader.u32be() >= forged_seq_base) ++forged_accepted_;
      }
      ++readings_[claimed];
      ++readings_total_;
      break;
    case node::RecordKind::commission_ack:
      if (r.u32be() == commission_counter_[claimed] && r.finish() == wire::WireError::ok) commission_acked_[claimed] = true;
      break;
    case node::RecordKind::wave_part_ack:
      if (r.u32be() == part_counter_[claimed] && r.finish() == wire::WireError::ok) part_acked_[claimed] = true;
      break;
    case node::RecordKind::join:
      // hops u8 ‖ parent u16: where the node sits (an operator's map); the route back to
      // it is what the mesh learned from the record's path.
      (void)r.u8();
      (void)r.u16be();
      if (r.finish() == wire::WireError::ok) joined_[claimed] = true;
      break;
    case node::RecordKind::link_report: {
      mesh::LinkReport report;
      if (!mesh::parse_link_report(std::span<const std::uint8_t>(plain).first(n), report)) {
        ++rejected_;
        break;
      }
      auto& stored = link_reports_[claimed];
      if (!stored || stored->rounds != report.rounds) stored = ReportedLinks{report.rounds, {}, {}, false};
      stored->parts[report.part] = true;
      if (report.part == 0) stored->second_follows = report.more;
      for (const auto& l : report.entries()) {
        const auto same = std::find_if(stored->links.begin(), stored->links.end(),
                                       [&](const auto& k) { return k.neighbour == l.neighbour; });
        if (same != stored->links.end()) *same = l;
        else stored->links.push_back(l);
      }
      break;
    }
    case node::RecordKind::key_ack: {
      const std::uint32_t epoch = r.u32be();
      if (r.finish() == wire::WireError::ok && epoch > key_acked_[claimed]) key_acked_[claimed] = epoch;
      break;
    }
    default: ++rejected_; break;
  }
}

std::vector<std::vector<std::uint8_t>> BackOffice::record_bodies(
    node::RecordKind kind, std::size_t plain_size, const std::vector<node::NodeId>& targets,
    const std::function<std::uint32_t(node::NodeId, std::span<std::uint8_t>)>& plaintext_for) {
  const std::size_t record_size = node::record_overhead + plain_size;
  const std::size_t per_body = (mesh::max_app_payload - 4) / record_size;
  std::vector<std::vector<std::uint8_t>> bodies;
  std::array<std::uint8_t, 32> plain{};
  if (plain_size > plain.size()) throw std::runtime_error("back office: record plaintext too long");
  for (std::size_t i = 0; i < targets.size(); i += per_body) {
    const std::size_t count = std::min(per_body, targets.size() - i);
    std::vector<std::uint8_t> body(4 + count * record_size);
    body[0] = static_cast<std::uint8_t>(mesh::DownlinkKind::records);
    body[1] = static_cast<std::uint8_t>(kind);
    body[2] = static_cast<std::uint8_t>(count);
    body[3] = static_cast<std::uint8_t>(record_size);
    for (std::size_t k = 0; k < count; ++k) {
      const node::NodeId id = targets[i + k];
      const auto p = std::span<std::uint8_t>(plain).first(plain_size);
      const std::uint32_t counter = plaintext_for(id, p);
      if (sealers_[id]->seal(kind, node::RecordDirection::downlink, id, counter, p,
                             std::span<std::uint8_t>(body).subspan(4 + k * record_size, record_size)) == 0)
        throw std::runtime_error("back office: record seal failed");
    }
    bodies.push_back(std::move(body));
  }
  crypto::secure_wipe(plain.data(), plain.size());
  return bodies;
}

std::vector<std::vector<std::uint8_t>> BackOffice::commission_bodies(const std::vector<node::NodeId>& targets) {
  return record_bodies(node::RecordKind::commission, mesh::commission_params_size, targets,
                       [&](node::NodeId id, std::span<std::uint8_t> params) {
                         // The same record is re-sent until acknowledged (same counter, same bytes).
                         if (commission_counter_[id] == 0) commission_counter_[id] = 1;
                         wire::BoundedWriter w(params);
                         w.u16be(static_cast<std::uint16_t>(60 + id % 240));  // report interval, s
                         w.u16be(static_cast<std::uint16_t>(id % 16));        // group
                         w.u8(1);                                              // role: sensor
                         w.u8(4);                                              // tx power step
                         w.u16be(0);
                         return commission_counter_[id];
                       });
}

void BackOffice::set_wave_parts(const std::vector<mesh::WaveAssignment>& parts) {
  for (node::NodeId id = 1; id < parts.size() && id < parts_.size(); ++id) {
    const auto& p = parts[id];
    auto& held = parts_[id];
    std::array<std::uint8_t, mesh::wave_part_size> bytes{};
    if (mesh::encode_wave_part(p, bytes) != bytes.size()) throw std::runtime_error("back office: wave part out of range");
    // A new part needs a new counter: sealing other bytes under a used one would reuse a nonce.
    if (part_counter_[id] == 0 || !(p == held)) {
      held = p;
      ++part_counter_[id];
      part_acked_[id] = false;
    }
  }
}

std::vector<std::vector<std::uint8_t>> BackOffice::wave_part_bodies(const std::vector<node::NodeId>& targets) {
  return record_bodies(node::RecordKind::wave_part, mesh::wave_part_size, targets,
                       [&](node::NodeId id, std::span<std::uint8_t> plain) {
                         if (mesh::encode_wave_part(parts_[id], plain) != plain.size())
                           throw std::runtime_error("back office: wave part encoding");
                         return part_counter_[id];
                       });
}

std::vector<std::vector<std::uint8_t>> BackOffice::link_report_request_bodies(const std::vector<node::NodeId>& targets,
                                                                             std::uint16_t survey) {
  return record_bodies(node::RecordKind::link_report_request, 2, targets, [&](node::NodeId, std::span<std::uint8_t> plain) {
    plain[0] = static_cast<std::uint8_t>(survey >> 8U);
    plain[1] = static_cast<std::uint8_t>(survey);
    return std::uint32_t{survey};
  });
}

std::vector<std::vector<std::uint8_t>> BackOffice::key_delivery_bodies(const std::vector<node::NodeId>& targets,
                                                                        std::uint32_t epoch,
                                                                        std::span<const std::uint8_t> key) {
  std::vector<std::vector<std::uint8_t>> bodies;
  for (node::NodeId id : targets) {
    crypto::SecretArray<16> enc;
    keys_.node_key(id, keys::KeyPurpose::enc, enc);
    crypto::AesAead kek;
    if (net::init_key_encryption_key(kek, enc.span()) != crypto::Status::ok)
      throw std::runtime_error("back office: key-encryption key");
    std::vector<std::uint8_t> body(1 + wire::KeyDeliveryLayout::size_256);
    body[0] = static_cast<std::uint8_t>(mesh::DownlinkKind::key_delivery);
    std::size_t len = 0;
    if (net::seal_key_delivery(kek, net_id_, id, epoch, wire::KeyDeliveryLayout::flag_staged, key,
                               std::span<std::uint8_t>(body).subspan(1), len) != net::BuildError::ok)
      throw std::runtime_error("back office: key delivery seal failed");
    body.resize(1 + len);
    bodies.push_back(std::move(body));
  }
  return bodies;
}

BackOffice::CoverRekeyFloods BackOffice::cover_rekey(std::uint32_t epoch, std::span<const std::uint8_t> key,
                                                     std::uint8_t ack_one_in) const {
  const std::vector<node::NodeId> revoked(revoked_.begin(), revoked_.end());
  if (revoked.size() > mesh::cover_max_revoked) throw std::runtime_error("back office: too many revoked nodes for one list");
  CoverRekeyFloods out;
  const std::size_t parts = std::max<std::size_t>(1, (revoked.size() + mesh::cover_ids_per_part - 1) / mesh::cover_ids_per_part);
  for (std::size_t p = 0; p < parts; ++p) {
    mesh::CoverAnnouncement a;
    a.net_id = net_id_;
    a.epoch = epoch;
    a.part = static_cast<std::uint8_t>(p);
    a.parts = static_cast<std::uint8_t>(parts);
    a.ack_one_in = ack_one_in;
    for (std::size_t i = p * mesh::cover_ids_per_part; i < revoked.size() && a.count < mesh::cover_ids_per_part; ++i)
      a.revoked[a.count++] = revoked[i];
    out.parts.push_back(a);
  }
  out.commitment.net_id = net_id_;
  out.commitment.epoch = epoch;
  if (!mesh::commit_cover_key(net_id_, epoch, key, out.commitment.commitment))
    throw std::runtime_error("back office: cover key commitment failed");
  // The cover, restricted to subsets that hold a node of this network: the one subset each
  // member lies in (keys/cover_tree.hpp), as each member works it out for itself.
  std::set<keys::SubtreeIndex> cover;
  for (std::uint32_t id = 2; id < sealers_.size(); ++id) {
    const auto subset = keys::covering_subtree(static_cast<node::NodeId>(id), revoked);
    if (subset != keys::no_subtree) cover.insert(subset);
  }
  for (const auto subset : cover) {
    crypto::SecretArray<16> subset_key;
    keys_.cover_key(subset, subset_key);
    crypto::AesAead aead;
    std::vector<std::uint8_t> body(mesh::cover_key_max_size);
    const std::size_t len = mesh::init_cover_key(aead, subset_key.span()) == crypto::Status::ok
                                ? mesh::seal_cover_key(aead, net_id_, epoch, subset, key, body)
                                : 0;
    if (len == 0) throw std::runtime_error("back office: cover key seal failed");
    body.resize(len);
    out.sealed_keys.push_back(std::move(body));
  }
  return out;
}

std::vector<std::uint8_t> BackOffice::key_phase_body(std::uint32_t epoch, std::uint8_t phase) {
  std::vector<std::uint8_t> body(6);
  body[0] = static_cast<std::uint8_t>(mesh::DownlinkKind::key_phase);
  for (std::size_t i = 0; i < 4; ++i) body[1 + i] = static_cast<std::uint8_t>(epoch >> (24 - 8 * i));
  body[5] = phase;
  return body;
}

}  // namespace meshsec::sim
