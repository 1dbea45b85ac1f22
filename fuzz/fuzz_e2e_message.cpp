// E2/E3 message parser and opener with attacker-chosen bytes. Input: [policy] then the
// message. A receiver must never accept (no key is known to the fuzzer), must leave the
// output wiped on failure, and must never read outside the message.
#include <array>
#include <cstddef>
#include <cstdint>

#include "e2e/e2e_message_layout.hpp"
#include "e2e/e2e_receiver.hpp"
#include "wire/bounded_reader.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace meshsec::e2e;
  meshsec::wire::BoundedReader in({data, size});
  const std::uint8_t policy = in.u8();
  const auto message = in.rest();
  if (!in.ok()) return 0;

  E2eMessageView view;
  (void)parse_e2e_message(message, view);

  static const std::array<std::uint8_t, 32> key = {7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7,
                                                   7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7};
  static const std::array<std::uint8_t, 32> signer = {
      0xd7, 0x5a, 0x98, 0x01, 0x82, 0xb1, 0x0a, 0xb7, 0xd5, 0x4b, 0xfe, 0xd3, 0xc9, 0x64, 0x07, 0x3a,
      0x0e, 0xe1, 0x72, 0xf3, 0xda, 0xa6, 0x23, 0x25, 0xaf, 0x02, 0x1a, 0x68, 0xf7, 0x07, 0x51, 0x1a};
  E2eReceiver receiver;
  const E2eSessionParams params{(policy & 1) ? E2eLevel::e3 : E2eLevel::e2,
                                (policy & 2) ? E2eDirection::downlink : E2eDirection::uplink, 0x1234};
  if (receiver.start(params, key, policy >> 4, E2eReceiverPolicy{(policy & 4) != 0, (policy & 8) != 0}) !=
      E2eError::ok)
    return 0;
  receiver.set_signature_key(signer);
  std::array<std::uint8_t, E2eLayout::max_payload> out{};
  out.fill(0xaa);
  std::size_t n = 0;
  const E2eError e = receiver.open(message, out, n);
  if (e == E2eError::ok) __builtin_trap();  // forging without the key
  if (n != 0) __builtin_trap();
  if (e == E2eError::auth_failed)
    for (std::size_t i = 0; i < message.size() && i < out.size(); ++i)
      if (out[i] != 0xaa) __builtin_trap();  // payload only written after authentication
  return 0;
}
