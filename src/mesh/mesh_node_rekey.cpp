// MeshNode's part in network key changes (docs/wire-format.md §7): the broadcast rekey's
// floods (§7.4), handing it on to a neighbour that missed it and taking it from one
// (§7.5), and following the neighbours' key phase when a phase flood was missed (§7.2).
#include <type_traits>

#include "crypto/secret.hpp"
#include "mesh/mesh_node.hpp"
#include "wire/key_delivery.hpp"

namespace meshsec::mesh {

namespace {

// One name for both signed floods' parsers, so that one template takes either.
[[nodiscard]] bool parse_signed_rekey_flood(std::span<const std::uint8_t> body, std::uint16_t net_id,
                                            CoverAnnouncement& out) noexcept {
  return parse_cover_announcement(body, net_id, out);
}
[[nodiscard]] bool parse_signed_rekey_flood(std::span<const std::uint8_t> body, std::uint16_t net_id,
                                            CoverKeyCommitment& out) noexcept {
  return parse_cover_commitment(body, net_id, out);
}

}  // namespace

template <typename SignedFlood>
bool MeshNode::take_signed_rekey_flood(std::span<const std::uint8_t> payload) noexcept {
  SignedFlood flood;
  if (!parse_signed_rekey_flood(payload, net_.net_id(), flood)) {
    drop(node::DropReason::malformed);
    return false;
  }
  if (config_.role == Role::gateway) return true;
  // A flood for an epoch older than this node's newest key is spent (a replay): not carried
  // on. One for the epoch it holds already is carried, unchecked, for the neighbours still
  // missing it: the network key lets anyone flood that much anyway. Another copy of what
  // this node holds is carried without a second check; its content is the verified one,
  // whatever the signature bytes say.
  if (const auto held = net_.keys().newest_epoch(); flood.epoch <= held) return flood.epoch == held;
  if (cover_.holds(flood)) return true;
  if (!back_office_signed(flood)) {
    drop(node::DropReason::bad_signature);
    return false;
  }
  if (cover_.take(flood)) ++rekey_bodies_taken_;
  // Kept as it came, for a neighbour that misses the broadcast (§7.5).
  if constexpr (std::is_same_v<SignedFlood, CoverAnnouncement>)
    catch_up_.bundle().keep_part(flood.epoch, flood.part, flood.parts, payload);
  else
    catch_up_.bundle().keep_commitment(flood.epoch, payload);
  return true;
}

bool MeshNode::take_cover_announcement(std::span<const std::uint8_t> payload) noexcept {
  return take_signed_rekey_flood<CoverAnnouncement>(payload);
}

bool MeshNode::take_cover_commitment(std::span<const std::uint8_t> payload) noexcept {
  return take_signed_rekey_flood<CoverKeyCommitment>(payload);
}

bool MeshNode::take_cover_key(std::span<const std::uint8_t> payload, bool handed_on) noexcept {
  CoverKeyView v;
  if (!parse_cover_key(payload, v)) {
    drop(node::DropReason::malformed);
    return false;
  }
  if (config_.role == Role::gateway) return true;
  const auto held = net_.keys().newest_epoch();
  // Another subset's key is kept for a neighbour in that subset that misses the broadcast.
  // This node cannot open it, but once it holds the key it can check it: a forged one (a
  // revoked node still holds the network key this travels under) is dropped here and not
  // carried on; until then the first two different copies are kept unchecked
  // (rekey_bundle.hpp).
  const bool ours = v.subset == cover_.subset_for(v.epoch);
  if (!handed_on && !ours && v.epoch >= held &&
      catch_up_.bundle().keep_sealed_key(payload, v) == RekeyBundle::Kept::forged) {
    drop(node::DropReason::bad_cover_key);
    return false;
  }
  // A key handed on for the epoch this node has only staged confirms it (the network it
  // came from has moved on, and this node missed the switch or the retirement).
  const bool confirms = handed_on && v.epoch == held && net_.keys().phase() != net::KeyPhase::normal;
  if (v.epoch <= held && !confirms) return v.epoch == held;  // as take_signed_rekey_flood
  crypto::SecretArray<32> key;
  const auto key_bytes = key.span().first(v.sealed_key.size());
  switch (cover_.open(net_.net_id(), v, key_bytes)) {
    case CoverOutcome::not_ours: return true;  // another subset's: carried on for the nodes in it
    case CoverOutcome::failed_check: drop(node::DropReason::bad_cover_key); return false;
    case CoverOutcome::opened: break;
  }
  // From now on this node can check the other subsets' sealed keys it keeps and hears.
  (void)catch_up_.bundle().set_check_key(net_.net_id(), v.epoch, key_bytes);
  (void)catch_up_.bundle().keep_sealed_key(payload, v, true);  // our own subset's, opened
  if (handed_on) {
    // receive() sees the epoch move and acknowledges it to the back office.
    if (net_.install_caught_up_key(v.epoch, key_bytes) == net::KeyChange::installed) ++keys_caught_up_;
    return true;
  }
  // Staged beside the current key; the switch flood, sealed under it, moves to it. Only
  // the nodes the list asks acknowledge it, and every node got it at about the same
  // moment: the acknowledgements spread out (receive() sees the epoch taken care of and
  // sends none of its own).
  if (net_.stage_key(v.epoch, key_bytes) == net::KeyChange::installed && v.epoch > acked_epoch_) {
    acked_epoch_ = v.epoch;
    const std::uint64_t spread = config_.key_ack_spread_us;
    if (cover_.asks_ack(v.epoch))
      acknowledge_key(v.epoch, config_.key_ack_after_us + (spread == 0 ? 0 : platform_.random_u32() % spread));
  }
  return true;
}

void MeshNode::take_rekey_catch_up(std::span<const std::uint8_t> body) noexcept {
  if (config_.role == Role::gateway) return;
  catch_up_.heard(rekey_body_epoch(body));  // another node is answering
  const std::uint32_t taken_before = rekey_bodies_taken_;
  switch (body[0]) {
    case cover_announcement_kind: (void)take_cover_announcement(body); break;
    case cover_commitment_kind: (void)take_cover_commitment(body); break;
    case cover_key_kind: (void)take_cover_key(body, true); break;
    default: drop(node::DropReason::malformed); return;
  }
  // A signed list part or commitment this node did not hold: a neighbour is handing the
  // rekey on, and what this node still lacks a lossy link lost (the sealed key before the
  // commitment came is not opened). Better proof than a header under the next key's
  // index: it asks again at the first pace, without waiting to hear such a header (in a
  // quiet mesh, the next beacon round: a sleeper waited 7 s in the demo's mesh). A revoked
  // node takes each part once, so this buys it a request or two.
  if (rekey_bodies_taken_ != taken_before) {
    newer_key_heard_ = true;
    behind_on_key_until_ = platform_.local_us() + 3 * config_.beacon_period_us;
    key_retry_us_ = std::min(key_retry_us_, config_.sync_retry_us);
    next_sync_request_at_ = std::min(next_sync_request_at_, platform_.local_us() + config_.sync_retry_us);
  }
}

void MeshNode::offer_rekey_catch_up(node::NodeId src, std::uint32_t their_epoch) noexcept {
  if (config_.role == Role::gateway) return;
  const auto& keys = net_.keys();
  const std::uint32_t epoch = keys.newest_epoch();
  // Only once this node sends under the newer key (switched, or retired the older one):
  // before the switch the network is still on the older key, and a neighbour without the
  // newer one misses nothing yet.
  if (their_epoch >= epoch || keys.send_epoch() != epoch) return;
  const std::uint64_t wait = platform_.random_u32() % RekeyCatchUp::answer_window_us;
  if (catch_up_.request(epoch, cover_.subset_of(src, epoch), platform_.local_us(), wait)) schedule();
}

void MeshNode::note_unknown_key_index(const wire::NetHeader& h) noexcept {
  const std::uint32_t epoch = net_.keys().newest_epoch();
  if (epoch == 0 || config_.role == Role::gateway) return;
  if (h.key_index == wire::key_index_of_epoch(epoch + 1)) {
    // The network moved on without this node: on_wake() asks until a neighbour hands the
    // key on. A forged header says the same (it needs no key), so it lapses unless heard again.
    newer_key_heard_ = true;
    behind_on_key_until_ = platform_.local_us() + 3 * config_.beacon_period_us;
  } else if (h.key_index == wire::key_index_of_epoch(epoch - 1)) {
    offer_rekey_catch_up(h.src, epoch - 1);  // a neighbour still sends under the retired key
  }
}

void MeshNode::follow_neighbours_key_phase(const net::RxResult& r, const RxOutcome& out) noexcept {
  const auto& keys = net_.keys();
  if (config_.role == Role::gateway || !r.accepted() || !out.mesh_message || keys.phase() == net::KeyPhase::normal ||
      r.key_epoch != keys.newest_epoch())
    return;
  // Only a holder of the newer key seals under it, and a node sends under it only once it
  // switched: as only such a holder can send the key-phase token itself (wire-format.md §7.2).
  if (out.sender_key_settled) (void)net_.retire_key(r.key_epoch);
  else if (keys.phase() == net::KeyPhase::staged) (void)net_.switch_key(r.key_epoch);
}

}  // namespace meshsec::mesh
