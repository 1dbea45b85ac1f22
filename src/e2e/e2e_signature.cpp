#include "e2e/e2e_signature.hpp"

#include "wire/bounded_writer.hpp"

namespace meshsec::e2e {

std::size_t e2e_signed_input(const E2eAad& aad, std::span<const std::uint8_t> payload,
                             std::span<std::uint8_t, e2e_signed_input_max> out) noexcept {
  if (payload.size() > E2eLayout::max_payload) return 0;
  wire::BoundedWriter w(out);
  w.bytes(e2e_signature_label);
  w.bytes(aad);
  w.bytes(payload);
  return w.ok() ? w.size() : 0;
}

}  // namespace meshsec::e2e
