// One-way chain that authenticates the gateway's beacons (docs/wire-format.md §6.5).
//
// A beacon carries global time and its round; a node takes both from the first copy of a
// new round. The network key authenticates a frame only as coming from some holder of
// that key, so before this chain a stolen node could flood a beacon of a later round with
// a time of its choosing: every node took it, the gateway's own rounds were old from then
// on, and the mesh's time and every time window with it belonged to the attacker.
//
// The chain (in the manner of TESLA and SAODV hop-count chains) is a sequence of 16-byte
// values c_0 … c_N with c_{j-1} = f_j(c_j), f a one-way function (Matyas-Meyer-Oseas over
// AES-128 with a public per-network key, the position j mixed in). The gateway holds c_N,
// the seed custody derives for its network (keys::KeyPurpose::chain); every node holds the
// anchor c_0, computed once per network at the factory (chain_anchor). Both come with the
// keys (keys::NodeKeySet, the personalisation image). Round r's beacon, k hops from the
// gateway, carries c_{r·M−k} (M = beacon_chain_hops). So:
// - nobody but the gateway can show a value of a round not yet begun (it would take a
//   preimage of f): a later round cannot be forged;
// - a copy passed on is the value heard, hashed once per hop: a node can claim as many
//   hops as it likes, but not fewer than the copy it heard (it could at most repeat that
//   copy as its own);
// - a node checks a copy by hashing it down to the last value it trusts, about M steps
//   a round, and trusts the new one from then on.
#pragma once
#include <algorithm>
#include <array>
#include <cstdint>
#include <span>
#include <vector>

#include "crypto/aes_block.hpp"
#include "crypto/secure_memory.hpp"
#include "keys/node_key_set.hpp"

namespace meshsec::mesh {

inline constexpr std::uint32_t beacon_chain_hops = 64;  // M: a beacon goes at most this many hops
inline constexpr std::size_t beacon_chain_value_size = 16;
using ChainValue = std::array<std::uint8_t, beacon_chain_value_size>;
static_assert(beacon_chain_value_size == keys::beacon_chain_seed_size, "the seed is the chain's end value");
static_assert(std::uint64_t{keys::max_beacon_chain_rounds} * beacon_chain_hops <= UINT32_MAX,
              "keys::max_beacon_chain_rounds keeps every position within 32 bits");

// Position of round r (≥ 1) at hop k (< M); the anchor is position 0.
[[nodiscard]] constexpr std::uint64_t chain_position(std::uint32_t round, std::uint32_t hops) noexcept {
  return std::uint64_t{round} * beacon_chain_hops - hops;
}

// A gateway keeps checkpoints a segment at a time (BeaconChainSource), so a chain asked for
// `rounds` rounds is built to the end of the segment they reach: it covers this many rounds,
// a multiple of 1,024, and its end (the seed) sits at position chain_rounds(rounds)·M. 0 when
// rounds is 0 or beyond keys::max_beacon_chain_rounds.
[[nodiscard]] constexpr std::uint32_t chain_rounds(std::uint32_t rounds) noexcept {
  constexpr std::uint64_t per_segment = (std::uint64_t{1} << 16) / beacon_chain_hops;
  if (rounds == 0 || rounds > keys::max_beacon_chain_rounds) return 0;
  return static_cast<std::uint32_t>((rounds + per_segment - 1) / per_segment * per_segment);
}

// f itself: one network's one-way step. The network is the installation's id in the key
// hierarchy (keys::NodeKeySet::network_id, the same the seed's derivation names), not the
// radio's 16-bit net field: the factory fixes the chain, and knows the former only.
class ChainHash {
 public:
  [[nodiscard]] bool init(std::uint32_t network_id) noexcept;
  // v, the value at position `from`, becomes the value at position `to` (to ≤ from).
  [[nodiscard]] bool walk(std::uint64_t from, std::uint64_t to, ChainValue& v) const noexcept;
  // The same walk in pieces of `piece` steps (from − to a multiple of it), calling
  // at_piece(position, value) at the end of each: how checkpoints are laid and progress shown.
  template <class AtPiece>
  [[nodiscard]] bool walk(std::uint64_t from, std::uint64_t to, std::uint64_t piece, ChainValue& v,
                          AtPiece&& at_piece) const {
    for (std::uint64_t at = from; at > to; at -= piece) {
      if (!walk(at, at - piece, v)) return false;
      at_piece(at - piece, static_cast<const ChainValue&>(v));
    }
    return true;
  }

 private:
  crypto::AesBlock aes_;
};

// Gateway: the chain from its secret end, kept as checkpoints on two levels: one every
// `segment` positions for the whole chain, and one every `checkpoint_every` within the
// segment in use (rebuilt from its segment's checkpoint when the rounds move into the next
// segment). Each value then costs at most checkpoint_every steps, and a chain for ten
// years of 10-s rounds (2·10^9 positions) keeps 490 KB of checkpoints.
class BeaconChainSource {
 public:
  static constexpr std::uint64_t checkpoint_every = 512;
  static constexpr std::uint64_t segment = std::uint64_t{1} << 16;
  // Builds a chain for `rounds` rounds (chain_rounds(): rounded up to whole segments) from
  // `seed`: one step per position, once. False for rounds outside
  // 1..keys::max_beacon_chain_rounds.
  [[nodiscard]] bool init(std::uint32_t network_id, std::span<const std::uint8_t, beacon_chain_value_size> seed,
                          std::uint32_t rounds);
  BeaconChainSource() = default;
  BeaconChainSource(const BeaconChainSource&) = delete;
  BeaconChainSource& operator=(const BeaconChainSource&) = delete;
  ~BeaconChainSource();
  [[nodiscard]] const ChainValue& anchor() const noexcept { return anchor_; }
  [[nodiscard]] std::uint32_t rounds() const noexcept { return rounds_; }
  // c_{r·M}: the value round r's beacon leaves the gateway with; false past the chain's end.
  [[nodiscard]] bool round_value(std::uint32_t round, ChainValue& out) noexcept;
  // Round `round`'s copy `hops` hops out (its value hashed down `hops` steps).
  [[nodiscard]] bool value_at(std::uint32_t round, std::uint32_t hops, ChainValue& out) noexcept;
  // Whether `value` is round `round`'s copy `hops` hops out (the gateway checks the copies
  // its neighbours pass back from its own end of the chain, at most 512 + M steps).
  [[nodiscard]] bool genuine(std::uint32_t round, std::uint32_t hops, const ChainValue& value) noexcept;

 private:
  [[nodiscard]] bool load_segment(std::uint64_t index) noexcept;
  ChainHash hash_;
  ChainValue anchor_{};
  // Secret until their rounds come: wiped at the end.
  std::vector<ChainValue> segments_;  // value at position s·segment, s = 0 … end/segment
  std::vector<ChainValue> within_;    // the loaded segment's, every checkpoint_every positions
  std::uint64_t loaded_ = UINT64_MAX;  // index of the loaded segment
  std::uint32_t rounds_ = 0;
};

// Node: the last value it trusts, and each copy checked against it.
class BeaconChainVerifier {
 public:
  // At most this many steps for one check: 2^22 is 65,536 rounds, 7.6 days of 10 s
  // rounds asleep; a node away longer needs its anchor again.
  static constexpr std::uint64_t max_steps = std::uint64_t{1} << 22;
  enum class Verdict : std::uint8_t { genuine, forged, too_far };

  [[nodiscard]] bool init(std::uint32_t network_id, const ChainValue& anchor) noexcept;
  [[nodiscard]] bool ready() const noexcept { return ready_; }
  // Checks round `round`'s copy claiming `hops`; a genuine one further along the chain than
  // anything trusted so far becomes the trusted value.
  [[nodiscard]] Verdict check(std::uint32_t round, std::uint32_t hops, const ChainValue& value) noexcept;
  // A value the back office vouches for (a signed checkpoint, chain_checkpoint.hpp):
  // trusted from now on when it lies further along the chain than the value trusted now;
  // false otherwise (nothing changes).
  [[nodiscard]] bool reanchor(std::uint64_t position, const ChainValue& value) noexcept;
  // The position and value trusted now (the fewest hops of the latest round seen).
  [[nodiscard]] std::uint64_t trusted_position() const noexcept { return trusted_position_; }
  [[nodiscard]] const ChainValue& trusted() const noexcept { return trusted_; }
  // The copy this node passes on for `round`: the trusted value one step on, one hop more.
  // False when nothing of that round is trusted, or the copy would go M hops or more.
  [[nodiscard]] bool pass_on(std::uint32_t round, std::uint8_t& hops, ChainValue& out) const noexcept;
  // Round `round`'s copy `hops` hops out, from the value trusted now; false when that is
  // further along the chain than what is trusted (or more than max_steps behind it).
  [[nodiscard]] bool value_at(std::uint32_t round, std::uint32_t hops, ChainValue& out) const noexcept;
  // The hops that copy would show, without making it (0xFF: none to pass on).
  [[nodiscard]] std::uint8_t pass_on_hops(std::uint32_t round) const noexcept;

 private:
  ChainHash hash_;
  ChainValue trusted_{};
  std::uint64_t trusted_position_ = 0;
  bool ready_ = false;
};

// The anchor c_0 of the chain BeaconChainSource::init builds from the same arguments,
// without keeping any checkpoint: what the factory (and the simulator's manufacture) hands
// every node of a network. It costs chain_rounds(rounds)·M steps, 2·10^9 for ten years of
// 10-s rounds, so it walks a segment at a time and calls progress(walked, total) after each
// with the positions walked so far and the total. False for rounds outside
// 1..keys::max_beacon_chain_rounds or when the block cipher fails; `out` is then zero.
template <class Progress>
[[nodiscard]] bool chain_anchor(std::uint32_t network_id, std::span<const std::uint8_t, beacon_chain_value_size> seed,
                                std::uint32_t rounds, ChainValue& out, Progress&& progress) {
  out.fill(0);
  const std::uint32_t covered = chain_rounds(rounds);
  ChainHash hash;
  if (covered == 0 || !hash.init(network_id)) return false;
  // From the seed's position down to 0, the walk BeaconChainSource::init makes, one segment
  // a piece (the end is a multiple of the segment: whole pieces only).
  const std::uint64_t end = std::uint64_t{covered} * beacon_chain_hops;
  ChainValue v{};
  std::copy(seed.begin(), seed.end(), v.begin());
  const bool ok = hash.walk(end, 0, BeaconChainSource::segment, v,
                            [&](std::uint64_t at, const ChainValue&) { progress(end - at, end); });
  if (ok) out = v;
  crypto::secure_wipe(v);
  return ok;
}
[[nodiscard]] inline bool chain_anchor(std::uint32_t network_id,
                                       std::span<const std::uint8_t, beacon_chain_value_size> seed,
                                       std::uint32_t rounds, ChainValue& out) {
  return chain_anchor(network_id, seed, rounds, out, [](std::uint64_t, std::uint64_t) {});
}

}  // namespace meshsec::mesh
