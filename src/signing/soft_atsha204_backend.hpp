// The soft backend: MySensors' MY_SIGNING_SOFT, the ATSHA204A computation in software with
// the network PSK held in RAM (atsha204_emulation.hpp). Interoperates with MySensors soft
// and ATSHA204A nodes that share the PSK.
#pragma once
#include <cstddef>
#include <string_view>

#include "signing/hmac_key.hpp"
#include "signing/signing_backend.hpp"

namespace meshsec::signing {

inline constexpr std::size_t psk_size = 32;

class SoftAtsha204Backend final : public SigningBackend {
 public:
  // Errors: backend_failure.
  [[nodiscard]] SigningError init(std::span<const std::uint8_t, psk_size> psk) noexcept { return key_.init(psk); }
  [[nodiscard]] BackendKind kind() const noexcept override { return BackendKind::soft_atsha204; }
  [[nodiscard]] SigningError sign(mys::Frame& frame, const Nonce& nonce, const Serial* salt_serial) noexcept override;
  [[nodiscard]] SigningError verify(const mys::Frame& frame, const Nonce& nonce,
                                    const Serial* salt_serial) noexcept override;

 private:
  SoftHmacKey key_;
};

// MY_SIGNING_SIMPLE_PASSWD: PSK = password zero-padded to 32 bytes; serial = its first 8
// characters and the node id. Errors: malformed (fewer than 8 or more than 32 characters,
// MySensors' "!SGN:BND:PWD<8").
[[nodiscard]] SigningError simple_password_psk(std::string_view password, std::span<std::uint8_t, psk_size> psk) noexcept;
[[nodiscard]] SigningError simple_password_serial(std::string_view password, std::uint8_t node_id,
                                                  Serial& serial) noexcept;

}  // namespace meshsec::signing
