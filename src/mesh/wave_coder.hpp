// The erasure code of the firmware wave (docs/dissemination.md §Wave): each item (the
// signed header or one chunk packet) travels as `k` data fragments plus parity fragments
// of a systematic Reed-Solomon code over GF(2^8) with a Cauchy generator matrix, so any
// k of the n fragments rebuild it. A relay that lost a few fragments on its incoming
// link rebuilds the item, verifies it whole and sends all n on: losses do not pile up
// down the levels. The arithmetic is Intel ISA-L's (Debian libisal-dev).
//
// Fragments live back to back in one buffer of n × wave_fragment_size bytes; nothing is
// allocated (the tables sit on the stack: 32·k·(n−k) ≤ 8 KiB).
#pragma once
#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

namespace meshsec::mesh {

inline constexpr std::size_t wave_fragment_size = 82;
inline constexpr std::size_t wave_max_fragments = 32;  // n: one bit each in a u32 mask

// Data fragments an item of `size` bytes needs (0 when it needs more than the limit).
[[nodiscard]] std::size_t wave_data_fragments(std::size_t size) noexcept;

// Writes parity fragments k..n−1 from data fragments 0..k−1. False when 1 ≤ k < n ≤ 32
// does not hold or the buffer is shorter than n fragments.
[[nodiscard]] bool wave_encode(std::size_t k, std::size_t n, std::span<std::uint8_t> fragments) noexcept;

// Writes parity fragment `number` (k ≤ number < 32) of the k data fragments in `data`
// (k × wave_fragment_size bytes, the last one zero-padded) into `out`: the same bytes
// wave_encode() gives that fragment for any n > number. False on a bad geometry.
[[nodiscard]] bool wave_parity_fragment(std::size_t k, std::size_t number, std::span<const std::uint8_t> data,
                                        std::span<std::uint8_t, wave_fragment_size> out) noexcept;

// Rebuilds the missing data fragments (clear bits below k in `have`) from any k present
// fragments. False when fewer than k are present or the geometry is invalid; on true,
// fragments 0..k−1 hold the item.
[[nodiscard]] bool wave_recover(std::size_t k, std::size_t n, std::uint32_t have,
                                std::span<std::uint8_t> fragments) noexcept;

// The fewest parity fragments (1..max_parity) that keep the chance of losing an item of k
// data fragments on a link with independent frame loss `loss` at or below `target`
// (binomial tail: more than `parity` of the k + parity fragments lost); max_parity when
// none does.
[[nodiscard]] std::size_t wave_parity_for(std::size_t k, double loss, std::size_t max_parity, double target) noexcept;

// The parity room of the wave's periods, from what each relay needs (wave_parity_for with
// the largest room): one more than the median need (the upper median for an even count),
// within [1, max_room]; 1 without relays. A deep mesh, whose relays must each lose fewer
// items, gets more room; a shallow one does not stretch every period for its few relays
// with very lossy listeners (those listeners fetch what they miss by repair). Measured in
// docs/dissemination.md. Runs on the gateway's planner, so it may allocate.
[[nodiscard]] std::size_t wave_parity_room(std::vector<std::size_t> needs, std::size_t max_room);

}  // namespace meshsec::mesh
