// The debugging backend (MySensors' "dummy" signer, made honest): the signature is an
// unkeyed SHA-256 over nonce and covered bytes under its own identifier 0xDB, so the whole
// nonce exchange, the 32-byte signed frames and the timeouts can be exercised without
// keys. It authenticates nothing: anyone can compute it. It refuses to work unless the
// configuration says allow_insecure_debug (B2), and no real backend accepts its frames.
#pragma once
#include "signing/signing_backend.hpp"

namespace meshsec::signing {

inline constexpr std::uint8_t debug_identifier = 0xDB;

class DebugBackend final : public SigningBackend {
 public:
  explicit DebugBackend(bool allow_insecure) noexcept : allowed_(allow_insecure) {}
  [[nodiscard]] BackendKind kind() const noexcept override { return BackendKind::debug; }
  [[nodiscard]] SigningError make_nonce(std::span<std::uint8_t, mys::nonce_on_air_size> out) noexcept override;
  [[nodiscard]] SigningError sign(mys::Frame& frame, const Nonce& nonce, const Serial* salt_serial) noexcept override;
  [[nodiscard]] SigningError verify(const mys::Frame& frame, const Nonce& nonce,
                                    const Serial* salt_serial) noexcept override;

 private:
  bool allowed_;
};

}  // namespace meshsec::signing
