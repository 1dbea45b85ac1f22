#include "signing/frame_signature.hpp"

#include <array>
#include <string_view>

#include "crypto/secure_memory.hpp"

namespace meshsec::signing {
namespace {

constexpr std::string_view native_label = "meshsec-mys-native-v1";

// Checks shared by both verifiers, before any MAC work.
SigningError precheck(const mys::Frame& frame, std::uint8_t identifier, std::size_t max_payload) noexcept {
  if (frame.size != mys::max_message_size || frame.version() != mys::protocol_version) return SigningError::malformed;
  if (!frame.is_signed()) return SigningError::not_signed;
  if (frame.payload_length() > max_payload) return SigningError::payload_too_long;
  if (frame.trailer()[0] != identifier) return SigningError::bad_identifier;
  return SigningError::ok;
}

SigningError native_hash(HmacKey& key, const mys::Frame& frame, const Nonce& nonce,
                         std::span<std::uint8_t, 32> out) noexcept {
  std::array<std::uint8_t, native_label.size() + mys::nonce_size + 1 + mys::max_message_size> message{};
  std::size_t n = 0;
  for (char c : native_label) message[n++] = static_cast<std::uint8_t>(c);
  for (auto b : nonce) message[n++] = b;
  const std::size_t covered = mys::header_size - 1 + frame.payload_length();
  message[n++] = static_cast<std::uint8_t>(covered);
  for (std::size_t i = 0; i < covered; ++i) message[n++] = frame.bytes[1 + i];
  return key.hmac(std::span<const std::uint8_t>(message).first(n), out);
}

}  // namespace

void place_signature(mys::Frame& frame, std::span<const std::uint8_t, 32> hash, std::uint8_t identifier) noexcept {
  const std::size_t start = mys::header_size + frame.payload_length();
  // Step 9-10: identifier overwrites H[0]; H[0 .. 25-L) fills the rest of the frame.
  for (std::size_t i = start; i < mys::max_message_size; ++i) frame.bytes[i] = hash[i - start];
  frame.bytes[start] = identifier;
  frame.size = mys::max_message_size;
}

bool signature_matches(const mys::Frame& frame, std::span<const std::uint8_t, 32> hash,
                       std::uint8_t identifier) noexcept {
  std::array<std::uint8_t, mys::max_payload_size> expected{};
  const auto trailer = frame.trailer();
  for (std::size_t i = 0; i < trailer.size(); ++i) expected[i] = hash[i];
  expected[0] = identifier;
  const bool same = crypto::equal_constant_time(std::span<const std::uint8_t>(expected).first(trailer.size()), trailer);
  crypto::secure_wipe(expected);
  return same;
}

std::uint8_t signature_identifier(const mys::Frame& frame) noexcept {
  if (!frame.is_signed() || frame.payload_length() >= mys::max_payload_size) return 0;
  return frame.trailer()[0];
}

SigningError sign_mysensors(HmacKey& key, mys::Frame& frame, const Nonce& nonce, const Serial* salt_serial) noexcept {
  // Step 1: at least identifier plus one MAC byte must fit.
  if (frame.payload_length() > mys::max_signable_payload) return SigningError::payload_too_long;
  mys::Frame work = frame;
  work.set_signed(true);  // step 2: the flag is part of the signed data
  std::array<std::uint8_t, 32> hash{};
  const auto e = atsha204_signature_hash(key, work, nonce, salt_serial, hash);
  if (e != SigningError::ok) return e;
  place_signature(work, hash, static_cast<std::uint8_t>(Scheme::mysensors));
  crypto::secure_wipe(hash);
  frame = work;
  return SigningError::ok;
}

SigningError verify_mysensors(HmacKey& key, const mys::Frame& frame, const Nonce& nonce,
                              const Serial* salt_serial) noexcept {
  SigningError result = precheck(frame, static_cast<std::uint8_t>(Scheme::mysensors), mys::max_signable_payload);
  if (result != SigningError::ok) return result;
  result = SigningError::bad_signature;
  std::array<std::uint8_t, 32> hash{};
  if (atsha204_signature_hash(key, frame, nonce, salt_serial, hash) != SigningError::ok)
    return SigningError::backend_failure;
  const bool matches = signature_matches(frame, hash, static_cast<std::uint8_t>(Scheme::mysensors));
  crypto::secure_wipe(hash);
  if (matches) result = SigningError::ok;
  return result;
}

SigningError sign_native(HmacKey& key, mys::Frame& frame, const Nonce& nonce) noexcept {
  if (frame.payload_length() > native_max_payload) return SigningError::payload_too_long;
  mys::Frame work = frame;
  work.set_signed(true);
  std::array<std::uint8_t, 32> hash{};
  if (native_hash(key, work, nonce, hash) != SigningError::ok) return SigningError::backend_failure;
  place_signature(work, hash, static_cast<std::uint8_t>(Scheme::native));
  crypto::secure_wipe(hash);
  frame = work;
  return SigningError::ok;
}

SigningError verify_native(HmacKey& key, const mys::Frame& frame, const Nonce& nonce) noexcept {
  SigningError result = precheck(frame, static_cast<std::uint8_t>(Scheme::native), native_max_payload);
  if (result != SigningError::ok) return result;
  result = SigningError::bad_signature;
  std::array<std::uint8_t, 32> hash{};
  if (native_hash(key, frame, nonce, hash) != SigningError::ok) return SigningError::backend_failure;
  const bool matches = signature_matches(frame, hash, static_cast<std::uint8_t>(Scheme::native));
  crypto::secure_wipe(hash);
  if (matches) result = SigningError::ok;
  return result;
}

}  // namespace meshsec::signing
