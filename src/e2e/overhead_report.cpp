#include "e2e/overhead_report.hpp"

#include <array>

#include "crypto/ed25519.hpp"
#include "crypto/random.hpp"
#include "crypto/secret.hpp"
#include "e2e/e2e_sender.hpp"
#include "e2e/envelope.hpp"
#include "e2e/memory_sequence_store.hpp"

namespace meshsec::e2e {
namespace {

constexpr std::size_t kProbeSize = 10;

E2eError start_sender(E2eSender& sender, E2eLevel level, bool with_signature, SequenceStore& store) noexcept {
  crypto::SecretArray<E2eLayout::key_size> key;
  if (crypto::random_secret_bytes(key.span()) != crypto::Status::ok) return E2eError::crypto_failure;
  const E2eError e = sender.start({level, E2eDirection::uplink, 1}, key.span(), 1, store);
  if (e != E2eError::ok || !with_signature) return e;
  crypto::SecretArray<32> seed;
  std::array<std::uint8_t, 32> pub{};
  if (crypto::ed25519_generate(seed.span(), pub) != crypto::Status::ok) return E2eError::crypto_failure;
  sender.enable_signing(seed.span());
  return E2eError::ok;
}

E2eError sealed_size(EnvelopeSealer& sealer, std::size_t& size) noexcept {
  const std::array<std::uint8_t, kProbeSize> probe{};
  std::array<std::uint8_t, 2 * E2eLayout::max_message> out{};
  return sealer.seal(probe, out, size);
}

}  // namespace

E2eError measure_overhead(LevelSet levels, bool with_signature, const LinkFrameSizer* e1,
                          OverheadRow& out) noexcept {
  out = OverheadRow{};
  out.levels = levels;
  out.with_signature = with_signature;
  MemorySequenceStore store2, store3;
  E2eSender e2, e3;
  const bool has2 = levels.has(SecurityLevel::e2);
  const bool has3 = levels.has(SecurityLevel::e3);
  E2eError e = E2eError::ok;
  if (has2) e = start_sender(e2, E2eLevel::e2, with_signature, store2);
  if (e == E2eError::ok && has3) e = start_sender(e3, E2eLevel::e3, with_signature, store3);
  if (e != E2eError::ok) return e;

  // Each layer measured on its own, then the stack as configured.
  std::size_t body = 0;
  if (has3) {
    EnvelopeSealer only3;
    if ((e = only3.configure(LevelSet{}.with(SecurityLevel::e3), nullptr, &e3)) != E2eError::ok ||
        (e = sealed_size(only3, body)) != E2eError::ok)
      return e;
    out.e3_bytes = body - kProbeSize;
  }
  EnvelopeSealer sealer;
  if ((e = sealer.configure(levels, has2 ? &e2 : nullptr, has3 ? &e3 : nullptr)) != E2eError::ok ||
      (e = sealed_size(sealer, body)) != E2eError::ok)
    return e;
  out.e2_bytes = body - kProbeSize - out.e3_bytes;

  // E1 framing costs the same for any body (CCM adds no padding), so it is measured on
  // the bare probe: a stack that no longer fits one frame still gets its figure.
  std::size_t budget32 = 32;
  std::size_t budget127 = 127;
  if (levels.has(SecurityLevel::e1)) {
    std::size_t radio = 0;
    if (e1 == nullptr || !e1->radio_length(kProbeSize, radio) || radio < kProbeSize) return E2eError::not_ready;
    out.e1_bytes = radio - kProbeSize;
    budget32 = e1->budget_32();
    budget127 = e1->budget_127();
  }
  out.overhead_bytes = out.e1_bytes + out.e2_bytes + out.e3_bytes + out.e4_bytes;
  out.payload_left_32 = static_cast<long>(budget32) - static_cast<long>(out.overhead_bytes);
  out.payload_left_127 = static_cast<long>(budget127) - static_cast<long>(out.overhead_bytes);
  return E2eError::ok;
}

}  // namespace meshsec::e2e
