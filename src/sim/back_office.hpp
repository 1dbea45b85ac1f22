// The back office behind the gateway: it holds every node's E2 record key (derived from
// the customer's masters, as the HSM would) and key-encryption key, checks each uplink
// record (node key, increasing counter, not revoked), builds commissioning records (M9)
// and network key deliveries for a refresh that leaves a revoked node out (B1).
#pragma once
#include <algorithm>
#include <array>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <set>
#include <span>
#include <vector>

#include "mesh/mesh_node.hpp"
#include "node/node_record.hpp"
#include "sim/key_provisioning.hpp"

namespace meshsec::sim {

inline constexpr std::string_view reading_marker = "MESHSEC-READING";

class BackOffice final : public mesh::UplinkSink {
 public:
  // Nodes have ids 1..node_count (1 is the gateway). Throws on a derivation failure.
  BackOffice(const KeyProvisioning& keys, std::uint32_t node_count, std::uint16_t net_id);

  void on_uplink(node::NodeId origin, std::span<const std::uint8_t> payload) noexcept override;

  // A reading's plaintext (marker ‖ node ‖ seq ‖ value) as the node's application makes it.
  [[nodiscard]] static std::vector<std::uint8_t> reading_plaintext(node::NodeId node, std::uint32_t seq);

  // Downlink bodies carrying commissioning records for `targets` (a few per frame).
  [[nodiscard]] std::vector<std::vector<std::uint8_t>> commission_bodies(const std::vector<node::NodeId>& targets);
  [[nodiscard]] bool commissioned(node::NodeId node) const { return commission_acked_.at(node); }
  // The node's join record arrived (it is alive, genuine and reachable).
  [[nodiscard]] bool joined(node::NodeId node) const { return joined_.at(node); }
  // One downlink body per target: a staged delivery of `key` for `epoch` under its KEK.
  [[nodiscard]] std::vector<std::vector<std::uint8_t>> key_delivery_bodies(const std::vector<node::NodeId>& targets,
                                                                          std::uint32_t epoch,
                                                                          std::span<const std::uint8_t> key);
  [[nodiscard]] static std::vector<std::uint8_t> key_phase_body(std::uint32_t epoch, std::uint8_t phase);
  // A broadcast rekey (docs/keys.md §Cover keys): every node revoked so far, in the parts
  // of the list (signature left for the signer), and `key` sealed once for each subset of
  // the cover of nodes 2..node_count that are not revoked, with the commitment to it. The
  // list asks one node in
  // `ack_one_in` to acknowledge. Throws when more nodes are revoked than one list names,
  // or on a derivation or sealing failure.
  struct CoverRekeyFloods {
    std::vector<mesh::CoverAnnouncement> parts;
    mesh::CoverKeyCommitment commitment;  // signature left for the signer
    std::vector<std::vector<std::uint8_t>> sealed_keys;  // downlink bodies, kind byte included
  };
  [[nodiscard]] CoverRekeyFloods cover_rekey(std::uint32_t epoch, std::span<const std::uint8_t> key,
                                             std::uint8_t ack_one_in = 1) const;
  // The firmware wave's parts (index = node id) from the planner: a node whose part
  // changed gets a fresh record counter; wave_part_bodies() seals each node's part, the
  // same bytes on every re-send, a few per frame.
  void set_wave_parts(const std::vector<mesh::WaveAssignment>& parts);
  [[nodiscard]] std::vector<std::vector<std::uint8_t>> wave_part_bodies(const std::vector<node::NodeId>& targets);
  [[nodiscard]] bool wave_part_acked(node::NodeId node) const { return part_acked_.at(node); }
  [[nodiscard]] std::uint32_t key_acked_epoch(node::NodeId node) const { return key_acked_.at(node); }
  void revoke(node::NodeId node) { revoked_.insert(node); }

  // Link surveys: what each node reported (none before its first record). A node with
  // more links than one record holds sends two: records with the same rounds merge, and
  // the report is whole once its first record, and the second if the first announced one,
  // arrived.
  struct ReportedLinks {
    std::uint8_t rounds = 0;
    std::vector<mesh::LinkReport::Link> links;
    std::array<bool, 2> parts{};
    bool second_follows = false;
    [[nodiscard]] std::span<const mesh::LinkReport::Link> entries() const noexcept { return links; }
    [[nodiscard]] bool whole() const noexcept { return parts[0] && (!second_follows || parts[1]); }
  };
  [[nodiscard]] const std::optional<ReportedLinks>& link_report(node::NodeId node) const { return link_reports_.at(node); }
  [[nodiscard]] std::uint32_t link_reports_received() const noexcept {
    return static_cast<std::uint32_t>(std::count_if(link_reports_.begin(), link_reports_.end(),
                                                    [](const auto& r) { return r.has_value() && r->whole(); }));
  }
  void forget_link_reports() { link_reports_.assign(link_reports_.size(), std::nullopt); }
  // Requests for the report of `survey` from nodes it did not reach (the survey number is
  // also the record counter, so a request re-sent until answered is the same record).
  [[nodiscard]] std::vector<std::vector<std::uint8_t>> link_report_request_bodies(const std::vector<node::NodeId>& targets,
                                                                                 std::uint16_t survey);

  // Accepted readings per node (valid record, fresh counter, not revoked).
  [[nodiscard]] std::uint64_t readings_from(node::NodeId node) const { return readings_.at(node); }
  [[nodiscard]] std::uint64_t readings_total() const noexcept { return readings_total_; }
  [[nodiscard]] std::uint64_t rejected() const noexcept { return rejected_; }
  [[nodiscard]] std::uint64_t rejected_revoked() const noexcept { return rejected_revoked_; }
  // Readings whose sequence number lies in the range only attackers use, accepted anyway.
  [[nodiscard]] std::uint64_t forged_accepted() const noexcept { return forged_accepted_; }
  static constexpr std::uint32_t forged_seq_base = 0xF0000000U;

 private:
  // Downlink bodies of records of one kind for `targets`: plaintext_for writes a node's
  // plaintext and returns the record counter to seal it under.
  [[nodiscard]] std::vector<std::vector<std::uint8_t>> record_bodies(
      node::RecordKind kind, std::size_t plain_size, const std::vector<node::NodeId>& targets,
      const std::function<std::uint32_t(node::NodeId, std::span<std::uint8_t>)>& plaintext_for);

  const KeyProvisioning& keys_;
  std::uint16_t net_id_;
  std::vector<std::unique_ptr<node::RecordSealer>> sealers_;  // index = node id
  std::vector<std::uint32_t> last_counter_;
  std::vector<std::uint32_t> commission_counter_;
  std::vector<bool> commission_acked_;
  std::vector<mesh::WaveAssignment> parts_;
  std::vector<std::uint32_t> part_counter_;
  std::vector<bool> part_acked_;
  std::vector<bool> joined_;
  std::vector<std::optional<ReportedLinks>> link_reports_;
  std::vector<std::uint32_t> key_acked_;
  std::vector<std::uint64_t> readings_;
  std::set<node::NodeId> revoked_;
  std::uint64_t readings_total_ = 0;
  std::uint64_t rejected_ = 0;
  std::uint64_t rejected_revoked_ = 0;
  std::uint64_t forged_accepted_ = 0;
};

}  // namespace meshsec::sim
