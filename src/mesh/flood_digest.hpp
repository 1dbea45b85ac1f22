// What makes two flood messages with the same number the same message, as this node sees
// it: a 24-bit keyed digest of the part every hop carries unchanged.
//
// Duplicate suppression keys on (type, origin, sequence number). Numbers are public and
// anyone holding the network key can put any number on the air, so an insider could send
// a message of its own under the number the gateway (or another node) is about to use:
// every node would then drop the genuine message as a copy of the forged one (docs/
// simulator.md §Attacks, "flood numbers taken ahead"). With the digest in the key, a
// forged message is only ever a copy of itself. The digest is keyed with a key only this
// node holds, so nobody can make another message collide with a genuine one on purpose.
#pragma once
#include <cstdint>
#include <span>

#include "crypto/mac.hpp"
#include "mesh/duplicate_cache.hpp"
#include "node/node_id.hpp"

namespace meshsec::mesh {

class FloodDigest {
 public:
  static constexpr unsigned bits = DuplicateCache::digest_bits;

  // The key: HKDF-SHA256 of the node's E2 key (secret, the node's own) under a label of
  // its own, so it is independent of every key the E2 key seals with.
  [[nodiscard]] bool init(std::span<const std::uint8_t> node_secret, node::NodeId id) noexcept;
  [[nodiscard]] bool ready() const noexcept { return mac_.ready(); }

  // The digest of `carried`, the bytes no hop changes. Before init() (or if the MAC ever
  // failed) 0: every message then keys on its number alone, as without the digest.
  [[nodiscard]] std::uint32_t of(std::span<const std::uint8_t> carried) noexcept;

 private:
  crypto::Mac mac_;
};

}  // namespace meshsec::mesh
