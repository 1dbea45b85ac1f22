// Why a received frame was dropped, or why processing of an accepted frame ended early.
// Every value has its own counter (net_counters.hpp) and a stable name that operators,
// the simulator and `meshsec frame open --json` report.
#pragma once
#include <cstddef>
#include <cstdint>
#include <string_view>

namespace meshsec::net {

enum class DropReason : std::uint8_t {
  none = 0,                  // accepted
  bad_crc,                   // radio FCS wrong: corrupted on air
  malformed,                 // too short, trailing bytes, reserved field values
  bad_version,               // frame version this node does not speak
  foreign_channel,           // another channel's frame (checked before any cryptography)
  foreign_domain,            // another installation's frame (before any cryptography)
  mic_length_policy,         // MIC length differs from the network's configured length
  bad_source,                // source 0, a group address, or our own address
  ttl_over_limit,            // TTL above the network's maximum (inflated in transit)
  not_synced,                // we have no global time yet: only sync/key frames count
  unknown_key_index,         // no key with that index (retired, revoked, foreign)
  time_too_old,              // global time before the acceptance window
  time_in_future,            // global time after the acceptance window
  replay,                    // (source, time, sequence) already accepted
  replay_floor,              // unknown source at or below the cache's eviction floor
  mac_failure,               // CCM tag did not verify
  bad_tokens,                // authentic frame whose token structure is broken
  token_not_whitelisted,     // processing ended at a token not on the whitelist
  token_time_overrun,        // token processing exceeded the network round time
  unexpected_sync_response,  // no pending challenge, wrong challenge, or time going back
  sync_not_allowed,          // sync request with TTL, or a second answer in one slot
  key_delivery_not_for_us,   // key delivery addressed to another node
  key_delivery_stale,        // epoch not newer than the keys we hold
  key_delivery_mac_failure,  // our key-encryption key does not open it
  key_phase_rejected,        // switch/retire for an epoch we do not hold, or under an old key
  count_
};
inline constexpr std::size_t kDropReasonCount = static_cast<std::size_t>(DropReason::count_);

[[nodiscard]] constexpr std::string_view to_string(DropReason r) noexcept {
  switch (r) {
    case DropReason::none: return "accepted";
    case DropReason::bad_crc: return "bad_crc";
    case DropReason::malformed: return "malformed";
    case DropReason::bad_version: return "bad_version";
    case DropReason::foreign_channel: return "foreign_channel";
    case DropReason::foreign_domain: return "foreign_domain";
    case DropReason::mic_length_policy: return "mic_length_policy";
    case DropReason::bad_source: return "bad_source";
    case DropReason::ttl_over_limit: return "ttl_over_limit";
    case DropReason::not_synced: return "not_synced";
    case DropReason::unknown_key_index: return "unknown_key_index";
    case DropReason::time_too_old: return "time_too_old";
    case DropReason::time_in_future: return "time_in_future";
    case DropReason::replay: return "replay";
    case DropReason::replay_floor: return "replay_floor";
    case DropReason::mac_failure: return "mac_failure";
    case DropReason::bad_tokens: return "bad_tokens";
    case DropReason::token_not_whitelisted: return "token_not_whitelisted";
    case DropReason::token_time_overrun: return "token_time_overrun";
    case DropReason::unexpected_sync_response: return "unexpected_sync_response";
    case DropReason::sync_not_allowed: return "sync_not_allowed";
    case DropReason::key_delivery_not_for_us: return "key_delivery_not_for_us";
    case DropReason::key_delivery_stale: return "key_delivery_stale";
    case DropReason::key_delivery_mac_failure: return "key_delivery_mac_failure";
    case DropReason::key_phase_rejected: return "key_phase_rejected";
    case DropReason::count_: break;
  }
  return "unknown";
}

}  // namespace meshsec::net
