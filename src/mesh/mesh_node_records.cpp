// MeshNode's sealed records (M9, docs/simulator.md §Phases): joining, the back office's
// commissioning and wave parts, and the records a node sends up under its own key.
#include "mesh/mesh_node.hpp"

#include <algorithm>

#include "crypto/secure_memory.hpp"
#include "wire/bounded_reader.hpp"
#include "wire/bounded_writer.hpp"

namespace meshsec::mesh {

bool MeshNode::join_unblocked() const noexcept {
  return !joined_ && config_.join && config_.role != Role::gateway && time_settled() && hops_ != 0xFF &&
         parent_ != node::no_node;
}

std::uint64_t MeshNode::rejoin_interval_us() const noexcept {
  // Parents change often on lossy links, so in a large mesh the rejoins add up to a steady
  // load on the gateway's neighbourhood: at most four join spreads' worth of nodes, each
  // once per interval, keeps it a quarter of the load of the first joins.
  return std::max<std::uint64_t>(min_rejoin_interval_us, 4 * config_.join_spread_us);
}

std::uint64_t MeshNode::join_spread_draw() noexcept {
  return config_.join_spread_us == 0 ? 0 : platform_.random_u32() % config_.join_spread_us;
}

void MeshNode::maybe_join(std::uint64_t now) noexcept {
  if (!join_unblocked()) return;
  if (join_at_us_ == 0) {
    join_at_us_ = now + join_spread_draw() + 1;
    return;
  }
  // Not while a firmware wave runs: its schedule keeps the channels for the wave. A join
  // that fell due before the wave's end goes out at a moment drawn within the join spread
  // after it, as at boot, not as it ends: at 3,000 nodes the joins the wave held back, all
  // at once, kept the mesh's uplinks storming for seconds. (Whether or not this node woke
  // during the wave: one that sleeps through it is woken at its end, and draws then.)
  if (wave_.following()) {
    const std::uint64_t end = local_of(wave_.end_us());
    if (join_at_us_ < end) {
      join_at_us_ = end + join_spread_draw() + 1;
      return;
    }
  }
  if (now < join_at_us_ || free_slot() == nullptr) return;
  joined_ = true;
  last_join_us_ = now;
  ++joins_sent_;
  std::array<std::uint8_t, 3> plain{};
  wire::BoundedWriter w(plain);
  w.u8(hops_);
  w.u16be(parent_);
  queue_record_uplink(node::RecordKind::join, plain);
}

void MeshNode::apply_records(std::span<const std::uint8_t> payload) noexcept {
  // records = kind ‖ record kind ‖ count ‖ record size ‖ count × record
  wire::BoundedReader r(payload);
  (void)r.u8();
  const auto kind = static_cast<node::RecordKind>(r.u8());
  const std::uint8_t count = r.u8();
  const std::uint8_t size = r.u8();
  if (!r.ok() || size < node::record_overhead || r.remaining() != static_cast<std::size_t>(count) * size) {
    drop(node::DropReason::malformed);
    return;
  }
  // What the back office may send a node, the size of its plaintext, and the counter that
  // orders records of that kind (the record key binds the kind: one kind cannot pass for another).
  std::size_t plain_size = 0;
  std::uint32_t node::RecordNvState::*last = nullptr;
  node::RecordKind ack_kind{};
  if (kind == node::RecordKind::commission) {
    plain_size = commission_params_size;
    last = &node::RecordNvState::commission_applied;
    ack_kind = node::RecordKind::commission_ack;
  } else if (kind == node::RecordKind::wave_part) {
    plain_size = wave_part_size;
    last = &node::RecordNvState::wave_part_applied;
    ack_kind = node::RecordKind::wave_part_ack;
  } else if (kind == node::RecordKind::link_report_request) {
    plain_size = 2;  // survey u16
    last = &node::RecordNvState::report_request_applied;
    ack_kind = node::RecordKind::link_report;  // the answer is the report itself
  }
  for (std::uint8_t i = 0; i < count; ++i) {
    const auto record = r.bytes(size);
    if (node::record_node(record) != id_) continue;
    std::array<std::uint8_t, std::max(commission_params_size, wave_part_size)> buffer{};
    if (last == nullptr || size - node::record_overhead != plain_size) {
      drop(node::DropReason::not_whitelisted);
      return;
    }
    const auto plain = std::span<std::uint8_t>(buffer).first(plain_size);
    std::uint32_t counter = 0;
    if (!sealer_.open(kind, node::RecordDirection::downlink, id_, record, counter, plain)) {
      drop(node::DropReason::bad_record);
      return;
    }
    // A record seen before is acknowledged again (our ack may have been lost) but not
    // applied twice; an older one is a replay.
    if (counter < records_nv_.*last) {
      drop(node::DropReason::record_replay);
      crypto::secure_wipe(buffer.data(), buffer.size());
      return;
    }
    // A new record's counter is made durable before it is applied: after a reboot an older
    // one replayed must still be refused (node/record_nv_state.hpp). A flash that takes no
    // write leaves it unapplied and unacknowledged; the back office sends it again.
    const bool fresh = counter > records_nv_.*last;
    if (fresh) {
      node::RecordNvState next = records_nv_;
      next.*last = counter;
      if (kind == node::RecordKind::commission) {
        std::copy(plain.begin(), plain.end(), next.commission.begin());
        next.commissioned = true;
      }
      if (!record_nv_.store(next)) {
        crypto::secure_wipe(buffer.data(), buffer.size());
        drop(node::DropReason::nv_write_failed);
        return;
      }
      records_nv_ = next;
    }
    // A report request changes nothing here; it is answered as other records are
    // acknowledged, again when it comes again.
    const bool request = kind == node::RecordKind::link_report_request;
    const auto survey = request ? static_cast<std::uint16_t>(plain[0] << 8U | plain[1]) : std::uint16_t{0};
    const bool applied = request || !fresh ||
                         (kind == node::RecordKind::commission ? apply_commission(plain) : apply_wave_part(plain));
    crypto::secure_wipe(buffer.data(), buffer.size());
    if (!applied) {
      drop(node::DropReason::malformed);  // authentic, but not a layout this node knows
      return;
    }
    if (request) {
      answer_report_request(survey);
      return;
    }
    std::array<std::uint8_t, 4> ack{};
    wire::BoundedWriter w(ack);
    w.u32be(counter);
    queue_record_uplink(ack_kind, ack);
    return;
  }
}

bool MeshNode::apply_commission(std::span<const std::uint8_t> plain) noexcept {
  wire::BoundedReader p(plain);
  CommissionParams params;
  params.report_interval_s = p.u16be();
  params.group = p.u16be();
  params.role = p.u8();
  params.tx_power = p.u8();
  params.reserved = p.u16be();
  if (p.finish() != wire::WireError::ok) return false;
  params_ = params;
  commissioned_ = true;
  return true;
}

bool MeshNode::apply_wave_part(std::span<const std::uint8_t> plain) noexcept {
  WaveAssignment part;
  if (!parse_wave_part(plain, part)) return false;
  wave_.assign(part);
  return true;
}

void MeshNode::acknowledge_key(std::uint32_t epoch, std::uint64_t delay_us) noexcept {
  std::array<std::uint8_t, 4> ack{};
  wire::BoundedWriter w(ack);
  w.u32be(epoch);
  queue_record_uplink(node::RecordKind::key_ack, ack, delay_us);
}

std::uint32_t MeshNode::next_uplink_counter() noexcept {
  if (uplink_counter_ == UINT32_MAX) return 0;  // 4·10^9 records: the key must be replaced first
  const std::uint32_t counter = uplink_counter_ + 1;
  if (counter > records_nv_.uplink_reserved_until) {
    node::RecordNvState next = records_nv_;
    next.uplink_reserved_until = counter + std::min(record_counter_block, UINT32_MAX - counter);
    if (!record_nv_.store(next)) return 0;
    records_nv_ = next;
  }
  uplink_counter_ = counter;
  return counter;
}

void MeshNode::queue_record_uplink(node::RecordKind kind, std::span<const std::uint8_t> plaintext,
                                   std::uint64_t delay_us) noexcept {
  FloodSlot* slot = free_slot();
  AppBody app;
  if (slot == nullptr || plaintext.size() + node::record_overhead + 1 > app.payload.size()) {
    ++uplinks_abandoned_;
    return;
  }
  const std::uint32_t counter = next_uplink_counter();
  if (counter == 0) {
    ++uplinks_abandoned_;
    return;
  }
  app.payload[0] = static_cast<std::uint8_t>(kind);
  const std::size_t n = sealer_.seal(kind, node::RecordDirection::uplink, id_, counter, plaintext,
                                     std::span<std::uint8_t>(app.payload).subspan(1));
  if (n == 0) return;
  app.destination = 0;
  app.length = static_cast<std::uint16_t>(n + 1);
  MeshHeader h = own_header(MessageType::uplink);
  h.seq = ++seq_;
  h.ttl = config_.flood_ttl;
  h.flags = 0;
  std::array<std::uint8_t, max_message_size> buffer{};
  const std::size_t len = encode_app(h, app, buffer);
  if (len <= mesh_header_size) return;
  const auto carried = std::span<const std::uint8_t>(buffer).subspan(mesh_header_size, len - mesh_header_size);
  (void)duplicates_.insert(flood_key(h, carried));
  fill_slot(*slot, h, carried,
            platform_.local_us() + delay_us + backoff_us(0, config_.backoff_slots));
  schedule();
}

}  // namespace meshsec::mesh
