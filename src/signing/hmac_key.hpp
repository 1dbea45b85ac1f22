// "Something that computes HMAC-SHA256 under a key it holds": the one operation every
// signing key offers, whether the key sits in RAM (SoftHmacKey) or inside a PKCS#11 token
// and never leaves it (TokenHmacKey). The ATSHA204A emulation and the native scheme are
// written against this, so every backend shares one signature computation.
#pragma once
#include <cstddef>
#include <cstdint>
#include <span>

#include "crypto/mac.hpp"
#include "signing/signing_error.hpp"

namespace meshsec::signing {

inline constexpr std::size_t hmac_size = 32;

class HmacKey {
 public:
  HmacKey() = default;
  HmacKey(const HmacKey&) = delete;
  HmacKey& operator=(const HmacKey&) = delete;
  virtual ~HmacKey() = default;
  // Errors: backend_failure.
  [[nodiscard]] virtual SigningError hmac(std::span<const std::uint8_t> message,
                                         std::span<std::uint8_t, hmac_size> out) noexcept = 0;
};

// Key bytes in RAM (the MySensors soft backend keeps its PSK in EEPROM the same way). The
// bytes live only inside the keyed crypto::Mac, which wipes them on destruction.
class SoftHmacKey final : public HmacKey {
 public:
  SoftHmacKey() = default;
  // Errors: bad key length / backend failure of the crypto layer, as backend_failure.
  [[nodiscard]] SigningError init(std::span<const std::uint8_t> key) noexcept;
  [[nodiscard]] bool ready() const noexcept { return mac_.ready(); }
  [[nodiscard]] SigningError hmac(std::span<const std::uint8_t> message,
                                 std::span<std::uint8_t, hmac_size> out) noexcept override;

 private:
  crypto::Mac mac_;
};

}  // namespace meshsec::signing
