#include "signing/debug_backend.hpp"

#include <array>
#include <string_view>

#include "crypto/mac.hpp"
#include "signing/frame_signature.hpp"

namespace meshsec::signing {
namespace {

constexpr std::string_view debug_label = "meshsec-mys-debug-v1";

SigningError debug_hash(const mys::Frame& frame, const Nonce& nonce, std::span<std::uint8_t, 32> out) noexcept {
  std::array<std::uint8_t, 32> block{};
  if (const auto e = covered_block(frame, block); e != SigningError::ok) return e;
  const std::span<const std::uint8_t> label(reinterpret_cast<const std::uint8_t*>(debug_label.data()),
                                            debug_label.size());
  return crypto::sha256({label, nonce, block}, out) == crypto::Status::ok ? SigningError::ok
                                                                         : SigningError::backend_failure;
}

}  // namespace

SigningError DebugBackend::make_nonce(std::span<std::uint8_t, mys::nonce_on_air_size> out) noexcept {
  if (!allowed_) return SigningError::insecure_refused;
  return SigningBackend::make_nonce(out);
}

SigningError DebugBackend::sign(mys::Frame& frame, const Nonce& nonce, const Serial*) noexcept {
  if (!allowed_) return SigningError::insecure_refused;
  if (frame.payload_length() > mys::max_signable_payload) return SigningError::payload_too_long;
  mys::Frame work = frame;
  work.set_signed(true);
  std::array<std::uint8_t, 32> hash{};
  if (const auto e = debug_hash(work, nonce, hash); e != SigningError::ok) return e;
  place_signature(work, hash, debug_identifier);
  frame = work;
  return SigningError::ok;
}

SigningError DebugBackend::verify(const mys::Frame& frame, const Nonce& nonce, const Serial*) noexcept {
  SigningError result = SigningError::insecure_refused;
  if (!allowed_) return result;
  if (frame.size != mys::max_message_size) return SigningError::malformed;
  if (!frame.is_signed()) return SigningError::not_signed;
  if (frame.payload_length() > mys::max_signable_payload) return SigningError::payload_too_long;
  if (signature_identifier(frame) != debug_identifier) return SigningError::bad_identifier;
  std::array<std::uint8_t, 32> hash{};
  if (const auto e = debug_hash(frame, nonce, hash); e != SigningError::ok) return e;
  result = signature_matches(frame, hash, debug_identifier) ? SigningError::ok : SigningError::bad_signature;
  return result;
}

}  // namespace meshsec::signing
