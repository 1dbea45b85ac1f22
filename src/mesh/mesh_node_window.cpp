// MeshNode's flood windows (flood_window.hpp, docs/wire-format.md §6.6): the gateway opens
// rounds for the floods no relay can check with a tag in the beacon before; nodes keep the
// tags heard in time, check them when the round's chain value shows, and carry such floods
// only while a checked round is open.
#include "mesh/mesh_node.hpp"

#include <algorithm>

#include "crypto/secure_memory.hpp"

namespace meshsec::mesh {

bool MeshNode::flood_window_open() const noexcept {
  if (window_round_ == 0) return false;
  const std::uint64_t now = global_us();
  return now >= round_start_us(window_round_) &&
         now < round_start_us(window_round_ + 1) + config_.flood_window_grace_us;
}

bool MeshNode::next_round_may_have_begun() const noexcept {
  // Within the margin beacon-set clocks can disagree by: from round_ + 1's start on, a
  // stolen node that heard its beacon may know the key of its tag.
  return global_us() + config_.flood_window_margin_us >= round_start_us(round_ + 1);
}

void MeshNode::keep_window_tag(const BeaconBody& b) noexcept {
  // Only while this node's clock says the round the tag opens is still ahead.
  const std::uint32_t opens = round_ + 1;
  if (!fine_synced_ || next_round_may_have_begun()) return;
  if (window_candidates_round_ != opens) {
    window_candidates_round_ = opens;
    window_candidate_count_ = 0;
  }
  const auto kept = std::span<const FloodWindowTag>(window_candidates_).first(window_candidate_count_);
  if (std::any_of(kept.begin(), kept.end(), [&](const FloodWindowTag& t) { return t == b.next_window; })) return;
  // A stolen node can send tags of its own first; a few kept let the genuine one through.
  if (window_candidate_count_ < window_candidates_.size()) window_candidates_[window_candidate_count_++] = b.next_window;
}

void MeshNode::check_window_tags() noexcept {
  // round_ has just become the round the kept tags would open, and its chain value checked.
  if (window_candidates_round_ != round_ || window_candidate_count_ == 0) return;
  const auto kept = std::span<const FloodWindowTag>(window_candidates_).first(window_candidate_count_);
  window_candidate_count_ = 0;
  ChainValue key{};
  FloodWindowTag expected{};
  if (!chain_.value_at(round_, flood_window_key_hops, key) || !flood_window_tag(network_id_, round_, key, expected))
    return;
  for (const FloodWindowTag& tag : kept)
    if (crypto::equal_constant_time(tag, expected)) {
      window_round_ = round_;
      return;
    }
}

bool MeshNode::may_hold_for_window() const noexcept {
  // The gateway's flood can outrun the beacon that opens its round: the beacon waits for
  // proof and jitter at every hop, the flood does not, and at far nodes it came first (at
  // 3,000 nodes, seed 5, 13,841 genuine copies went uncarried; 574 with holding). A node
  // holding a tag for the round its clock says has begun keeps such a flood until that
  // round's beacon checks the tag. Carried only if the round opens, so a stolen node gains
  // no round the gateway did not open; what it sends in the gap takes only slots nothing
  // else wants (a held slot gives way, FloodSlot::gives_way()).
  return window_candidates_round_ == round_ + 1 && window_candidate_count_ > 0 && next_round_may_have_begun();
}

void MeshNode::settle_held_floods() noexcept {
  // A new round's beacon came: what was held for it goes on if it opened, everything else
  // held (for it or for a round whose beacon never came) is not carried.
  for (auto& s : slots()) {
    if (!s.used || s.held_for_round == 0) continue;
    if (s.held_for_round == round_ && window_round_ == round_) {
      s.held_for_round = 0;
      s.due_us = platform_.local_us() + downlink_backoff_us(s.conditional);
      ++floods_held_released_;
    } else {
      s = FloodSlot{};
      ++floods_not_carried_;
    }
  }
}

void MeshNode::own_window_tag(BeaconBody& b) noexcept {
  b.opens_next = false;
  if (chain_source_) {
    // The gateway: a tag for the next round while floods no relay can check wait to go.
    if (window_demand_until_ <= round_) return;
    ChainValue key{};
    const bool made = chain_source_->value_at(round_ + 1, flood_window_key_hops, key) &&
                      flood_window_tag(network_id_, round_ + 1, key, b.next_window);
    crypto::secure_wipe(key);  // the next round's chain value: secret until that round
    if (!made) return;
    b.opens_next = true;
    window_announced_round_ = round_ + 1;
    return;
  }
  // A node passes on the first tag it kept for the next round (it cannot tell which is
  // genuine before that round; each node keeps a few).
  if (window_candidates_round_ == round_ + 1 && window_candidate_count_ > 0) {
    b.opens_next = true;
    b.next_window = window_candidates_[0];
  }
}

void MeshNode::open_announced_window() noexcept {
  // The gateway, at the start of round_: open if its last beacon announced this round.
  if (window_announced_round_ != round_) return;
  window_round_ = round_;
  ++windows_opened_;
}

void MeshNode::expect_unchecked_floods(std::uint32_t rounds) noexcept {
  if (config_.role != Role::gateway) return;
  window_demand_until_ = std::max(window_demand_until_, round_ + (rounds == 0 ? config_.flood_window_demand_rounds : rounds));
}

void MeshNode::close_flood_windows() noexcept { window_demand_until_ = std::min(window_demand_until_, round_); }

bool MeshNode::gateway_may_send_unchecked_flood() noexcept {
  // Asked for: open the coming rounds (the beacon of each announces the next).
  expect_unchecked_floods();
  if (window_round_ != round_ || round_ == 0) return false;
  // After the round's beacon (which opens the window at each node it reaches) and not so
  // late that the flood would cross the mesh after the window's grace.
  const std::uint64_t now = global_us();
  return now >= round_start_us(round_) + config_.flood_window_lead_us &&
         now + config_.flood_window_tail_us < round_start_us(round_ + 1);
}

}  // namespace meshsec::mesh
