// Noise handshake message reader at every step of NK, IK, XK, KK and XX (25519, AESGCM,
// SHA256). Input: [pattern][step] then the message. The messages before `step` are
// produced honestly with fixed keys; the fuzzer's bytes replace message `step`.
#include <array>
#include <cstddef>
#include <cstdint>
#include <vector>

#include "e2e/noise_handshake_state.hpp"
#include "wire/bounded_reader.hpp"

namespace {
using namespace meshsec::e2e;

std::array<std::uint8_t, 32> filled(std::uint8_t v) {
  std::array<std::uint8_t, 32> a{};
  a.fill(v);
  return a;
}
}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  meshsec::wire::BoundedReader in({data, size});
  const std::uint8_t pattern = in.u8();
  const std::uint8_t step = in.u8();
  const auto message = in.rest();
  if (!in.ok()) return 0;
  static const char* names[] = {"Noise_NK_25519_AESGCM_SHA256", "Noise_IK_25519_AESGCM_SHA256",
                                "Noise_XK_25519_AESGCM_SHA256", "Noise_KK_25519_AESGCM_SHA256",
                                "Noise_XXpsk3_25519_AESGCM_SHA256"};
  const char* name = names[pattern % 5];
  const auto i_static = filled(1), r_static = filled(2), i_eph = filled(3), r_eph = filled(4), psk = filled(5);
  std::array<std::uint8_t, 32> i_pub{}, r_pub{};
  if (meshsec::crypto::x25519_public_from_private(i_static, i_pub) != meshsec::crypto::Status::ok ||
      meshsec::crypto::x25519_public_from_private(r_static, r_pub) != meshsec::crypto::Status::ok)
    return 0;
  NoiseHandshakeConfig ic{name, NoiseRole::initiator, {}, i_static, r_pub, {}};
  NoiseHandshakeConfig rc{name, NoiseRole::responder, {}, r_static, i_pub, {}};
  ic.psks[0] = psk;
  rc.psks[0] = psk;
  NoiseHandshakeState initiator, responder;
  if (initiator.initialize(ic, NoiseTestOnlyEphemeral(i_eph)) != NoiseError::ok ||
      responder.initialize(rc, NoiseTestOnlyEphemeral(r_eph)) != NoiseError::ok)
    return 0;
  std::vector<std::uint8_t> buf(1024), out(noise_max_message);
  const int target = step % 3;
  for (int turn = 0; turn <= target; ++turn) {
    if (initiator.finished()) return 0;
    NoiseHandshakeState& w = turn % 2 == 0 ? initiator : responder;
    NoiseHandshakeState& r = turn % 2 == 0 ? responder : initiator;
    std::size_t n = 0, m = 0;
    if (turn < target) {
      if (w.write_message({}, buf, n) != NoiseError::ok || r.read_message({buf.data(), n}, out, m) != NoiseError::ok)
        __builtin_trap();  // the honest run must work
      continue;
    }
    const NoiseError e = r.read_message(message, out, m);
    if (e == NoiseError::ok && r.finished()) {
      NoiseCipherState a, b;
      if (r.split(a, b) != NoiseError::ok) __builtin_trap();
    }
  }
  return 0;
}
