#include "signing/secure_element_backend.hpp"

#include <utility>

#include "signing/frame_signature.hpp"

namespace meshsec::signing {

SigningError SecureElementBackend::sign(mys::Frame& frame, const Nonce& nonce, const Serial* salt_serial) noexcept {
  return sign_mysensors(key_, frame, nonce, salt_serial);
}

SigningError SecureElementBackend::verify(const mys::Frame& frame, const Nonce& nonce,
                                          const Serial* salt_serial) noexcept {
  return verify_mysensors(key_, frame, nonce, salt_serial);
}

hsm::KeyTemplate psk_key_template(std::string label) {
  hsm::KeyTemplate t;
  t.label = std::move(label);
  t.type = hsm::KeyType::generic_secret;
  t.length = 32;
  t.usage.sensitive = true;
  t.usage.extractable = false;
  t.usage.sign = true;
  return t;
}

}  // namespace meshsec::signing
