// The phases of a run: manufacture → boot and synchronise → commission → operate →
// node failures → operate again (self-healing) → firmware rollout → attacks → revocation
// → attacks again. Each phase drives the simulated time and writes its part of the report.
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cmath>
#include <deque>
#include <limits>
#include <memory>

#include "sim/lower_bound.hpp"
#include "sim/attacker.hpp"
#include "sim/simulator.hpp"

namespace meshsec::sim {
namespace {

constexpr std::uint64_t second = 1'000'000;
// Per-node downlink floods cost O(N · backbone) frames; beyond this size the per-node
// phases (commissioning, revocation) are left out of a run and the report says so.
constexpr std::uint32_t per_node_flood_limit = 3000;


}  // namespace

RunReport Simulator::run() {
  const auto wall_start = std::chrono::steady_clock::now();
  progress("manufacture", 0);
  manufacture();
  progress("manufacture", 1);
  place_attackers();
  boot();
  const auto boot_us = static_cast<std::uint64_t>(scenario_.phases.boot_s * 1e6);
  for (std::uint64_t t = 0; t < boot_us; t += second) {
    run_for(std::min(second, boot_us - t));
    progress("synchronise", static_cast<double>(t + second) / static_cast<double>(boot_us));
  }
  sample_sync();
  std::uint32_t max_hops = 0;
  for (auto h : topology_.hop_distances())
    if (h != std::numeric_limits<std::uint32_t>::max()) max_hops = std::max(max_hops, h);
  report_.max_hops = max_hops;
  if (scenario_.phases.commission) {
    if (node_count() <= per_node_flood_limit) phase_commission();
    else report_.commission_note = "skipped above " + std::to_string(per_node_flood_limit) + " nodes (per-node floods)";
  } else {
    report_.commission_note = "disabled by the scenario";
  }
  phase_operate(0);
  phase_failures();
  phase_operate(1);
  if (scenario_.phases.rollout) phase_rollout();
  if (scenario_.phases.attacks) {
    phase_attacks(false);
    if (node_count() <= per_node_flood_limit) {
      phase_revocation();
      phase_attacks(true);
    } else {
      report_.revocation_note = "skipped above " + std::to_string(per_node_flood_limit) + " nodes (per-node floods)";
    }
  }
  sample_sync();
  for (std::size_t k = 1; k < attacks_.size(); ++k) {
    const auto kind = static_cast<AttackKind>(k);
    if (attacks_[k].attempts > 0) report_.attacks[attack_name(kind)] = attacks_[k];
  }
  report_.sim_seconds = static_cast<double>(now_) / 1e6;
  report_.events = events_;
  report_.node_events = node_events_;
  report_.frames_sent = frames_sent_;
  report_.wall_seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - wall_start).count();
  progress("done", 1);
  return report_;
}

void Simulator::phase_commission() {
  report_.commission_ran = true;
  const std::uint64_t start = now_;
  const auto limit = static_cast<std::uint64_t>(scenario_.phases.commission_timeout_s * 1e6);
  auto pending = [&] {
    std::vector<node::NodeId> out;
    for (std::uint32_t i = 1; i < node_count(); ++i)
      if (nodes_[i]->alive && !back_office_->commissioned(static_cast<node::NodeId>(i + 1)))
        out.push_back(static_cast<node::NodeId>(i + 1));
    return out;
  };
  report_.commission_targets = static_cast<std::uint32_t>(pending().size());
  const std::uint64_t interval = 10 * airtime_us(128);
  while (now_ - start < limit) {
    const auto targets = pending();
    if (targets.empty()) break;
    auto bodies = back_office_->commission_bodies(targets);
    for (std::size_t i = 0; i < bodies.size() && now_ - start < limit; ++i) {
      while (!nodes_[0]->mesh->send_downlink(bodies[i]) && now_ - start < limit) run_for(interval);
      run_for(interval);
      progress("commission", static_cast<double>(report_.commission_targets - pending().size()) /
                                 std::max<double>(1, report_.commission_targets));
    }
    // Let the floods and the acknowledgements drain before retrying the rest.
    run_until([&] { return pending().empty(); }, 5 * second, 250'000);
  }
  report_.commission_seconds = static_cast<double>(now_ - start) / 1e6;
  std::uint32_t done = 0;
  for (std::uint32_t i = 1; i < node_count(); ++i)
    if (nodes_[i]->mesh->commissioned()) ++done;
  report_.commissioned = done;
  progress("commission", 1);
}

void Simulator::schedule_readings(std::uint32_t window, double seconds) {
  const auto span = static_cast<std::uint64_t>(seconds * 1e6);
  for (std::uint32_t i = 1; i < node_count(); ++i) {
    if (!nodes_[i]->alive) continue;
    for (std::uint32_t k = 0; k < scenario_.phases.readings_per_node; ++k)
      push(now_ + rng_.below(span), EventKind::reading, i, window);
  }
}

void Simulator::phase_operate(int window) {
  const std::uint64_t before = back_office_->readings_total();
  schedule_readings(static_cast<std::uint32_t>(window), scenario_.phases.operate_s);
  const auto span = static_cast<std::uint64_t>(scenario_.phases.operate_s * 1e6);
  const std::string name = window == 0 ? "operate" : "operate after failures";
  for (std::uint64_t t = 0; t < span + 5 * second; t += second) {
    run_for(second);
    progress(name, static_cast<double>(t + second) / static_cast<double>(span + 5 * second));
  }
  report_.readings_delivered[window] = back_office_->readings_total() - before;
}

void Simulator::phase_failures() {
  const auto count = static_cast<std::uint32_t>(std::floor(scenario_.phases.fail_fraction * (node_count() - 1)));
  std::uint32_t failed = 0;
  for (std::uint32_t guard = 0; failed < count && guard < 100 * (count + 1); ++guard) {
    const auto station = static_cast<std::uint32_t>(1 + rng_.below(node_count() - 1));
    if (!nodes_[station]->alive) continue;
    fail_node(station);
    ++failed;
  }
  report_.failed_nodes = failed;
  // M10: let the gradient re-form around the holes (neighbours age out after two rounds).
  const auto heal = static_cast<std::uint64_t>(2.5 * scenario_.mesh.beacon_period_s * 1e6);
  run_for(heal);
  progress("self-healing", 1);
}

void Simulator::phase_rollout() {
  auto& r = report_.rollout;
  r.ran = true;
  progress("rollout", 0);
  release_ = build_release(scenario_.firmware, *keys_, scenario_.seed);
  if (const auto error = gateway_accept(release_, *keys_); !error.empty())
    throw std::runtime_error("gateway refused the release: " + error);
  auto& gateway = *nodes_[0]->mesh;
  if (gateway.gateway_offer_header(release_.signed_header) != mesh::HeaderOutcome::accepted)
    throw std::runtime_error("gateway verifier refused the header");
  for (const auto& p : release_.packets)
    if (gateway.gateway_offer_chunk(p) != mesh::ChunkOutcome::stored)
      throw std::runtime_error("gateway verifier refused a chunk");
  // Counters before the rollout (dissemination frames are counted from here).
  auto dissemination_frames = [&](std::uint64_t& data, std::uint64_t& control, std::uint64_t& push,
                                  std::uint64_t& repair, std::uint64_t& rejected) {
    data = control = push = repair = rejected = 0;
    for (const auto& n : nodes_) {
      const auto& s = n->mesh->dissemination().sent();
      data += s.data_frames;
      control += s.header_frames + s.requests + s.adverts;
      push += s.push_chunks;
      repair += s.repair_chunks;
      rejected += n->mesh->dissemination().chunks_rejected();
    }
  };
  std::uint64_t d0, c0, p0, r0, x0;
  dissemination_frames(d0, c0, p0, r0, x0);
  rollout_active_ = true;
  rollout_start_us_ = now_;
  activated_ = 0;
  const std::uint32_t targets = reachable_alive_count();
  r.nodes_targeted = targets;
  const auto limit = static_cast<std::uint64_t>(scenario_.phases.rollout_timeout_s * 1e6);
  report_.coverage_curve.push_back({0.0, 0.0});
  while (now_ - rollout_start_us_ < limit && activated_ < targets) {
    run_for(250'000);
    if (std::getenv("MESHSEC_SIM_TRACE") != nullptr)
      std::fprintf(stderr, "t=%.2f gw pushed %llu frames %llu activated %u\n", static_cast<double>(now_ - rollout_start_us_) / 1e6,
                   static_cast<unsigned long long>(nodes_[0]->mesh->dissemination().sent().push_chunks),
                   static_cast<unsigned long long>(nodes_[0]->mesh->dissemination().sent().data_frames), activated_);
    const double coverage = targets == 0 ? 1.0 : static_cast<double>(activated_) / targets;
    report_.coverage_curve.push_back({static_cast<double>(now_ - rollout_start_us_) / 1e6, coverage});
    progress("rollout", coverage);
  }
  // Diagnostics: which nodes did not finish, and where they stood.
  if (std::getenv("MESHSEC_SIM_DEBUG") != nullptr) {
    for (std::uint32_t i = 1; i < node_count(); ++i) {
      auto& n = *nodes_[i];
      if (!n.alive || n.activated_at_us != 0) continue;
      const auto& d = n.mesh->dissemination();
      std::fprintf(stderr, "stuck node %u: header %d present %u/%u hops %u parent %u backbone %d synced %d\n", i + 1,
                   d.has_header() ? 1 : 0, d.present(), d.chunk_count(), n.mesh->hops(), n.mesh->parent(),
                   n.mesh->backbone() ? 1 : 0, n.mesh->fine_synced() ? 1 : 0);
    }
  }
  std::uint64_t latest = rollout_start_us_;
  for (const auto& n : nodes_) latest = std::max(latest, n->activated_at_us);
  r.seconds = static_cast<double>((activated_ < targets ? now_ : latest) - rollout_start_us_) / 1e6;
  r.nodes_activated = activated_;
  r.coverage = targets == 0 ? 1.0 : static_cast<double>(activated_) / targets;
  std::uint64_t d1, c1, p1, r1, x1;
  dissemination_frames(d1, c1, p1, r1, x1);
  r.data_frames = d1 - d0;
  r.control_frames = c1 - c0;
  r.transmissions = r.data_frames + r.control_frames;
  r.control_share = r.transmissions == 0 ? 0 : static_cast<double>(r.control_frames) / static_cast<double>(r.transmissions);
  r.push_chunks = p1 - p0;
  r.repair_chunks = r1 - r0;
  r.chunks_rejected = x1 - x0;
  // Bounds over the surviving topology.
  std::vector<bool> alive(nodes_.size());
  for (std::size_t i = 0; i < nodes_.size(); ++i) alive[i] = nodes_[i]->alive;
  const std::uint64_t frame_airtime = airtime_us(mesh::max_frame_size - 10);  // a full data frame: 118 bytes
  const auto bound = dissemination_bound(topology_, alive, release_.data_frames, frame_airtime);
  r.frames_f = bound.frames;
  r.frames_f_raw = (release_.image.size() + mesh::fragment_data_size - 1) / mesh::fragment_data_size;
  r.cds_size = bound.cds_size;
  r.eccentricity = bound.eccentricity;
  r.frame_airtime_ms = static_cast<double>(frame_airtime) / 1000.0;
  r.lower_bound = bound.transmissions;
  r.time_bound_s = bound.seconds;
  r.transmissions_ratio = bound.transmissions == 0 ? 0 : static_cast<double>(r.transmissions) / static_cast<double>(bound.transmissions);
  r.time_ratio = bound.seconds <= 0 ? 0 : r.seconds / bound.seconds;
  const double channel_bytes_per_s = scenario_.radio.bitrate_bps / 8.0;
  r.channel_rate_fraction = r.seconds <= 0 ? 0 : static_cast<double>(release_.image.size()) / (r.seconds * channel_bytes_per_s);
  rollout_active_ = false;
  progress("rollout", 1);
}

}  // namespace meshsec::sim
