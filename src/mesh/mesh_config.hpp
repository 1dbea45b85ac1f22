// Tunables of one node's mesh layer (docs/simulator.md lists the defaults and why).
#pragma once
#include <cstddef>
#include <cstdint>

#include "firmware/blob_verifier.hpp"
#include "net/net_config.hpp"

namespace meshsec::mesh {

enum class Role : std::uint8_t { node, gateway };

// Largest radio frame (E1 frame and its CRC).
inline constexpr std::size_t max_frame_size = 128;

struct MeshConfig {
  Role role = Role::node;
  net::NetConfig net{};  // address is set from the node id
  std::uint32_t first_slot = 1000;  // gateway: the global time it starts the network at
  // Gateway: the rounds the network ran before this boot (0: it begins now). Round r
  // still begins at first_slot + (r − 1) periods: a gateway booting into an older network
  // starts at the round its time falls in.
  std::uint32_t network_age_rounds = 0;
  // Gateway: the back office signs a checkpoint of the beacon chain (chain_catch_up.hpp)
  // once the last one it sent is this many rounds old (one day of 10-s rounds), well
  // within the 65,536 rounds a node's chain check reaches.
  std::uint32_t chain_checkpoint_rounds = 8'640;
  firmware::BlobPolicy blob_policy{};
  // Radio timing the node knows about (for time-stamp compensation and backoff).
  std::uint32_t bitrate_bps = 250'000;  // IEEE 802.15.4, 2.4 GHz
  std::uint32_t preamble_bytes = 6;     // preamble, SFD, PHR
  std::uint32_t turnaround_us = 192;  // carrier sense to first bit on air
  std::uint32_t backoff_slot_us = 320;
  std::uint16_t backoff_slots = 16;
  // Gateway: beacon period; round r leaves the gateway at global time first_slot seconds
  // + (r − 1) periods (the nodes know it, and hold a beacon to it).
  std::uint64_t beacon_period_us = 10'000'000;
  // A beacon's time is taken only if its stamp lies within its round (the gateway's own
  // copy can leave seconds late when its radio is busy), and, on a node whose clock
  // beacons have set already, only if it moves that clock by at most the tolerance plus
  // what two clocks drifting `clock_tolerance_ppm` apart can have drifted since. A holder
  // of the network key can repeat a genuine copy under a time of its own
  // (docs/wire-format.md §6.5): this bounds what it can move a clock by.
  std::uint64_t beacon_time_tolerance_us = 5'000;
  // A node passes a beacon on once it holds a copy as near as its headers' way says, or
  // that way's parent's copy, or this long after the round's first copy, whichever first
  // (MeshNode::beacon_copy_near_enough()).
  std::uint64_t beacon_proof_wait_us = 500'000;
  // A node that passed a beacon on and hears no neighbour farther from the gateway pass it
  // on in turn passes it on again, up to this many times a round (MeshNode::watch_pass_on()):
  // where a single link carries the flood on, one lost copy ended the round for everything
  // beyond it.
  std::uint8_t beacon_repeats = 2;
  // Flood windows (flood_window.hpp). A node keeps a tag opening round w only while its
  // clock is at least the margin short of round w's start (a stolen node learns the key
  // when round w's beacon leaves the gateway, and clocks set by beacons agree to
  // milliseconds); it carries unchecked floods from round w's start until the grace after
  // round w + 1's start (a flood sent late in the round still crosses the mesh, which takes
  // seconds at 3,000 nodes). The gateway sends them from the lead after the round's start
  // (its beacon, which opens the window at each node, goes first) until the tail before the
  // next round's, and opens
  // rounds for this many rounds after the last such flood asked for (the back office closes
  // them when its phase ends; only the rounds announced by then stay open).
  std::uint64_t flood_window_margin_us = 100'000;
  std::uint64_t flood_window_grace_us = 3'000'000;
  std::uint64_t flood_window_lead_us = 500'000;
  std::uint64_t flood_window_tail_us = 2'000'000;
  std::uint32_t flood_window_demand_rounds = 2;
  std::uint32_t clock_tolerance_ppm = 100;
  std::uint8_t flood_ttl = 250;
  // Uplinks: retries when the next hop is not heard forwarding (implicit acknowledgement).
  // Routed messages (gateway → one node) use the same count.
  std::uint8_t uplink_retries = 3;
  // A node hearing at least this many live neighbours drops a copy of an uplink it has not
  // sent yet (a backup or sideways carrier of a retry) once any node of its own level or
  // closer carries it. In a dense mesh every retry otherwise starts as many paths as the
  // sender has neighbours a level up, and the copies collide: at mean degree 18, 151 uplink
  // frames per reading and 34-42 % of readings delivered in the clusters scenario. In a
  // sparse one the extra paths are what gets a retry through, so they stay.
  std::uint8_t dense_neighbours = 12;
  // Downward routes a node keeps (4 bytes each, route_table.hpp); the gateway keeps one
  // for every node regardless.
  std::uint16_t route_capacity = 4096;
  // Once settled, a node announces itself (a join record) after a random wait up to this
  // long, so that a whole mesh booting at once does not queue at the gateway together.
  // A network whose back office sends no per-node messages may leave joins out.
  bool join = true;
  std::uint64_t join_spread_us = 30'000'000;
  // A key from a broadcast rekey reaches every node within a second or two: each
  // acknowledges it after key_ack_after_us (the broadcast's repeats have passed by then)
  // and a random wait up to key_ack_spread_us, for the same reason.
  std::uint64_t key_ack_after_us = 5'000'000;
  std::uint64_t key_ack_spread_us = 20'000'000;
  // Dissemination.
  std::uint64_t sync_retry_us = 1'500'000;   // unsynchronised: ask for global time this often
  std::uint64_t push_interval_us = 35'000;   // gateway pace between fragment frames
  std::uint64_t repair_idle_us = 400'000;    // no progress this long → request missing chunks
  std::uint64_t trickle_min_us = 500'000;
  std::uint64_t trickle_max_us = 60'000'000;
};

[[nodiscard]] constexpr std::uint64_t frame_airtime_us(const MeshConfig& c, std::size_t frame_bytes) noexcept {
  return (static_cast<std::uint64_t>(frame_bytes + c.preamble_bytes) * 8U * 1'000'000U) / c.bitrate_bps;
}

}  // namespace meshsec::mesh
