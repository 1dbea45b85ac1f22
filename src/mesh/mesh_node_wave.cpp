// MeshNode's part in the firmware wave (docs/dissemination.md §The wave): following a signed
// announcement, the gateway's plan and start, taking fragments from the upstream relay and
// sending its own in the slots the plan gives it.
#include "mesh/mesh_node.hpp"

#include <limits>

#include "wire/bounded_writer.hpp"
#include "wire/net_token.hpp"

namespace meshsec::mesh {

void MeshNode::handle_wave(node::NodeId sender, std::span<const std::uint8_t> body) noexcept {
  WaveView f;
  if (!parse_wave(body, f)) {
    drop(node::DropReason::malformed);
    return;
  }
  // TSCH-style keep-alive: a frame from our upstream ends at a time the schedule fixes, so
  // it corrects our clock (within the guard; anything further off is not trusted).
  const std::uint64_t flight = config_.turnaround_us + frame_airtime_us(config_, rx_frame_size_);
  const std::uint64_t expected = wave_.expected_end_us(sender, f, flight);
  if (expected != 0 && fine_synced_ && config_.role != Role::gateway) {
    const auto error = static_cast<std::int64_t>(expected) - static_cast<std::int64_t>(global_us());
    if (error > -static_cast<std::int64_t>(wave_.announcement().guard_us) &&
        error < static_cast<std::int64_t>(wave_.announcement().guard_us))
      offset_us_ += error;
  }
  HeaderOutcome header = HeaderOutcome::duplicate;
  const ChunkOutcome o = wave_.on_fragment(sender, f, disseminator_, view(), header);
  switch (o) {
    case ChunkOutcome::rejected:
      drop(f.item == 0 ? node::DropReason::bad_blob_header : node::DropReason::bad_chunk);
      break;
    case ChunkOutcome::duplicate: drop(node::DropReason::duplicate); break;
    case ChunkOutcome::out_of_order: drop(node::DropReason::out_of_order); break;
    case ChunkOutcome::stored:
      if (current_ != nullptr) {
        if (f.item == 0) current_->header_accepted = header == HeaderOutcome::accepted;
        else current_->chunk_stored = true;
      }
      break;
    case ChunkOutcome::partial: break;
  }
}

std::uint64_t MeshNode::radio_channel_stable_until() const noexcept {
  const std::uint64_t until = wave_.channel_stable_until(global_us());
  return until == std::numeric_limits<std::uint64_t>::max() ? until : local_of(until);
}

bool MeshNode::follow_wave(const WaveAnnouncement& announcement) noexcept {
  if (!wave_.announce(announcement)) return false;
  disseminator_.follow_wave(local_of(wave_.end_us()), wave_.assignment().relay);
  return true;
}

bool MeshNode::gateway_plan_wave(std::uint64_t lead_us, std::uint8_t parity, WaveAnnouncement& out) const noexcept {
  if (config_.role != Role::gateway || !wave_.assignment().in_plan) return false;
  const std::uint64_t slot = config_.turnaround_us + frame_airtime_us(config_, net::NetworkLayer::max_radio_frame) + 40;
  const std::uint16_t guard = 800;
  return slot <= 0xFFFF && WaveEngine::plan_announcement(disseminator_, global_us() + lead_us, parity,
                                                         static_cast<std::uint16_t>(slot), guard, out);
}

bool MeshNode::gateway_start_wave(const WaveAnnouncement& signed_announcement) noexcept {
  if (config_.role != Role::gateway || !wave_.assignment().in_plan) return false;
  std::array<std::uint8_t, wave_announcement_size> body{};
  if (encode_wave_announcement(signed_announcement, body) != body.size()) return false;
  // Twice: a node that missed the first copy of the flood has a second chance.
  if (!send_downlink(body)) return false;
  (void)send_downlink(body);
  follow_wave(signed_announcement);
  schedule();
  return true;
}

void MeshNode::send_wave_fragment() noexcept {
  std::uint16_t item = 0;
  std::uint8_t number = 0;
  std::array<std::uint8_t, wave_fragment_size> data{};
  if (platform_.radio_busy() || !wave_.take_fragment(global_us(), disseminator_, store_, item, number, data)) return;
  std::array<std::uint8_t, max_message_size> message{};
  MeshHeader h = own_header(MessageType::wave);
  h.seq = ++seq_;
  const std::size_t n = encode_wave(h, item, number, data, message);
  if (n != 0) transmit_in_slot(MessageType::wave, std::span<const std::uint8_t>(message).first(n));
}

void MeshNode::transmit_in_slot(MessageType type, std::span<const std::uint8_t> message) noexcept {
  std::array<std::uint8_t, max_message_size + 2> tokens{};
  wire::BoundedWriter w(tokens);
  if (wire::write_token(w, mesh_token_type, message) != wire::WireError::ok) return;
  std::size_t len = 0;
  if (net_.send(wire::NetLayout::broadcast, std::span<const std::uint8_t>(tokens).first(w.size()), tx_frame_, len, 1) !=
      net::SendError::ok)
    return;
  // A scheduled slot: no carrier sense (the schedule keeps the channel ours).
  if (platform_.transmit(std::span<const std::uint8_t>(tx_frame_).first(len))) ++sent_[static_cast<std::size_t>(type)];
}

}  // namespace meshsec::mesh
