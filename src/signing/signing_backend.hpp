// The one nonce/sign/verify interface every signing backend offers (S1), chosen by
// configuration (backend_config.hpp):
//   none            signs and verifies nothing; a node with it cannot meet a signing
//                   requirement, exactly like a MySensors node built without a backend
//   debug           keyless digest for bring-up; proves nothing, needs an explicit opt-in
//   soft_atsha204   the ATSHA204A computation emulated in software, PSK in RAM
//   secure_element  the same computation with the HMAC key inside a PKCS#11 token
#pragma once
#include <cstdint>
#include <span>
#include <string_view>

#include "signing/atsha204_emulation.hpp"
#include "signing/mysensors_frame.hpp"
#include "signing/signing_error.hpp"

namespace meshsec::signing {

enum class BackendKind : std::uint8_t { none, debug, soft_atsha204, secure_element };

[[nodiscard]] constexpr std::string_view to_string(BackendKind k) noexcept {
  switch (k) {
    case BackendKind::none: return "none";
    case BackendKind::debug: return "debug";
    case BackendKind::soft_atsha204: return "soft";
    case BackendKind::secure_element: return "secure-element";
  }
  return "unknown";
}

class SigningBackend {
 public:
  SigningBackend() = default;
  SigningBackend(const SigningBackend&) = delete;
  SigningBackend& operator=(const SigningBackend&) = delete;
  virtual ~SigningBackend() = default;

  [[nodiscard]] virtual BackendKind kind() const noexcept = 0;
  // The 25 nonce bytes a receiver hands out (from the CSPRNG, as MySensors does on
  // platforms with hwGetentropy). Errors: backend_none, backend_failure.
  [[nodiscard]] virtual SigningError make_nonce(std::span<std::uint8_t, mys::nonce_on_air_size> out) noexcept;
  // Signs `frame` for a receiver that handed out `nonce`; salt_serial non-null when the
  // receiver whitelists. Errors: backend_none, insecure_refused, payload_too_long,
  // backend_failure.
  [[nodiscard]] virtual SigningError sign(mys::Frame& frame, const Nonce& nonce,
                                          const Serial* salt_serial) noexcept = 0;
  // Errors: backend_none, insecure_refused, malformed, not_signed, payload_too_long,
  // bad_identifier, bad_signature, backend_failure.
  [[nodiscard]] virtual SigningError verify(const mys::Frame& frame, const Nonce& nonce,
                                            const Serial* salt_serial) noexcept = 0;
};

// The backend a node has when signing is not configured.
class NoneBackend final : public SigningBackend {
 public:
  [[nodiscard]] BackendKind kind() const noexcept override { return BackendKind::none; }
  [[nodiscard]] SigningError make_nonce(std::span<std::uint8_t, mys::nonce_on_air_size>) noexcept override {
    return SigningError::backend_none;
  }
  [[nodiscard]] SigningError sign(mys::Frame&, const Nonce&, const Serial*) noexcept override {
    return SigningError::backend_none;
  }
  [[nodiscard]] SigningError verify(const mys::Frame&, const Nonce&, const Serial*) noexcept override {
    return SigningError::backend_none;
  }
};

}  // namespace meshsec::signing
