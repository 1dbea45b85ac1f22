// The secure-element backend: the ATSHA204A computation with the HMAC key (slot 0 on the
// chip) held by key custody: a PKCS#11 token in production, the in-memory store in tests.
// GenDig's SHA-256 runs here over public data; the keyed HMAC command runs inside the
// token on an object handle (TokenHmacKey), so the PSK never enters this process. Host side.
#pragma once
#include "hsm/key_custody.hpp"
#include "signing/signing_backend.hpp"
#include "signing/token_hmac_key.hpp"

namespace meshsec::signing {

class SecureElementBackend final : public SigningBackend {
 public:
  // `store` must outlive the backend; `key` is a generic_secret with sign usage.
  SecureElementBackend(hsm::KeyStore& store, hsm::ObjectHandle key) noexcept : key_(store, key) {}
  [[nodiscard]] BackendKind kind() const noexcept override { return BackendKind::secure_element; }
  [[nodiscard]] SigningError sign(mys::Frame& frame, const Nonce& nonce, const Serial* salt_serial) noexcept override;
  [[nodiscard]] SigningError verify(const mys::Frame& frame, const Nonce& nonce,
                                    const Serial* salt_serial) noexcept override;

 private:
  TokenHmacKey key_;
};

// The template of a MySensors PSK object in custody: 32-byte generic secret, sensitive,
// never extractable, usable only to compute HMAC.
[[nodiscard]] hsm::KeyTemplate psk_key_template(std::string label);

}  // namespace meshsec::signing
