// A stolen node's beacons (docs/wire-format.md §6.5, docs/simulator.md §Attacks). It holds
// the network key, so its frames pass every network layer; what the beacon chain leaves it
// is to repeat genuine copies it hears.
#include <array>
#include <limits>

#include "mesh/beacon_chain.hpp"
#include "mesh/mesh_message.hpp"
#include "sim/attacker.hpp"
#include "sim/simulator.hpp"

namespace meshsec::sim {
namespace {

std::size_t encode_insider_beacon(const mesh::BeaconBody& b, std::span<std::uint8_t> out) {
  mesh::MeshHeader h;
  h.type = mesh::MessageType::beacon;
  h.origin = 0;
  h.seq = static_cast<std::uint16_t>(b.round);
  // One hop from the gateway, on the backbone: the parent every neighbour would prefer.
  h.hops = 1;
  h.parent = 1;
  h.flags = mesh::flag_backbone;
  return mesh::encode_beacon(h, b, out);
}

}  // namespace

bool Simulator::send_forged_beacon(Attacker& a, bool far) {
  // Taken, it would move every clock and leave the gateway's own rounds behind as old ones.
  const auto& gw = *nodes_[0]->mesh;
  mesh::BeaconBody b;
  b.round = gw.round() + (far ? 100U : 1U);
  b.global_us = gw.global_us() + (far ? 3'600'000'000ULL : 400'000ULL);
  b.degree = 40;
  b.chain.fill(static_cast<std::uint8_t>(a.counter++));  // it cannot know the round's value
  std::array<std::uint8_t, mesh::max_message_size> message{};
  if (!send_as_insider(a, std::span<const std::uint8_t>(message).first(encode_insider_beacon(b, message)))) return false;
  last_transmission_of(a.station).forged_beacon = true;
  return true;
}

bool Simulator::send_poisoned_beacon(Attacker& a) {
  // The copy the neighbour nearest the gateway passes on this round, as the attacker hears it.
  const auto& gw = *nodes_[0]->mesh;
  const mesh::BeaconChainVerifier* best = nullptr;
  for (const auto& l : topology_.links(stolen_station_)) {
    if (!is_node(l.peer) || !nodes_[l.peer]->alive) continue;
    const auto& m = *nodes_[l.peer]->mesh;
    if (m.round() != gw.round()) continue;
    if (best == nullptr || m.beacon_chain().trusted_position() > best->trusted_position()) best = &m.beacon_chain();
  }
  if (best == nullptr) return false;
  mesh::BeaconBody b;
  b.round = gw.round();
  b.global_us = gw.global_us();
  b.degree = 40;
  if (!best->pass_on(b.round, b.chain_hops, b.chain)) return false;
  // With a tag of its own opening the next round for the floods no relay can check (it
  // cannot know that round's chain value): taken, its forged records floods would be
  // carried mesh-wide again (mesh/flood_window.hpp).
  b.opens_next = true;
  b.next_window.fill(static_cast<std::uint8_t>(a.counter++));
  std::array<std::uint8_t, mesh::max_message_size> message{};
  return send_as_insider(a, std::span<const std::uint8_t>(message).first(encode_insider_beacon(b, message)));
}

Simulator::Misled Simulator::nodes_misled_through_stolen_node() const {
  // A node misled counts fewer hops than the shortest way through the stolen node: its
  // hops to the gateway over live nodes, plus one. One fewer is what repeating a genuine
  // copy as its own buys (the chain cannot tell a copy heard from a copy made); two or
  // more fewer would be a lie the chain let through.
  std::vector<bool> alive = alive_stations();
  alive[stolen_station_] = true;  // its radio is there, whatever the mesh thinks
  const auto hops = topology_.hop_distances(&alive);
  const auto stolen_id = static_cast<node::NodeId>(stolen_station_ + 1);
  const std::uint32_t shortest = hops[stolen_station_] == std::numeric_limits<std::uint32_t>::max()
                                     ? std::numeric_limits<std::uint32_t>::max()
                                     : hops[stolen_station_] + 1;
  Misled misled;
  for (std::uint32_t i = 1; i < node_count(); ++i) {
    const auto& m = *nodes_[i]->mesh;
    if (!nodes_[i]->alive || m.parent() != stolen_id || m.hops() >= shortest) continue;
    ++(m.hops() + 1U == shortest ? misled.by_one : misled.by_more);
  }
  return misled;
}

}  // namespace meshsec::sim
