// Records between one node and the back office, sealed under that node's own E2 key
// (AES-CCM, 8-byte tag), so a node that holds only the shared network key cannot read,
// forge or replay another node's readings, commissioning or key deliveries.
//
//   record = node u16 ‖ counter u32 ‖ ciphertext ‖ tag (8)
//   nonce  = kind u8 ‖ direction u8 ‖ node u16 ‖ counter u32 ‖ "MREC" (13 bytes)
//
// The kind and direction in the nonce keep a record of one kind from opening as another.
#pragma once
#include <cstddef>
#include <cstdint>
#include <span>

#include "crypto/aead.hpp"
#include "node/node_id.hpp"

namespace meshsec::node {

enum class RecordKind : std::uint8_t {
  reading = 1,         // node → back office: a sensor reading
  commission = 2,      // back office → node: node-specific parameters (M9)
  commission_ack = 3,  // node → back office
  network_key = 4,     // back office → node: the next network key (B1 refresh, revocation)
  key_ack = 5,         // node → back office
  join = 6,            // node → back office, once settled: I am here (hops u8 ‖ parent u16);
                       // its path teaches the relays and the gateway the route back
  wave_part = 7,       // back office → node: its part in the next firmware wave (mesh::WaveAssignment)
  wave_part_ack = 8,   // node → back office
  link_report = 9,     // node → back office, when surveyed: its neighbours and how well it hears them
  link_report_request = 10,  // back office → node: send your report of survey u16 again (answered by link_report)
};

enum class RecordDirection : std::uint8_t { uplink = 1, downlink = 2 };

inline constexpr std::size_t record_overhead = 2 + 4 + 8;

class RecordSealer {
 public:
  // key: the node's E2 key (16 or 32 bytes). False when it cannot be scheduled.
  [[nodiscard]] bool init(std::span<const std::uint8_t> key) noexcept;
  // Writes record_overhead + plaintext.size() bytes; returns that length, 0 on error.
  [[nodiscard]] std::size_t seal(RecordKind kind, RecordDirection direction, NodeId node, std::uint32_t counter,
                                 std::span<const std::uint8_t> plaintext, std::span<std::uint8_t> out) noexcept;
  // Opens a record for `expected_node`; the plaintext goes to `out` (record size −
  // record_overhead bytes). False when the node differs or the tag fails (out wiped).
  [[nodiscard]] bool open(RecordKind kind, RecordDirection direction, NodeId expected_node,
                          std::span<const std::uint8_t> record, std::uint32_t& counter,
                          std::span<std::uint8_t> out) noexcept;

 private:
  crypto::AesAead aead_;
};

// The node id a record names (public, used to pick the key); no_node when too short.
[[nodiscard]] NodeId record_node(std::span<const std::uint8_t> record) noexcept;

}  // namespace meshsec::node
