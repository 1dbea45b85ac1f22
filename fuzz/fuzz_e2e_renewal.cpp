// E5 renewal frames: the back-end reading a request and the node reading a grant, with
// attacker bytes. Input: [selector] then the frame.
#include <array>
#include <cstddef>
#include <cstdint>

#include "crypto/x25519.hpp"
#include "e2e/key_renewal.hpp"
#include "wire/bounded_reader.hpp"

namespace {
std::array<std::uint8_t, 32> filled(std::uint8_t v) {
  std::array<std::uint8_t, 32> a{};
  a.fill(v);
  return a;
}
}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace meshsec::e2e;
  meshsec::wire::BoundedReader in({data, size});
  const std::uint8_t selector = in.u8();
  const auto frame = in.rest();
  if (!in.ok()) return 0;
  const RenewalPattern pattern = (selector & 1) ? RenewalPattern::ik : RenewalPattern::kk;
  const auto node_static = filled(1), backend_static = filled(2);
  std::array<std::uint8_t, 32> node_pub{}, backend_pub{};
  if (meshsec::crypto::x25519_public_from_private(node_static, node_pub) != meshsec::crypto::Status::ok ||
      meshsec::crypto::x25519_public_from_private(backend_static, backend_pub) != meshsec::crypto::Status::ok)
    return 0;
  std::array<std::uint8_t, RenewalLayout::max_frame> out{};
  std::size_t n = 0;
  meshsec::crypto::SecretArray<32> key;
  std::uint32_t version = 0, granted = 0;
  if (selector & 2) {
    std::uint32_t node_id = 0;
    E2eLevel level{};
    (void)peek_renewal_request(frame, node_id, level);
    const RenewalNodeRecord record{node_pub, 10, 1};
    const E2eError e = answer_renewal(pattern, backend_static, record, frame, out, n, key, version, granted);
    (void)e;  // a forged request cannot pass without the node's static key
  } else {
    RenewalInitiator node;
    if (node.request(pattern, {node_static, backend_pub}, 9, E2eLevel::e3, 11, 1, out, n) != E2eError::ok)
      __builtin_trap();
    if (node.accept(frame, key, version) == E2eError::ok) __builtin_trap();  // grant forged
  }
  return 0;
}
