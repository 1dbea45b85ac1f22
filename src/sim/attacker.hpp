// An attacker station of the simulator (attack_campaign.cpp says what each one does).
#pragma once
#include <cstdint>
#include <deque>
#include <memory>
#include <vector>

#include "net/network_layer.hpp"
#include "node/node_record.hpp"
#include "node/nv_ram_store.hpp"
#include "sim/simulator.hpp"

namespace meshsec::sim {

struct Simulator::Attacker {
  AttackKind kind = AttackKind::none;
  std::uint32_t station = 0;
  struct Capture {
    std::vector<std::uint8_t> bytes;
    std::uint64_t time = 0;
    std::vector<std::uint32_t> accepted_by;
  };
  std::deque<Capture> captured;
  std::uint64_t captured_total = 0;
  std::uint64_t readable = 0;
  // Insiders: the stolen node's extracted keys in a real network layer.
  node::NvRamStore nv;
  std::unique_ptr<net::NetworkLayer> net;
  node::RecordSealer sealer;
  node::NodeId address = 0;
  std::uint32_t counter = 0;
  std::uint32_t forged_floods = 0;  // downlinks in the gateway's name it put on the air
  // The stolen node after its revocation: every rekey body neighbours handed on that it
  // heard (wire-format.md §7.5), after it asked for the key it was left out of.
  std::vector<std::vector<std::uint8_t>> handed_on;
};

}  // namespace meshsec::sim
