// The level envelope at the gateway (E2 terminated, E3 required) and at the back-end,
// with attacker bytes as the E1 body / forwarded message. Nothing may be accepted.
#include <array>
#include <cstddef>
#include <cstdint>

#include "e2e/envelope.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace meshsec::e2e;
  const std::span<const std::uint8_t> body(data, size);
  std::array<std::uint8_t, 32> k2{}, k3{};
  k2.fill(2);
  k3.fill(3);
  E2eReceiver e2, e3;
  if (e2.start({E2eLevel::e2, E2eDirection::uplink, 5}, k2, 1) != E2eError::ok ||
      e3.start({E2eLevel::e3, E2eDirection::uplink, 5}, k3, 1) != E2eError::ok)
    return 0;
  const LevelSet all{0x0f};
  EnvelopeGateway gateway;
  EnvelopeBackend backend;
  if (gateway.configure(all, &e2) != E2eError::ok || backend.configure(all, &e3) != E2eError::ok) return 0;
  std::array<std::uint8_t, E2eLayout::max_message * 2> out{};
  std::size_t n = 0;
  if (gateway.open(body, out, n) == E2eError::ok) __builtin_trap();
  if (backend.open(body, out, n) == E2eError::ok) __builtin_trap();
  return 0;
}
