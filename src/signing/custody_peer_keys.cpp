#include "signing/custody_peer_keys.hpp"

#include <exception>

namespace meshsec::signing {

CustodyPeerKeys::~CustodyPeerKeys() {
  // Derived session objects are re-creatable from the master: do not leave them behind.
  for (auto& [peer, key] : keys_) (void)store_.destroy(key->handle());
}

hsm::ObjectHandle CustodyPeerKeys::handle_for(std::uint8_t peer) noexcept {
  try {
    if (auto it = keys_.find(peer); it != keys_.end()) return it->second->handle();
    NativeKeyContext context;
    if (native_key_context(customer_id_, peer, version_, context) != SigningError::ok) return hsm::invalid_handle;
    hsm::DeriveParams params;
    params.prf = hsm::MacMechanism::hmac_sha256;
    params.label = native_key_label();
    params.context = context.span();
    hsm::KeyTemplate t;
    t.label = "mys-native-sign/" + customer_id_ + "/" + std::to_string(peer);
    t.type = hsm::KeyType::generic_secret;
    t.length = native_key_size;
    t.usage.sign = true;
    auto derived = store_.derive_key(master_, params, t);
    if (!derived.ok()) return hsm::invalid_handle;
    keys_.emplace(peer, std::make_unique<TokenHmacKey>(store_, derived.value()));
    return derived.value();
  } catch (const std::exception&) {
    return hsm::invalid_handle;
  }
}

HmacKey* CustodyPeerKeys::key_for_peer(std::uint8_t peer) noexcept {
  if (handle_for(peer) == hsm::invalid_handle) return nullptr;
  return keys_.find(peer)->second.get();
}

}  // namespace meshsec::signing
