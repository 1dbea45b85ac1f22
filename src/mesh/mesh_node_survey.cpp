// MeshNode's part in the link survey (docs/dissemination.md "Link survey"): probes in
// scheduled slots, the counts of probes heard, and the link reports sent to the back office.
#include "mesh/mesh_node.hpp"

#include <algorithm>
#include <tuple>

namespace meshsec::mesh {

void MeshNode::take_link_survey(const LinkSurvey& survey) noexcept {
  // A survey is taken only if it starts within a minute, is not over and lasts at most an
  // hour, and only once the one taken before is over: its number orders nothing, so even
  // a survey the back office signed, replayed, holds the nodes for its own span at most,
  // not for every later survey.
  constexpr std::uint64_t max_lead_us = 60'000'000;
  constexpr std::uint64_t max_span_us = 3'600'000'000;
  const std::uint64_t now = global_us();
  if (!fine_synced_ && config_.role != Role::gateway) return;
  if (survey.end_us() <= now || survey.t0_us > now + max_lead_us || survey.rounds * survey.round_us() > max_span_us) return;
  if (survey_.survey != 0 && survey.t0_us < survey_.end_us()) return;  // this one again, or one over it
  survey_ = survey;
  probes_done_ = 0;
  report_count_due_us_ = 0;
  link_report_due_us_ = 0;
  schedule();
}

bool MeshNode::gateway_plan_survey(std::uint16_t survey, std::uint64_t lead_us, std::uint8_t rounds,
                                   std::uint16_t slots, std::uint8_t spread_s, LinkSurvey& out) const noexcept {
  if (config_.role != Role::gateway || !net_.synced()) return false;
  // A probe is a header-only message: its frame, the turnaround and the clock error of
  // two nodes fit a slot with room to spare.
  const std::uint64_t slot = config_.turnaround_us + frame_airtime_us(config_, 48) + 1200;
  if (slot > 0xFFFF) return false;
  out = LinkSurvey{survey, global_us() + lead_us, rounds, static_cast<std::uint16_t>(slot), slots, spread_s, {}};
  return true;
}

bool MeshNode::gateway_start_survey(const LinkSurvey& signed_survey) noexcept {
  if (config_.role != Role::gateway || !net_.synced()) return false;
  std::array<std::uint8_t, link_survey_size> body{};
  if (encode_link_survey(signed_survey, body) != body.size()) return false;
  // The nodes take only what parses: a survey they would refuse is not sent.
  LinkSurvey check;
  if (!parse_link_survey(body, check) || !send_downlink(body)) return false;
  (void)send_downlink(body);  // twice, like the wave's announcement: a node that misses it is left out
  take_link_survey(signed_survey);
  return true;
}

std::uint64_t MeshNode::next_probe_us() const noexcept {
  if (survey_.survey == 0 || probes_done_ >= survey_.rounds || id_ == 0) return never;
  return survey_.t0_us + probes_done_ * survey_.round_us() + std::uint64_t{survey_.slot_of(id_, probes_done_)} * survey_.slot_us;
}

void MeshNode::send_probe() noexcept {
  const std::uint64_t slot_start = next_probe_us();
  ++probes_done_;
  if (probes_done_ == survey_.rounds && config_.role != Role::gateway) report_count_due_us_ = local_of(survey_.end_us());
  // A slot already half gone (the node was busy) is left out: a late probe could meet the
  // next node's. The listeners count it lost, which errs towards caution.
  if (!fine_synced_ || platform_.radio_busy() || global_us() > slot_start + survey_.slot_us / 4) return;
  std::array<std::uint8_t, max_message_size> message{};
  MeshHeader h = own_header(MessageType::probe);
  h.seq = survey_.survey;
  h.ttl = 0;
  const std::size_t n = encode_header_only(h, message);
  if (n != 0) transmit_in_slot(MessageType::probe, std::span<const std::uint8_t>(message).first(n));
}

void MeshNode::handle_probe(node::NodeId sender, const MeshHeader& h, std::span<const std::uint8_t> body) noexcept {
  if (!body.empty() || h.origin != sender) {
    drop(node::DropReason::malformed);
    return;
  }
  // Counted only for the survey this node takes part in, once per probe slot.
  if (survey_.survey == 0 || h.seq != survey_.survey) return;
  Neighbour* n = neighbours_.find(sender);
  if (n == nullptr) return;
  if (n->probe_survey != survey_.survey) {
    n->probe_survey = survey_.survey;
    n->probes_heard = 0;
  }
  if (n->probes_heard < survey_.rounds) ++n->probes_heard;
}

MeshNode::LinkReports MeshNode::link_reports() const noexcept {
  static_assert(NeighbourTable::capacity <= std::tuple_size_v<LinkReports> * link_report_max_links);
  LinkReports reports{};
  if (survey_.survey == 0) return reports;
  std::array<LinkReport::Link, NeighbourTable::capacity> heard{};
  std::size_t count = 0;
  neighbours_.for_each([&](const Neighbour& n) {
    if (n.probe_survey == survey_.survey && n.probes_heard > 0 && count < heard.size()) heard[count++] = {n.id, n.probes_heard};
  });
  // Best heard first, so that the first record holds the links the planner can use most.
  std::sort(heard.begin(), heard.begin() + static_cast<std::ptrdiff_t>(count), [](const auto& a, const auto& b) {
    return a.heard != b.heard ? a.heard > b.heard : a.neighbour < b.neighbour;
  });
  for (std::size_t i = 0; i < count; ++i) {
    auto& part = reports[i / link_report_max_links];
    part.links[part.count++] = heard[i];
  }
  for (auto& part : reports) part.rounds = survey_.rounds;
  number_report_parts(reports);
  return reports;
}

void MeshNode::number_report_parts(LinkReports& reports) noexcept {
  reports[1].part = 1;
  reports[0].more = reports[1].count > 0;
}

void MeshNode::count_link_report() noexcept {
  // The counts are taken when the last round ends and kept until the report goes out: a
  // neighbour that then goes unheard for two beacon rounds leaves the table, and its
  // counts with it.
  report_count_due_us_ = 0;
  pending_reports_ = link_reports();
  link_report_due_us_ = platform_.local_us() + 1 + platform_.random_u32() % (std::uint64_t{survey_.spread_s} * 1'000'000U);
}

void MeshNode::answer_report_request(std::uint16_t survey) noexcept {
  if (link_report_due_us_ != 0) return;  // the report is on its way already
  // The counts taken for that survey; without them (the node missed the survey, or has not
  // counted yet and its own report follows), rounds 0 and the neighbours it hears now,
  // with no counts: enough for the planner to place it.
  if (survey == 0 || survey != survey_.survey || report_count_due_us_ != 0) {
    pending_reports_ = LinkReports{};
    std::size_t count = 0;
    neighbours_.for_each([&](const Neighbour& n) {
      if (n.heard_round + NeighbourTable::expiry_rounds < round_) return;
      auto& part = pending_reports_[count++ / link_report_max_links];
      part.links[part.count++] = {n.id, 0};
    });
    number_report_parts(pending_reports_);
  }
  send_link_report();
}

void MeshNode::send_link_report() noexcept {
  link_report_due_us_ = 0;
  for (std::size_t i = 0; i < pending_reports_.size(); ++i) {
    const LinkReport& part = pending_reports_[i];
    if (i > 0 && part.count == 0) break;
    std::array<std::uint8_t, link_report_size(link_report_max_links)> plain{};
    const std::size_t n = encode_link_report(part, plain);
    if (n != 0) queue_record_uplink(node::RecordKind::link_report, std::span<const std::uint8_t>(plain).first(n));
  }
}

}  // namespace meshsec::mesh
