// MeshNode's part in the beacon chain's checkpoints (chain_catch_up.hpp, docs/wire-format.md
// §6.5 "Checkpoints"): the gateway sends the one the back office signed, every node passes
// a new one on once, and a node whose chain check falls too far behind asks for one.
#include "mesh/mesh_node.hpp"

namespace meshsec::mesh {

std::uint32_t MeshNode::gateway_checkpoint_due() const noexcept {
  if (config_.role != Role::gateway || round_ == 0 || config_.chain_checkpoint_rounds == 0) return 0;
  // Nothing signed yet: the nodes trust the anchor, position 0, which counts as round 0.
  const std::uint32_t last = chain_catch_up_.held().round;
  return round_ - last >= config_.chain_checkpoint_rounds ? round_ : 0;
}

bool MeshNode::gateway_chain_value(std::uint32_t round, ChainValue& out) noexcept {
  return chain_source_ && round != 0 && round <= round_ && chain_source_->round_value(round, out);
}

bool MeshNode::gateway_send_checkpoint(const ChainCheckpoint& signed_checkpoint) noexcept {
  if (!chain_source_ || signed_checkpoint.network_id != network_id_ || signed_checkpoint.round > round_ ||
      signed_checkpoint.round <= chain_catch_up_.held().round ||
      !chain_source_->genuine(signed_checkpoint.round, 0, signed_checkpoint.value) || !back_office_signed(signed_checkpoint))
    return false;
  chain_catch_up_.keep(signed_checkpoint, platform_.local_us(), 0);
  schedule();
  return true;
}

void MeshNode::handle_checkpoint(std::span<const std::uint8_t> body) noexcept {
  const std::uint64_t now = platform_.local_us();
  if (body.size() == chain_request_size) {
    std::uint32_t their_round = 0;
    if (!parse_chain_request(body, their_round)) {
      drop(node::DropReason::malformed);
      return;
    }
    const auto wait = static_cast<std::uint64_t>(platform_.random_u32() % ChainCatchUp::answer_window_us);
    if (chain_catch_up_.request(their_round, now, wait)) schedule();
    return;
  }
  ChainCheckpoint c;
  if (!parse_chain_checkpoint(body, network_id_, c)) {
    drop(node::DropReason::malformed);
    return;
  }
  chain_catch_up_.heard_copy(c.round);
  // Not newer than the one held: a copy passed on, an answer to another node, or a replay
  // (an older checkpoint is still the chain's; it moves nothing).
  if (c.round <= chain_catch_up_.held().round) {
    drop(node::DropReason::duplicate);
    return;
  }
  // Only the back office's key makes one: a stolen node holds the network key, not that.
  // After one that failed, none is checked for a while (chain_catch_up.hpp).
  if (!chain_catch_up_.may_verify(now)) {
    drop(node::DropReason::signature_quiet);
    return;
  }
  if (!back_office_signed(c)) {
    chain_catch_up_.forged(now);
    drop(node::DropReason::bad_signature);
    return;
  }
  const auto wait = static_cast<std::uint64_t>(platform_.random_u32() % ChainCatchUp::pass_on_window_us);
  chain_catch_up_.keep(c, now, wait);
  if (config_.role != Role::gateway && chain_.reanchor(c.position(), c.value)) {
    ++chain_reanchored_;
    keep_chain_value(true);
  }
  schedule();
}

void MeshNode::keep_chain_value(bool moved_by_checkpoint) noexcept {
  static_assert(sizeof(node::RecordNvState::chain_value) == beacon_chain_value_size);
  // Once a day of rounds (the gateway's checkpoint interval): a write a day, and a node
  // rebooted at any time still checks the next beacon from what it kept, 6.6 days of
  // rounds within reach to spare. A write that fails is tried at the next beacon.
  if (config_.role == Role::gateway) return;
  const std::uint64_t due = records_nv_.chain_position + chain_position(config_.chain_checkpoint_rounds, 0);
  if (!moved_by_checkpoint && chain_.trusted_position() < due) return;
  node::RecordNvState next = records_nv_;
  next.chain_position = chain_.trusted_position();
  std::copy(chain_.trusted().begin(), chain_.trusted().end(), next.chain_value.begin());
  if (record_nv_.store(next)) records_nv_ = next;
}

bool MeshNode::note_chain_too_far(const BeaconBody& b) noexcept {
  // Behind the value trusted by more than a check reaches is only an old copy; further on
  // than that is a network this node has not followed for over a week (or a forged far
  // claim, which costs the asking no more than a request now and then).
  if (config_.role == Role::gateway || chain_position(b.round, b.chain_hops) <= chain_.trusted_position()) return false;
  ask_for_checkpoint();
  return true;
}

void MeshNode::ask_for_checkpoint() noexcept {
  if (chain_catch_up_.asking()) return;
  chain_catch_up_.stale(platform_.local_us(), platform_.random_u32() % ChainCatchUp::first_ask_retry_us);
  schedule();
}

void MeshNode::check_chain_reach() noexcept {
  // Without a checkpoint such a node passes no beacon on, so the nodes beyond it hear none
  // to find theirs too far on: the mesh would re-anchor a ring of nodes per beacon round
  // (3,000 nodes, 30 days on: ready in 94–103 s against 52–53 s for a new network). The
  // network layer's time (whole slots, from a neighbour's answer) tells every node at once.
  // A neighbour lying about it costs a request at most: the node still checks every beacon.
  if (config_.role == Role::gateway || fine_synced_ || !net_.synced() || chain_catch_up_.asking()) return;
  if (chain_position(round_by_clock(), 0) > chain_.trusted_position() + BeaconChainVerifier::max_steps)
    ask_for_checkpoint();
}

std::size_t MeshNode::build_checkpoint_message(std::uint64_t now, std::span<std::uint8_t> message) noexcept {
  const ChainCatchUp::Send send = chain_catch_up_.next(now);
  last_checkpoint_send_ = send;
  if (send == ChainCatchUp::Send::nothing) return 0;
  std::array<std::uint8_t, chain_checkpoint_size> body{};
  const std::size_t b =
      send == ChainCatchUp::Send::checkpoint
          ? encode_chain_checkpoint(chain_catch_up_.held(), body)
          : encode_chain_request(static_cast<std::uint32_t>(chain_.trusted_position() / beacon_chain_hops), body);
  if (b == 0) return 0;
  MeshHeader h = own_header(MessageType::checkpoint);
  h.seq = ++seq_;
  h.ttl = 0;
  return encode_raw(h, std::span<const std::uint8_t>(body).first(b), message);
}

}  // namespace meshsec::mesh
