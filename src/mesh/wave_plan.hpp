// The gateway's planner for the firmware wave (docs/dissemination.md §Wave): from the link
// table the nodes report, each node's part in one rollout.
//
// Periods: a relay at level L sends item i in period 2i + L on its tx channel; a node at
// level e >= 1 listens in period 2i + e - 1 on the channel of its one upstream relay
// (level e - 1). The planner therefore
//   1. levels the mesh by BFS from the gateway, over good links first, then over any link
//      for the nodes only lossy links reach;
//   2. per level d, picks a small set of level d-1 relays covering every level d node
//      (greedy set cover, good links first), and gives each node the adjacent relay of the
//      level above with the lowest loss as its upstream;
//   3. colours the relays with the available channels so that two relays on the air in the
//      same periods (levels of equal parity) never share a channel when one of them is
//      heard by a listener of the other (DSATUR).
// It runs on the gateway once per rollout, so it may allocate. Deterministic: every tie
// goes to the lowest node index.
#pragma once
#include <cstdint>
#include <vector>

namespace meshsec::mesh {

inline constexpr std::uint8_t wave_no_channel = 0xFF;
inline constexpr std::uint32_t wave_no_upstream = 0xFFFFFFFFu;

struct WaveRole {
  bool in_plan = false;                       // the wave reaches this node
  std::uint16_t level = 0;                    // gateway 0
  bool relay = false;                         // transmits every item once in its periods
  std::uint8_t tx_channel = wave_no_channel;  // relays: 0..channels-1
  std::uint8_t rx_channel = wave_no_channel;  // non-gateway: its upstream's tx_channel
  std::uint32_t upstream = wave_no_upstream;  // node index of the relay it listens to
  // Relays: the lossiest link to a listening relay, and to a listening leaf (a relay that
  // loses an item starves everything below it; a leaf only fetches it again).
  float worst_relay_listener_loss = 0;
  float worst_leaf_listener_loss = 0;
};

struct WaveLink {
  std::uint32_t peer = 0;
  float loss = 0;  // in [0, 1]: what levels, relays and upstreams are chosen by
  // What the listener's parity is sized for: a measured link's upper confidence bound, so
  // that a link that only looked good does not starve its listener (< 0: `loss`).
  float parity_loss = -1;
};

struct WavePlanInput {
  std::vector<std::vector<WaveLink>> links;  // per node index, symmetric; node 0 = gateway
  std::vector<bool> alive;                   // empty: all alive; dead nodes take no part
  std::uint8_t channels = 15;                // channels available to the wave (0 counts as 1)
  float good_link_loss = 0.10f;              // links at most this lossy are preferred
};

struct WavePlan {
  std::vector<WaveRole> roles;             // one per node index
  std::uint32_t relays = 0;                // including the gateway
  std::uint16_t max_level = 0;
  std::uint32_t channels_used = 0;
  std::uint32_t conflicted_receivers = 0;  // receivers that hear another relay of the same
                                           // period parity on their rx channel
  std::uint32_t unreachable = 0;           // alive nodes the wave cannot reach
};

// Nodes deeper than level 65535 cannot be scheduled and count as unreachable.
[[nodiscard]] WavePlan plan_wave(const WavePlanInput& input);

}  // namespace meshsec::mesh
