// Sealing and opening of a network key delivery (B1, docs/wire-format.md §7): AES-CCM
// under the target node's own key-encryption key (KEK), 16-byte tag, nonce binding the
// net id, target node, key epoch, flags and key index; AAD = target ‖ epoch ‖ flags.
//
// The distributor must seal each (target, epoch, flags) once: resending the very same
// bytes is fine, sealing another key under the same triple would reuse a nonce.
#pragma once
#include <cstddef>
#include <cstdint>
#include <span>

#include "crypto/aead.hpp"
#include "net/frame_crypto.hpp"
#include "wire/key_delivery.hpp"

namespace meshsec::net {

// Schedules a node's KEK (16 or 32 bytes) for key deliveries. Errors: as AesAead::init.
[[nodiscard]] crypto::Status init_key_encryption_key(crypto::AesAead& kek,
                                                     std::span<const std::uint8_t> key) noexcept;

// Writes the delivery blob (39 or 55 bytes) into `out`; sets `blob_length`.
[[nodiscard]] BuildError seal_key_delivery(crypto::AesAead& kek, std::uint16_t net_id,
                                           std::uint16_t target, std::uint32_t epoch,
                                           std::uint8_t flags, std::span<const std::uint8_t> new_key,
                                           std::span<std::uint8_t> out,
                                           std::size_t& blob_length) noexcept;

// Unwraps a parsed delivery into `key_out` (exactly wrapped_key.size() bytes).
// Errors: bad_length, auth_failed (key_out wiped), others from the AEAD.
[[nodiscard]] crypto::Status open_key_delivery(crypto::AesAead& kek, std::uint16_t net_id,
                                               const wire::KeyDeliveryView& delivery,
                                               std::span<std::uint8_t> key_out) noexcept;

}  // namespace meshsec::net
