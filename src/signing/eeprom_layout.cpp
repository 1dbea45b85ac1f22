#include "signing/eeprom_layout.hpp"

#include <array>

#include "crypto/mac.hpp"
#include "crypto/secure_memory.hpp"

namespace meshsec::signing::eeprom {

SigningError personalisation_checksum(std::span<const std::uint8_t, hmac_key_size> hmac_key,
                                      std::span<const std::uint8_t, aes_key_size> aes_key, const Serial& serial,
                                      std::uint8_t& checksum) noexcept {
  checksum = 0;
  std::array<std::uint8_t, 32> digest{};
  if (crypto::sha256({hmac_key, aes_key, serial}, digest) != crypto::Status::ok) return SigningError::backend_failure;
  checksum = digest[0];
  crypto::secure_wipe(digest);
  return SigningError::ok;
}

SigningError write_personalisation(std::span<std::uint8_t> image, std::span<const std::uint8_t, hmac_key_size> hmac_key,
                                   std::span<const std::uint8_t, aes_key_size> aes_key, const Serial& serial) noexcept {
  if (image.size() < local_config_address) return SigningError::malformed;
  std::uint8_t checksum = 0;
  if (const auto e = personalisation_checksum(hmac_key, aes_key, serial, checksum); e != SigningError::ok) return e;
  for (auto& b : image) b = 0xFF;
  for (std::size_t i = 0; i < hmac_key_size; ++i) image[hmac_key_address + i] = hmac_key[i];
  for (std::size_t i = 0; i < mys::serial_size; ++i) image[soft_serial_address + i] = serial[i];
  for (std::size_t i = 0; i < aes_key_size; ++i) image[aes_key_address + i] = aes_key[i];
  image[checksum_address] = checksum;
  return SigningError::ok;
}

bool personalisation_valid(std::span<const std::uint8_t> image) noexcept {
  if (image.size() < local_config_address) return false;
  Serial serial{};
  for (std::size_t i = 0; i < mys::serial_size; ++i) serial[i] = image[soft_serial_address + i];
  std::uint8_t checksum = 0;
  const bool ok = personalisation_checksum(image.subspan(hmac_key_address).first<hmac_key_size>(),
                                           image.subspan(aes_key_address).first<aes_key_size>(), serial,
                                           checksum) == SigningError::ok;
  return ok && checksum == image[checksum_address];
}

}  // namespace meshsec::signing::eeprom
