// Why the mesh layer of a node dropped or ignored a message that the network layer had
// accepted (E1 drop reasons are net::DropReason). Every reason has its own counter.
#pragma once
#include <array>
#include <cstddef>
#include <cstdint>
#include <string_view>

namespace meshsec::node {

enum class DropReason : std::uint8_t {
  malformed = 0,     // the mesh message does not parse
  not_whitelisted,   // a message type or downlink kind this node does not process
  duplicate,         // already handled (flood suppression, repeated chunk: not an attack)
  ttl_expired,       // hop limit reached
  bad_chunk,         // firmware chunk failed verification (never stored, never forwarded)
  bad_blob_header,   // firmware header failed signature or policy
  bad_record,        // commissioning record failed its node-key check
  record_replay,     // commissioning record older than the last one applied
  queue_full,        // no room to forward
  out_of_order,      // a chunk before its blob header, or data before time sync
  no_route,          // a routed message for a node this relay has no route to
  bad_signature,     // a flood the back office signs (wave announcement, link survey, rekey list or
                     // commitment) that fails its check
  bad_cover_key,     // a broadcast rekey's sealed key for this node's subset: fails its tag or the commitment
  bad_beacon,        // a beacon whose round the gateway's chain does not show, or too far ahead of our clock
  chain_behind,      // a beacon further on than our chain check reaches: we ask for a checkpoint
  nv_write_failed,   // a new record's counter could not be made durable: not applied
  signature_quiet,   // a signed checkpoint not checked: checks pause after a forged one
  count_
};

inline constexpr std::size_t drop_reason_count = static_cast<std::size_t>(DropReason::count_);

[[nodiscard]] constexpr std::string_view to_string(DropReason r) noexcept {
  switch (r) {
    case DropReason::malformed: return "mesh_malformed";
    case DropReason::not_whitelisted: return "mesh_not_whitelisted";
    case DropReason::duplicate: return "mesh_duplicate";
    case DropReason::ttl_expired: return "mesh_ttl_expired";
    case DropReason::bad_chunk: return "bad_chunk";
    case DropReason::bad_blob_header: return "bad_blob_header";
    case DropReason::bad_record: return "bad_record";
    case DropReason::record_replay: return "record_replay";
    case DropReason::queue_full: return "queue_full";
    case DropReason::out_of_order: return "out_of_order";
    case DropReason::no_route: return "no_route";
    case DropReason::bad_signature: return "bad_flood_signature";
    case DropReason::bad_cover_key: return "bad_cover_key";
    case DropReason::bad_beacon: return "bad_beacon";
    case DropReason::chain_behind: return "chain_behind";
    case DropReason::nv_write_failed: return "record_nv_write_failed";
    case DropReason::signature_quiet: return "checkpoint_signature_quiet";
    case DropReason::count_: break;
  }
  return "unknown";
}

// Drops only the defences cause (not the radio, not ordinary flood suppression).
[[nodiscard]] constexpr bool is_security_drop(DropReason r) noexcept {
  return r == DropReason::malformed || r == DropReason::not_whitelisted || r == DropReason::bad_chunk ||
         r == DropReason::bad_blob_header || r == DropReason::bad_record || r == DropReason::record_replay ||
         r == DropReason::bad_signature || r == DropReason::bad_cover_key || r == DropReason::bad_beacon;
}

class DropCounters {
 public:
  void add(DropReason r, std::uint64_t n = 1) noexcept { counts_[static_cast<std::size_t>(r)] += n; }
  [[nodiscard]] std::uint64_t get(DropReason r) const noexcept { return counts_[static_cast<std::size_t>(r)]; }

 private:
  std::array<std::uint64_t, drop_reason_count> counts_{};
};

}  // namespace meshsec::node
