#include "signing/soft_atsha204_backend.hpp"

#include "signing/frame_signature.hpp"

namespace meshsec::signing {
namespace {
constexpr std::size_t simple_password_min = 8;
}

SigningError SoftAtsha204Backend::sign(mys::Frame& frame, const Nonce& nonce, const Serial* salt_serial) noexcept {
  if (!key_.ready()) return SigningError::backend_failure;
  return sign_mysensors(key_, frame, nonce, salt_serial);
}

SigningError SoftAtsha204Backend::verify(const mys::Frame& frame, const Nonce& nonce,
                                         const Serial* salt_serial) noexcept {
  if (!key_.ready()) return SigningError::backend_failure;
  return verify_mysensors(key_, frame, nonce, salt_serial);
}

SigningError simple_password_psk(std::string_view password, std::span<std::uint8_t, psk_size> psk) noexcept {
  for (auto& b : psk) b = 0;
  if (password.size() < simple_password_min || password.size() > psk_size) return SigningError::malformed;
  for (std::size_t i = 0; i < password.size(); ++i) psk[i] = static_cast<std::uint8_t>(password[i]);
  return SigningError::ok;
}

SigningError simple_password_serial(std::string_view password, std::uint8_t node_id, Serial& serial) noexcept {
  serial.fill(0);
  if (password.size() < simple_password_min || password.size() > psk_size) return SigningError::malformed;
  for (std::size_t i = 0; i < simple_password_min; ++i) serial[i] = static_cast<std::uint8_t>(password[i]);
  serial[8] = node_id;
  return SigningError::ok;
}

}  // namespace meshsec::signing
