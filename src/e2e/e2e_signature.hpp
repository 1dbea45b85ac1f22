// L6 non-repudiation: the Ed25519 signature a node may add inside an E2/E3 message.
//
// Signed bytes = "meshsec/e2e/sig/v1" ‖ AAD (control, seed, sequence, node id, key version)
// ‖ payload: a signature cannot be moved to another node, level, direction, session or
// sequence number. It travels inside the ciphertext, so relays never see it.
#pragma once
#include <array>
#include <cstddef>
#include <cstdint>
#include <span>

#include "e2e/e2e_message_layout.hpp"

namespace meshsec::e2e {

inline constexpr std::array<std::uint8_t, 18> e2e_signature_label = {
    'm', 'e', 's', 'h', 's', 'e', 'c', '/', 'e', '2', 'e', '/', 's', 'i', 'g', '/', 'v', '1'};
inline constexpr std::size_t e2e_signed_input_max =
    e2e_signature_label.size() + E2eLayout::aad_size + E2eLayout::max_payload;

// Writes the signed bytes into out; returns their length (0 if the payload is too long).
[[nodiscard]] std::size_t e2e_signed_input(const E2eAad& aad, std::span<const std::uint8_t> payload,
                                           std::span<std::uint8_t, e2e_signed_input_max> out) noexcept;

}  // namespace meshsec::e2e
