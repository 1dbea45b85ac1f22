#include "signing/native_key.hpp"

#include "crypto/kdf.hpp"
#include "crypto/mac.hpp"
#include "crypto/secure_memory.hpp"

namespace meshsec::signing {
namespace {
constexpr std::string_view label_text = "meshsec-mys-native-sign";
}

std::span<const std::uint8_t> native_key_label() noexcept {
  return {reinterpret_cast<const std::uint8_t*>(label_text.data()), label_text.size()};
}

SigningError native_key_context(std::string_view customer_id, std::uint8_t node_id, std::uint32_t version,
                                NativeKeyContext& out) noexcept {
  out = NativeKeyContext{};
  if (customer_id.empty() || customer_id.size() > max_native_customer_id) return SigningError::malformed;
  std::size_t n = 0;
  out.bytes[n++] = static_cast<std::uint8_t>(customer_id.size());
  for (char c : customer_id) out.bytes[n++] = static_cast<std::uint8_t>(c);
  out.bytes[n++] = node_id;
  for (int shift = 24; shift >= 0; shift -= 8) out.bytes[n++] = static_cast<std::uint8_t>(version >> shift);
  out.size = n;
  return SigningError::ok;
}

SigningError derive_native_key(std::span<const std::uint8_t, 32> master, std::string_view customer_id,
                               std::uint8_t node_id, std::uint32_t version,
                               std::span<std::uint8_t, native_key_size> out) noexcept {
  crypto::secure_wipe(out);
  NativeKeyContext context;
  if (const auto e = native_key_context(customer_id, node_id, version, context); e != SigningError::ok) return e;
  crypto::Mac prf;
  if (prf.init(crypto::MacAlgorithm::hmac_sha256, master) != crypto::Status::ok ||
      crypto::kbkdf_counter(prf, native_key_label(), context.span(), out) != crypto::Status::ok) {
    crypto::secure_wipe(out);
    return SigningError::backend_failure;
  }
  return SigningError::ok;
}

SigningError NodePeerKeys::add(std::uint8_t peer, std::span<const std::uint8_t, native_key_size> key) noexcept {
  std::size_t slot = count_;
  for (std::size_t i = 0; i < count_; ++i)
    if (peers_[i] == peer) slot = i;
  if (slot == capacity) return SigningError::pool_full;
  // SoftHmacKey is not movable (it is an HmacKey); the slot is re-keyed in place.
  if (const auto e = keys_[slot].init(key); e != SigningError::ok) return e;
  peers_[slot] = peer;
  if (slot == count_) ++count_;
  return SigningError::ok;
}

HmacKey* NodePeerKeys::key_for_peer(std::uint8_t peer) noexcept {
  for (std::size_t i = 0; i < count_; ++i)
    if (peers_[i] == peer) return &keys_[i];
  return nullptr;
}

}  // namespace meshsec::signing
