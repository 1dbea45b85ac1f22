// An HMAC key that lives in key custody (a PKCS#11 token, or the in-memory store in tests):
// HMAC-SHA256 runs inside the store on an object handle (CKM_SHA256_HMAC via
// KeyStore::mac), so the key never reaches this process. Stands in for the ATSHA204A's
// slot 0, whose key the chip never reveals. Host side.
#pragma once
#include "hsm/key_custody.hpp"
#include "signing/hmac_key.hpp"

namespace meshsec::signing {

class TokenHmacKey final : public HmacKey {
 public:
  // The store must outlive this object; `key` must be a generic_secret with sign usage.
  TokenHmacKey(hsm::KeyStore& store, hsm::ObjectHandle key) noexcept : store_(store), key_(key) {}
  [[nodiscard]] SigningError hmac(std::span<const std::uint8_t> message,
                                 std::span<std::uint8_t, hmac_size> out) noexcept override;
  [[nodiscard]] hsm::ObjectHandle handle() const noexcept { return key_; }

 private:
  hsm::KeyStore& store_;
  hsm::ObjectHandle key_;
};

}  // namespace meshsec::signing
