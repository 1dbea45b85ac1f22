// The firmware wave (M8, docs/dissemination.md §Wave): a scheduled, multi-channel,
// pipelined push of the blob along a relay tree the gateway planned (wave_plan.hpp).
//
// Time after the announced t0 is cut into periods of `per_period` fragment slots plus a
// guard at each end. Items are the signed header (item 0) and the chunk packets
// (item i = chunk i − 1). A relay at level L sends item i in period 2i + L on its own
// channel; a node at level e listens in period 2i + e − 1 on its upstream relay's
// channel. So a relay alternates receive and send (half duplex), the gateway starts a new
// item every second period, and relays that share a listener never share a channel while
// both are on the air (the planner's colouring).
//
// Each item travels as k data fragments plus parity (wave_coder.hpp); any k rebuild it.
// The rebuilt item goes to the node's own Disseminator, which verifies it (signature for
// the header, Merkle path for a chunk) before it is stored; a relay sends only items it
// stored, so only authentic chunks are forwarded. Whatever a node still lacks when its
// part of the wave ends, it fetches through the Disseminator's repair (requests, adverts).
#pragma once
#include <array>
#include <cstddef>
#include <cstdint>
#include <span>

#include "mesh/disseminator.hpp"
#include "mesh/mesh_message.hpp"
#include "mesh/wave_coder.hpp"
#include "node/chunk_store.hpp"
#include "node/node_id.hpp"

namespace meshsec::mesh {

// Radio channels as the node tunes them: the control channel carries everything that is
// not the wave; the wave uses control + 1 + the planner's channel number.
inline constexpr std::uint8_t control_channel = 0;
inline constexpr std::uint8_t wave_channel_count = 15;  // IEEE 802.15.4 at 2.4 GHz has 16

class WaveEngine {
 public:
  void assign(const WaveAssignment& assignment) noexcept;
  [[nodiscard]] const WaveAssignment& assignment() const noexcept { return assignment_; }

  // A new announcement starts following the wave; the same one again returns false.
  [[nodiscard]] bool announce(const WaveAnnouncement& announcement) noexcept;
  // Gateway: the announcement for its current blob (items, period geometry) starting at t0.
  [[nodiscard]] static bool plan_announcement(const Disseminator& d, std::uint64_t t0_us, std::uint8_t parity,
                                              std::uint16_t slot_us, std::uint16_t guard_us,
                                              WaveAnnouncement& out) noexcept;
  // A node follows a wave it has a part in: the part names the blob of the announcement.
  [[nodiscard]] bool following() const noexcept { return started_ && planned_; }
  [[nodiscard]] const WaveAnnouncement& announcement() const noexcept { return announcement_; }
  [[nodiscard]] std::uint64_t period_us() const noexcept;
  // Global time after which this node has no part left in the wave.
  [[nodiscard]] std::uint64_t end_us() const noexcept;
  // From a quarter period before this node's first wave period to its end: the radio
  // belongs to the schedule, contention traffic (CSMA on the control channel) waits.
  [[nodiscard]] bool busy_at(std::uint64_t global_us) const noexcept;

  // The channel the radio listens or sends on at this global time, and the global time
  // until which it stays so unless the node's own state changes (a received item).
  [[nodiscard]] std::uint8_t channel_at(std::uint64_t global_us, const Disseminator& d) const noexcept;
  [[nodiscard]] std::uint64_t channel_stable_until(std::uint64_t global_us) const noexcept;

  // Relay: global time of the next fragment due (UINT64_MAX: none).
  [[nodiscard]] std::uint64_t next_send_us() const noexcept;
  // Relay, at a send time: the fragment to send into `item`, `number`, `data` (82 bytes);
  // false when the slot passes unused (item not held, or the slot was missed).
  [[nodiscard]] bool take_fragment(std::uint64_t global_us, const Disseminator& d, const node::ChunkStore& store,
                                   std::uint16_t& item, std::uint8_t& number,
                                   std::span<std::uint8_t, wave_fragment_size> data) noexcept;

  // A wave fragment off the air from `sender`. Returns stored when it completed an item
  // that verified, partial while collecting, duplicate for an item already held,
  // rejected when the rebuilt item failed verification, out_of_order when ignored (not
  // following, not our upstream, unknown size yet).
  [[nodiscard]] ChunkOutcome on_fragment(node::NodeId sender, const WaveView& fragment, Disseminator& d,
                                         const DisseminationView& view, HeaderOutcome& header_outcome) noexcept;
  // An item this node stopped collecting before it could rebuild it (the next item began,
  // or the node's part of the wave ended): its fragments go to the Disseminator, so that
  // repair asks the upstream for what is missing rather than for the whole packet.
  void hand_over_partial(Disseminator& d, const DisseminationView& view) noexcept;
  // Global time the fragment from our upstream should have ended at (for resynchronising
  // the clock the way TSCH does on every received frame); 0 when it is not from upstream.
  [[nodiscard]] std::uint64_t expected_end_us(node::NodeId sender, const WaveView& fragment,
                                              std::uint64_t flight_us) const noexcept;

  struct Counters {
    std::uint64_t header_frames = 0, data_frames = 0, parity_frames = 0;  // header: item 0, all its fragments
    std::uint64_t items_received = 0, items_rebuilt = 0, items_rejected = 0, slots_skipped = 0;
  };
  [[nodiscard]] const Counters& counters() const noexcept { return counters_; }

 private:
  [[nodiscard]] bool holds(std::uint16_t item, const Disseminator& d) const noexcept;
  [[nodiscard]] std::size_t item_size(std::uint16_t item, const Disseminator& d) const noexcept;
  [[nodiscard]] std::uint64_t slot_start_us(std::uint64_t period, std::uint8_t number) const noexcept;
  // Fragments this relay sends of an item of k data fragments (0: size unknown yet).
  [[nodiscard]] std::size_t send_count(std::uint16_t item, std::size_t k) const noexcept;
  [[nodiscard]] bool build_tx(std::uint16_t item, const Disseminator& d, const node::ChunkStore& store) noexcept;

  // Layout: the schedule state first, the two item buffers last (see Disseminator).
  WaveAssignment assignment_{};
  bool planned_ = false;  // the assignment is a part in the announced wave
  WaveAnnouncement announcement_{};
  bool started_ = false;
  // Sending: the next (item, fragment) in order, and the encoded item it comes from.
  std::uint16_t tx_item_ = 0;
  std::uint8_t tx_number_ = 0;
  bool tx_built_ = false;
  std::uint16_t tx_built_item_ = 0;
  // Receiving: the item being collected.
  bool rx_open_ = false;
  std::uint16_t rx_item_ = 0;
  std::uint32_t rx_have_ = 0;
  std::uint64_t rx_heard_us_ = 0;  // local time of the last fragment collected
  Counters counters_{};
  std::array<std::uint8_t, wave_max_fragments * wave_fragment_size> tx_{};
  std::array<std::uint8_t, wave_max_fragments * wave_fragment_size> rx_{};
};

}  // namespace meshsec::mesh
