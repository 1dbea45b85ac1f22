// The back office's signed checkpoint of the beacon chain, and a node's request for one
// (docs/wire-format.md §6.5, "Checkpoints"): how a node that was away longer than its
// chain check reaches (BeaconChainVerifier::max_steps, 7.6 days of rounds), or was made
// or kept on a shelf that long after its network began, trusts the chain again.
//
//   checkpoint   = round u32 ‖ chain value (16) ‖ Ed25519 signature (64)      84 bytes
//   signed bytes = "meshsec chain 1\0" ‖ network id u32 ‖ round u32 ‖ value    40 bytes
//   request      = round u32 (the round the requester trusts the chain at)       4 bytes
//
// Both travel as the body of a one-hop MessageType::checkpoint message; the length tells
// them apart. The value is c_{round·M}, the gateway's own copy of that round, public once
// the round's beacon went out: the signature adds the back office's word that it is the
// chain's, which a node could otherwise learn only by hashing it down to the value it
// trusts, one step per position (2·10^8 steps for a year of rounds, and as many for every
// forged far claim). The network id (the installation's 32-bit id, the one the chain's
// steps are keyed with) is signed, not sent: a checkpoint of one network means nothing in
// another.
#pragma once
#include <array>
#include <cstddef>
#include <cstdint>
#include <span>

#include "mesh/beacon_chain.hpp"

namespace meshsec::mesh {

inline constexpr std::size_t chain_checkpoint_size = 4 + beacon_chain_value_size + 64;
inline constexpr std::size_t chain_request_size = 4;
inline constexpr std::array<std::uint8_t, 16> chain_checkpoint_domain = {
    'm', 'e', 's', 'h', 's', 'e', 'c', ' ', 'c', 'h', 'a', 'i', 'n', ' ', '1', 0};
inline constexpr std::size_t chain_checkpoint_signed_size = chain_checkpoint_domain.size() + 4 + 4 + beacon_chain_value_size;

struct ChainCheckpoint {
  std::uint32_t network_id = 0;  // signed, not on the air: the receiver's own
  std::uint32_t round = 0;       // ≥ 1
  ChainValue value{};            // c_{round·M}
  std::array<std::uint8_t, 64> signature{};
  [[nodiscard]] constexpr std::uint64_t position() const noexcept { return chain_position(round, 0); }
  bool operator==(const ChainCheckpoint&) const = default;
};

// chain_checkpoint_size bytes; 0 when `out` is too small or the round is 0.
[[nodiscard]] std::size_t encode_chain_checkpoint(const ChainCheckpoint& c, std::span<std::uint8_t> out) noexcept;
// The bytes the back office signs and a node verifies (chain_checkpoint_signed_size).
[[nodiscard]] std::size_t chain_checkpoint_signed_message(const ChainCheckpoint& c, std::span<std::uint8_t> out) noexcept;
// False on a length error or round 0. `network_id` is the receiver's own.
[[nodiscard]] bool parse_chain_checkpoint(std::span<const std::uint8_t> body, std::uint32_t network_id,
                                          ChainCheckpoint& c) noexcept;
// chain_request_size bytes; 0 when `out` is too small.
[[nodiscard]] std::size_t encode_chain_request(std::uint32_t trusted_round, std::span<std::uint8_t> out) noexcept;
[[nodiscard]] bool parse_chain_request(std::span<const std::uint8_t> body, std::uint32_t& trusted_round) noexcept;

}  // namespace meshsec::mesh
