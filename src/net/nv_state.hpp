// The network layer's non-volatile state (docs/wire-format.md §9): what a node must find
// again after a reboot or power loss so that it never reuses a nonce and keeps the keys
// it received over the air. The caller stores it (flash, or a struct in the simulator);
// NetworkLayer hands it over through NvStore *before* it relies on it.
#pragma once
#include <cstdint>

#include "crypto/secret.hpp"

namespace meshsec::net {

enum class KeyPhase : std::uint8_t {
  normal = 0,    // one key, used for everything
  staged = 1,    // new key accepted, old key still used for sending
  switched = 2,  // new key used for sending, old key still accepted
};

struct NetKeyRecord {
  bool present = false;
  std::uint32_t epoch = 0;
  std::uint8_t length = 0;  // 16 or 32
  crypto::SecretArray<32> key;
};

struct NetNvState {
  // Every global slot up to and including this one may already have carried a frame of
  // ours: after a reboot the node never sends in any of them.
  std::uint32_t reserved_until = 0;
  bool has_reservation = false;
  NetKeyRecord keys[2];
  std::uint8_t send_slot = 0;
  KeyPhase phase = KeyPhase::normal;

  void copy_from(const NetNvState& other) noexcept {
    reserved_until = other.reserved_until;
    has_reservation = other.has_reservation;
    for (int i = 0; i < 2; ++i) {
      keys[i].present = other.keys[i].present;
      keys[i].epoch = other.keys[i].epoch;
      keys[i].length = other.keys[i].length;
      keys[i].key.assign(other.keys[i].key.span());
    }
    send_slot = other.send_slot;
    phase = other.phase;
  }
};

// Where the caller keeps NetNvState. store() must not return until the state is durable
// (written and verified); returning false makes the operation that needed it fail.
class NvStore {
 public:
  virtual ~NvStore() = default;
  [[nodiscard]] virtual bool store(const NetNvState& state) noexcept = 0;
};

}  // namespace meshsec::net
