// Shared pieces of the network layer tests: an in-memory non-volatile store, fixed test
// keys, and a small world of nodes driven by one test-owned clock.
#pragma once
#include <array>
#include <cstdint>
#include <memory>
#include <span>
#include <vector>

#include "net/network_layer.hpp"
#include "net/nv_state.hpp"
#include "wire/crc16.hpp"

namespace meshsec::net::testing {

inline constexpr std::array<std::uint8_t, 16> kNetKey{0x10, 0x11, 0x12, 0x13, 0x14, 0x15, 0x16, 0x17,
                                                      0x18, 0x19, 0x1a, 0x1b, 0x1c, 0x1d, 0x1e, 0x1f};
inline constexpr std::array<std::uint8_t, 16> kNewNetKey{0x20, 0x21, 0x22, 0x23, 0x24, 0x25, 0x26, 0x27,
                                                         0x28, 0x29, 0x2a, 0x2b, 0x2c, 0x2d, 0x2e, 0x2f};
inline constexpr std::array<std::uint8_t, 16> kOtherNetKey{0xa0, 0xa1, 0xa2, 0xa3, 0xa4, 0xa5, 0xa6, 0xa7,
                                                           0xa8, 0xa9, 0xaa, 0xab, 0xac, 0xad, 0xae, 0xaf};

// A node's own key-encryption key; distinct per address (test stand-in for a derived key).
inline std::array<std::uint8_t, 16> kek_for(std::uint16_t address) {
  std::array<std::uint8_t, 16> k{};
  for (std::size_t i = 0; i < k.size(); ++i) k[i] = static_cast<std::uint8_t>(0x40 + i + 7 * address);
  return k;
}

class MemoryNvStore final : public NvStore {
 public:
  bool store(const NetNvState& state) noexcept override {
    if (fail_next) {
      fail_next = false;
      return false;
    }
    saved.copy_from(state);
    ++writes;
    return true;
  }
  NetNvState saved;
  int writes = 0;
  bool fail_next = false;
};

inline NetConfig config_for(std::uint16_t address) {
  NetConfig c;
  c.address = address;
  c.channel = 3;
  c.domain = 0x2a5;
  c.whitelist.allow_range(0x01, 0x7f);
  c.nv_reserve_slots = 8;
  return c;
}

// One node: its network layer and the non-volatile memory that survives its reboots.
struct TestNode {
  explicit TestNode(const NetConfig& c) : config(c), nv(std::make_unique<MemoryNvStore>()) { boot_fresh(); }
  void boot_fresh() { layer = std::make_unique<NetworkLayer>(config, *nv); }
  // Power loss: RAM is gone, the non-volatile store stays; the node boots from it.
  bool reboot(LocalTime local_now = 0) {
    layer = std::make_unique<NetworkLayer>(config, *nv);
    layer->tick(local_now);
    const auto kek = kek_for(config.address);
    return layer->restore(nv->saved, kek) == SetupError::ok;
  }
  NetworkLayer& operator*() { return *layer; }
  NetworkLayer* operator->() { return layer.get(); }

  NetConfig config;
  std::unique_ptr<MemoryNvStore> nv;
  std::unique_ptr<NetworkLayer> layer;
};

inline std::unique_ptr<TestNode> make_node(std::uint16_t address, std::uint32_t slot = 1000,
                                           std::span<const std::uint8_t> key = kNetKey,
                                           std::uint32_t epoch = 0) {
  auto node = std::make_unique<TestNode>(config_for(address));
  const auto kek = kek_for(address);
  if ((*node)->provision(epoch, key, kek) != SetupError::ok) return nullptr;
  (*node)->set_global_time(slot);
  return node;
}

using Frame = std::vector<std::uint8_t>;

inline Frame send_frame(NetworkLayer& layer, std::uint16_t dst, std::span<const std::uint8_t> tokens,
                        SendError* error = nullptr) {
  std::array<std::uint8_t, NetworkLayer::max_radio_frame> out{};
  std::size_t n = 0;
  const SendError e = layer.send(dst, tokens, out, n);
  if (error != nullptr) *error = e;
  return Frame(out.begin(), out.begin() + static_cast<std::ptrdiff_t>(n));
}

inline RxResult deliver(NetworkLayer& layer, std::span<const std::uint8_t> frame,
                        TokenHandler* handler = nullptr, MicroClock* clock = nullptr) {
  std::array<std::uint8_t, NetworkLayer::max_radio_frame> plain{};
  return layer.receive(frame, plain, handler, clock);
}

// What an attacker does after changing bytes: make the radio CRC right again.
inline void fix_crc(Frame& f) {
  f.resize(f.size() - 2);
  const std::size_t n = f.size();
  f.resize(n + 2);
  (void)wire::append_crc16(f, n);
}

// One sensor token (type 0x21, 4 value bytes).
inline const std::array<std::uint8_t, 6> kSensorToken{0x21, 0x04, 0xde, 0xad, 0xbe, 0xef};

struct RecordingHandler final : TokenHandler {
  void on_token(std::uint16_t src, std::uint8_t type, std::span<const std::uint8_t> value) noexcept override {
    last_src = src;
    types.push_back(type);
    values.emplace_back(value.begin(), value.end());
  }
  std::uint16_t last_src = 0;
  std::vector<std::uint8_t> types;
  std::vector<std::vector<std::uint8_t>> values;
};

}  // namespace meshsec::net::testing
