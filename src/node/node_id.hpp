// Addresses on the mesh: 16-bit node ids, one reserved for broadcast.
#pragma once
#include <cstdint>

namespace meshsec::node {

using NodeId = std::uint16_t;
inline constexpr NodeId broadcast_id = 0xFFFF;
inline constexpr NodeId no_node = 0xFFFE;
inline constexpr std::uint32_t max_nodes = 0xFFF0;

}  // namespace meshsec::node
