// E1 receive path on attacker-chosen bytes: parse, every filter, CCM open, replay, token
// dispatch (docs/wire-format.md §10). Input: [mode] then the frame.
//   mode bit 0: append a correct CRC (so the fuzzer gets past the radio check)
//   mode bit 1: receiver not yet synchronised
//   mode bit 2: seal the bytes as tokens with the real sender first, so the parsers
//               behind the MIC (tokens, key phase, key delivery) see arbitrary input
// No MAC check is bypassed.
#include <array>
#include <cstddef>
#include <cstdint>
#include <vector>

#include "net/network_layer.hpp"
#include "wire/bounded_reader.hpp"
#include "wire/crc16.hpp"
#include "wire/key_delivery.hpp"
#include "wire/net_frame.hpp"
#include "wire/net_token.hpp"

namespace {

using namespace meshsec;

class NoStore final : public net::NvStore {
 public:
  bool store(const net::NetNvState&) noexcept override { return true; }
};

struct Sink final : net::TokenHandler {
  void on_token(std::uint16_t, std::uint8_t, std::span<const std::uint8_t> value) noexcept override {
    if (value.size() > 255) __builtin_trap();
  }
};

const std::array<std::uint8_t, 16> kKey{1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16};
const std::array<std::uint8_t, 16> kKek{9, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9};

net::NetConfig config_for(std::uint16_t address) {
  net::NetConfig c;
  c.address = address;
  c.channel = 3;
  c.domain = 0x2a5;
  c.whitelist.allow_range(0x01, 0x7f);
  return c;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  wire::BoundedReader in({data, size});
  const std::uint8_t mode = in.u8();
  const auto body = in.rest();
  if (!in.ok() || body.size() > 256) return 0;

  NoStore store;
  net::NetworkLayer rx(config_for(2), store);
  if (rx.provision(0, kKey, kKek) != net::SetupError::ok) __builtin_trap();
  if ((mode & 2) == 0) rx.set_global_time(40'000);

  std::vector<std::uint8_t> frame(body.begin(), body.end());
  if ((mode & 4) != 0) {
    net::NetworkLayer tx(config_for(1), store);
    if (tx.provision(0, kKey, kKek) != net::SetupError::ok) __builtin_trap();
    tx.set_global_time(40'000);
    frame.assign(net::NetworkLayer::max_radio_frame, 0);
    std::size_t n = 0;
    if (tx.send(2, body, frame, n) != net::SendError::ok) return 0;
    frame.resize(n);
  } else if ((mode & 1) != 0) {
    const std::size_t n = frame.size();
    frame.resize(n + 2);
    if (!wire::append_crc16(frame, n)) __builtin_trap();
  }

  std::array<std::uint8_t, net::NetworkLayer::max_radio_frame> plain{};
  Sink sink;
  const net::RxResult r = rx.receive(frame, plain, &sink);
  if (r.accepted() && r.payload_length > frame.size()) __builtin_trap();
  if (!r.accepted()) {
    for (auto b : plain)
      if (b != 0) __builtin_trap();  // nothing of a dropped frame's plaintext survives
  }
  if ((mode & 4) != 0 && (mode & 2) == 0 && !r.accepted()) __builtin_trap();  // genuine frame

  // The parsers behind the MIC, straight on the input as well.
  (void)wire::validate_tokens(body);
  wire::KeyDeliveryView view;
  (void)wire::read_key_delivery(body, view);
  wire::SyncRequestBody sync;
  (void)wire::read_sync_request(body, sync);
  return 0;
}
