// What a node must find again of its sealed records (node_record.hpp) after a reboot or
// power loss (docs/wire-format.md §9, "Records"):
// - its uplink counter: a record sealed again under a counter already used would reuse an
//   AES-CCM nonce under the node's E2 key, and the back office drops it as a replay, so a
//   node that forgot it lost every reading until it counted past the old value. As the
//   network layer reserves slots, the node reserves counters in blocks and writes the end
//   of the block before it seals the first counter of it; after a reboot it goes on from
//   the end, every counter up to it counted as used;
// - the counter of the last downlink record of each kind it applied, so that an older
//   record replayed after a reboot is still refused;
// - the commissioning it applied (M9): the back office took its acknowledgement and does
//   not send the parameters again;
// - a beacon chain value it trusted (mesh/beacon_chain.hpp), written once a day of rounds
//   and after a checkpoint moved it: a node rebooted with only its anchor cannot check a
//   beacon of a network more than 7.6 days old, and would have to ask its neighbours for
//   the back office's checkpoint first (docs/wire-format.md §6.5).
// The caller keeps it (flash, or the simulator's RAM) through RecordNvStore, whose store()
// must not return before the write is durable.
#pragma once
#include <array>
#include <cstdint>

namespace meshsec::node {

struct RecordNvState {
  std::uint32_t uplink_reserved_until = 0;   // every uplink counter up to this may be used
  std::uint32_t commission_applied = 0;      // counters of the last downlink records applied
  std::uint32_t wave_part_applied = 0;
  std::uint32_t report_request_applied = 0;
  bool commissioned = false;
  std::array<std::uint8_t, 8> commission{};  // the commissioning record's plaintext
  std::uint64_t chain_position = 0;           // 0: none kept (the anchor, as made)
  std::array<std::uint8_t, 16> chain_value{};
  bool operator==(const RecordNvState&) const = default;
};

class RecordNvStore {
 public:
  virtual ~RecordNvStore() = default;
  [[nodiscard]] virtual bool store(const RecordNvState& state) noexcept = 0;
};

}  // namespace meshsec::node
