// The gateway's native keys, computed inside key custody (M2): each node's K_node is
// derived from the customer master object on first use (KeyStore::derive_key with the HMAC
// PRF and native_key.hpp's Label/Context), kept as a non-extractable token object, and
// used only through HMAC-inside (TokenHmacKey). Neither master nor node keys enter this
// process. Host side.
#pragma once
#include <cstdint>
#include <map>
#include <memory>
#include <string>

#include "hsm/key_custody.hpp"
#include "signing/native_key.hpp"
#include "signing/token_hmac_key.hpp"

namespace meshsec::signing {

class CustodyPeerKeys final : public PeerKeys {
 public:
  // `master` must be a generic_secret with derive usage; the store must outlive this.
  CustodyPeerKeys(hsm::KeyStore& store, hsm::ObjectHandle master, std::string customer_id,
                  std::uint32_t version = 0)
      : store_(store), master_(master), customer_id_(std::move(customer_id)), version_(version) {}
  ~CustodyPeerKeys() override;

  [[nodiscard]] HmacKey* key_for_peer(std::uint8_t peer) noexcept override;
  // The custody object of a node's key (derives it if needed); invalid_handle on failure.
  [[nodiscard]] hsm::ObjectHandle handle_for(std::uint8_t peer) noexcept;

 private:
  hsm::KeyStore& store_;
  hsm::ObjectHandle master_;
  std::string customer_id_;
  std::uint32_t version_;
  std::map<std::uint8_t, std::unique_ptr<TokenHmacKey>> keys_;
};

}  // namespace meshsec::signing
