#include "mesh/beacon_chain.hpp"

#include <algorithm>
#include <string_view>

#include "crypto/mac.hpp"
#include "crypto/secure_memory.hpp"

namespace meshsec::mesh {

bool ChainHash::init(std::uint32_t network_id) noexcept {
  // The block cipher's key is public: what makes f one-way is the feed-forward
  // (Matyas-Meyer-Oseas), not a secret. One key per network, so that work spent on one
  // network's chains does not carry over to another's.
  constexpr std::string_view label = "meshsec beacon chain 1";
  crypto::Sha256 sha;
  std::array<std::uint8_t, 32> digest{};
  const std::array<std::uint8_t, 4> id{
      static_cast<std::uint8_t>(network_id >> 24), static_cast<std::uint8_t>(network_id >> 16),
      static_cast<std::uint8_t>(network_id >> 8), static_cast<std::uint8_t>(network_id)};
  if (sha.update({reinterpret_cast<const std::uint8_t*>(label.data()), label.size()}) != crypto::Status::ok ||
      sha.update(id) != crypto::Status::ok || sha.finish(digest) != crypto::Status::ok)
    return false;
  return aes_.init(std::span<const std::uint8_t>(digest).first(16)) == crypto::Status::ok;
}

bool ChainHash::walk(std::uint64_t from, std::uint64_t to, ChainValue& v) const noexcept {
  if (to > from || !aes_.ready()) return false;
  crypto::AesBlock::Block in{}, out{};
  for (std::uint64_t j = from; j > to; --j) {
    // f_j(x) = AES(x ⊕ T_j) ⊕ x ⊕ T_j, T_j the position: each step of the chain is a
    // different function, so one inverted step would not invert another.
    in = v;
    for (std::size_t b = 0; b < 8; ++b) in[8 + b] ^= static_cast<std::uint8_t>(j >> (56 - 8 * b));
    if (aes_.encrypt(in, out) != crypto::Status::ok) return false;
    for (std::size_t b = 0; b < v.size(); ++b) v[b] = static_cast<std::uint8_t>(out[b] ^ in[b]);
  }
  return true;
}

bool BeaconChainSource::init(std::uint32_t network_id, std::span<const std::uint8_t, beacon_chain_value_size> seed,
                             std::uint32_t rounds) {
  const std::uint32_t covered = chain_rounds(rounds);
  if (covered == 0 || !hash_.init(network_id)) return false;
  const std::uint64_t end = std::uint64_t{covered} * beacon_chain_hops;
  const std::uint64_t segments = end / segment;
  rounds_ = covered;
  segments_.assign(segments + 1, ChainValue{});
  loaded_ = UINT64_MAX;
  ChainValue v{};
  std::copy(seed.begin(), seed.end(), v.begin());
  segments_[segments] = v;
  const bool ok =
      hash_.walk(end, 0, segment, v, [&](std::uint64_t at, const ChainValue& value) { segments_[at / segment] = value; });
  if (ok) anchor_ = v;
  crypto::secure_wipe(v);
  return ok;
}

BeaconChainSource::~BeaconChainSource() {
  for (auto& c : segments_) crypto::secure_wipe(c);
  for (auto& c : within_) crypto::secure_wipe(c);
}

bool BeaconChainSource::load_segment(std::uint64_t index) noexcept {
  if (index == loaded_) return true;
  if (index + 1 >= segments_.size()) return false;
  // Walk down from the segment's top, keeping a checkpoint every checkpoint_every steps.
  constexpr std::uint64_t per_segment = segment / checkpoint_every;
  within_.assign(per_segment + 1, ChainValue{});
  ChainValue v = segments_[index + 1];
  const std::uint64_t base = index * segment;
  within_[per_segment] = v;
  const bool ok = hash_.walk(base + segment, base, checkpoint_every, v, [&](std::uint64_t at, const ChainValue& value) {
    within_[(at - base) / checkpoint_every] = value;
  });
  crypto::secure_wipe(v);
  if (ok) loaded_ = index;
  return ok;
}

bool BeaconChainSource::round_value(std::uint32_t round, ChainValue& out) noexcept {
  if (round == 0 || round > rounds_ || segments_.empty()) return false;
  const std::uint64_t position = chain_position(round, 0);
  // The segment holding the position below its top (a segment's top is the next one's base).
  const std::uint64_t index = (position - 1) / segment;
  if (!load_segment(index)) return false;
  const std::uint64_t offset = position - index * segment;
  const std::uint64_t checkpoint = (offset + checkpoint_every - 1) / checkpoint_every;
  out = within_[checkpoint];
  return hash_.walk(index * segment + checkpoint * checkpoint_every, position, out);
}

bool BeaconChainSource::value_at(std::uint32_t round, std::uint32_t hops, ChainValue& out) noexcept {
  return hops < beacon_chain_hops && round_value(round, out) &&
         hash_.walk(chain_position(round, 0), chain_position(round, hops), out);
}

bool BeaconChainSource::genuine(std::uint32_t round, std::uint32_t hops, const ChainValue& value) noexcept {
  ChainValue v{};
  const bool same = value_at(round, hops, v) && crypto::equal_constant_time(v, value);
  crypto::secure_wipe(v);
  return same;
}

bool BeaconChainVerifier::init(std::uint32_t network_id, const ChainValue& anchor) noexcept {
  ready_ = hash_.init(network_id);
  trusted_ = anchor;
  trusted_position_ = 0;
  return ready_;
}

bool BeaconChainVerifier::reanchor(std::uint64_t position, const ChainValue& value) noexcept {
  if (!ready_ || position <= trusted_position_) return false;
  trusted_ = value;
  trusted_position_ = position;
  return true;
}

BeaconChainVerifier::Verdict BeaconChainVerifier::check(std::uint32_t round, std::uint32_t hops,
                                                        const ChainValue& value) noexcept {
  if (!ready_ || round == 0 || hops >= beacon_chain_hops) return Verdict::forged;
  const std::uint64_t position = chain_position(round, hops);
  if (position > trusted_position_) {
    if (position - trusted_position_ > max_steps) return Verdict::too_far;
    ChainValue v = value;
    if (!hash_.walk(position, trusted_position_, v) || !crypto::equal_constant_time(v, trusted_)) return Verdict::forged;
    trusted_ = value;
    trusted_position_ = position;
    return Verdict::genuine;
  }
  // Behind what is trusted already: the trusted value hashed down must give this one.
  if (trusted_position_ - position > max_steps) return Verdict::too_far;
  ChainValue v = trusted_;
  if (!hash_.walk(trusted_position_, position, v)) return Verdict::forged;
  return crypto::equal_constant_time(v, value) ? Verdict::genuine : Verdict::forged;
}

bool BeaconChainVerifier::value_at(std::uint32_t round, std::uint32_t hops, ChainValue& out) const noexcept {
  if (!ready_ || round == 0 || hops >= beacon_chain_hops) return false;
  const std::uint64_t position = chain_position(round, hops);
  if (position > trusted_position_ || trusted_position_ - position > max_steps) return false;
  out = trusted_;
  return hash_.walk(trusted_position_, position, out);
}

std::uint8_t BeaconChainVerifier::pass_on_hops(std::uint32_t round) const noexcept {
  if (!ready_ || round == 0) return 0xFF;
  const std::uint64_t top = chain_position(round, 0);
  if (trusted_position_ > top || top - trusted_position_ + 1 >= beacon_chain_hops) return 0xFF;
  return static_cast<std::uint8_t>(top - trusted_position_ + 1);
}

bool BeaconChainVerifier::pass_on(std::uint32_t round, std::uint8_t& hops, ChainValue& out) const noexcept {
  hops = pass_on_hops(round);
  if (hops == 0xFF) return false;
  out = trusted_;
  return hash_.walk(trusted_position_, trusted_position_ - 1, out);
}

}  // namespace meshsec::mesh
