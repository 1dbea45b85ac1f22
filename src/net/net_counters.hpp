// Counters of one node's network layer: one per drop reason plus the traffic it made.
// Plain integers, so the simulator can sum them over 10,000 nodes and operators can read
// them by name.
#pragma once
#include <array>
#include <cstdint>
#include <string_view>

#include "net/drop_reason.hpp"

namespace meshsec::net {

struct NetCounters {
  std::array<std::uint32_t, kDropReasonCount> by_reason{};  // by_reason[none] = accepted
  std::uint32_t sent = 0;
  std::uint32_t relayed = 0;
  std::uint32_t send_refused = 0;
  std::uint32_t sync_requests_sent = 0;
  std::uint32_t sync_responses_sent = 0;
  std::uint32_t time_syncs = 0;
  std::uint32_t keys_installed = 0;
  std::uint32_t keys_retired = 0;
  std::uint32_t nv_writes = 0;
  std::uint32_t replay_evictions = 0;

  [[nodiscard]] std::uint32_t of(DropReason r) const noexcept {
    return by_reason[static_cast<std::size_t>(r)];
  }
  void count(DropReason r) noexcept { ++by_reason[static_cast<std::size_t>(r)]; }

  // Visits every counter as (name, value), drop reasons under "drop.<reason>".
  template <class Visitor>
  void for_each(Visitor&& visit) const {
    for (std::size_t i = 0; i < kDropReasonCount; ++i) {
      const auto r = static_cast<DropReason>(i);
      visit(r == DropReason::none ? std::string_view("accepted") : to_string(r), by_reason[i],
            r != DropReason::none);
    }
    visit("sent", sent, false);
    visit("relayed", relayed, false);
    visit("send_refused", send_refused, false);
    visit("sync_requests_sent", sync_requests_sent, false);
    visit("sync_responses_sent", sync_responses_sent, false);
    visit("time_syncs", time_syncs, false);
    visit("keys_installed", keys_installed, false);
    visit("keys_retired", keys_retired, false);
    visit("nv_writes", nv_writes, false);
    visit("replay_evictions", replay_evictions, false);
  }
};

}  // namespace meshsec::net
