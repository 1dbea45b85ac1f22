// Per-link keys of the native scheme (docs/signing.md §Native mode, keys). Each node's
// signing key is derived from the customer master, so the gateway (which holds the master
// in custody) can recompute any node's key while a node holds only its own: a stolen node
// signs as itself and as nobody else.
//
//   K_node = KBKDF-CTR-HMAC-SHA256(master, Label, Context, 256)       (SP 800-108r1 §4.1)
//   Label   = "meshsec-mys-native-sign"
//   Context = u8 n ‖ customer id (n bytes) ‖ u8 node id ‖ u32be key version
//
// The same function runs inside key custody (hsm::KeyStore::derive_key with the HMAC PRF
// and this Label/Context), see custody_peer_keys.hpp; tests hold the two equal.
#pragma once
#include <array>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <span>
#include <string_view>

#include "signing/hmac_key.hpp"
#include "signing/signing_error.hpp"

namespace meshsec::signing {

inline constexpr std::size_t native_key_size = 32;
inline constexpr std::size_t max_native_customer_id = 64;

struct NativeKeyContext {
  std::array<std::uint8_t, 1 + max_native_customer_id + 1 + 4> bytes{};
  std::size_t size = 0;
  [[nodiscard]] std::span<const std::uint8_t> span() const noexcept {
    return std::span<const std::uint8_t>(bytes).first(size);
  }
};

[[nodiscard]] std::span<const std::uint8_t> native_key_label() noexcept;
// Errors: malformed (customer id empty or longer than 64 bytes).
[[nodiscard]] SigningError native_key_context(std::string_view customer_id, std::uint8_t node_id,
                                              std::uint32_t version, NativeKeyContext& out) noexcept;
// Errors: malformed, backend_failure. `out` is wiped on error.
[[nodiscard]] SigningError derive_native_key(std::span<const std::uint8_t, 32> master, std::string_view customer_id,
                                             std::uint8_t node_id, std::uint32_t version,
                                             std::span<std::uint8_t, native_key_size> out) noexcept;

// Where a signer or verifier finds the key of the link with a peer.
class PeerKeys {
 public:
  PeerKeys() = default;
  PeerKeys(const PeerKeys&) = delete;
  PeerKeys& operator=(const PeerKeys&) = delete;
  virtual ~PeerKeys() = default;
  // nullptr when this node shares no native key with `peer`.
  [[nodiscard]] virtual HmacKey* key_for_peer(std::uint8_t peer) noexcept = 0;
};

// A node's keys: its own K_node for the link with the gateway, and a few pairwise keys
// provisioned for direct node-to-node traffic. Fixed size, no heap.
class NodePeerKeys final : public PeerKeys {
 public:
  static constexpr std::size_t capacity = 4;
  // Errors: pool_full, backend_failure.
  [[nodiscard]] SigningError add(std::uint8_t peer, std::span<const std::uint8_t, native_key_size> key) noexcept;
  [[nodiscard]] HmacKey* key_for_peer(std::uint8_t peer) noexcept override;

 private:
  std::array<SoftHmacKey, capacity> keys_{};
  std::array<std::uint8_t, capacity> peers_{};
  std::size_t count_ = 0;
};

}  // namespace meshsec::signing
