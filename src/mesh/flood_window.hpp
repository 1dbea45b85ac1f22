// Flood windows: the rounds in which relays carry the gateway's floods that no relay can
// check (docs/wire-format.md §6.6).
//
// A records flood (or a key delivery, or a key phase) is sealed for the node it names, or
// applied by the network layer: a relay cannot tell the gateway's from one a stolen node
// (network key extracted, not yet revoked) sends in the gateway's name, and every node
// carried such a forgery on. Twenty of them cost 15,000 frames at 3,000 nodes, and the
// readings lost in the crowd.
//
// So the gateway opens a round for such floods ahead of time, in the manner of TESLA: the
// beacon of round w − 1 carries a tag under round w's chain value, which nobody but the
// gateway can show before round w's beacon leaves it. A node keeps the tags it hears while
// its clock says round w has not begun, checks them when round w's beacon shows the value,
// and carries such floods only while a round it checked is open. A stolen node that hears
// the tag can flood in that round too (the gateway opens rounds only while it has such
// floods to send); in every other round its forgery goes no further than its neighbours.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>

#include "mesh/beacon_chain.hpp"
#include "mesh/mesh_message.hpp"

namespace meshsec::mesh {

using FloodWindowTag = std::array<std::uint8_t, beacon_window_tag_size>;

// The copy of round w whose value keys round w's tag: the one M − 1 hops out, which every
// node that takes any copy of round w can compute, and nobody before round w began.
inline constexpr std::uint32_t flood_window_key_hops = beacon_chain_hops - 1;

// Tag opening round `round`: AES-CMAC under `key` (round `round`'s chain value
// flood_window_key_hops out) of "meshsec flood window v1" ‖ network id u32be ‖ round u32be,
// truncated to 8 bytes. False only when the MAC fails.
[[nodiscard]] bool flood_window_tag(std::uint32_t network_id, std::uint32_t round, const ChainValue& key,
                                    FloodWindowTag& out) noexcept;

}  // namespace meshsec::mesh
