#include "signing/atsha204_emulation.hpp"

#include "crypto/secure_memory.hpp"

namespace meshsec::signing {
namespace {
// ATSHA204A opcodes and the fixed serial bytes its SHA engine mixes in (SN[8], SN[0:1]).
constexpr std::uint8_t opcode_gendig = 0x15;
constexpr std::uint8_t opcode_hmac = 0x11;
constexpr std::uint8_t gendig_zone_data = 0x02;
constexpr std::uint8_t gendig_slot = 0x08;   // the clear-text slot where the block was written
constexpr std::uint8_t hmac_mode = 0x04;     // TempKey.SourceFlag must match
constexpr std::uint8_t sn8 = 0xEE;
constexpr std::uint8_t sn0 = 0x01;
constexpr std::uint8_t sn1 = 0x23;
}  // namespace

Nonce pad_nonce(std::span<const std::uint8_t, mys::nonce_on_air_size> on_air) noexcept {
  Nonce n;
  n.fill(mys::nonce_pad_byte);
  for (std::size_t i = 0; i < on_air.size(); ++i) n[i] = on_air[i];
  return n;
}

SigningError covered_block(const mys::Frame& frame, std::span<std::uint8_t, 32> block) noexcept {
  for (auto& b : block) b = 0;
  const std::size_t length = frame.payload_length();
  if (length > mys::max_signable_payload) return SigningError::payload_too_long;
  // Step 4: bytes 1 .. 6+L; byte 0 ("last") is rewritten by repeaters, so never covered.
  const std::size_t covered = mys::header_size - 1 + length;
  for (std::size_t i = 0; i < covered; ++i) block[i] = frame.bytes[1 + i];
  return SigningError::ok;
}

SigningError atsha204_gendig(std::span<const std::uint8_t, 32> block, const Nonce& nonce,
                             std::span<std::uint8_t, 32> tempkey) noexcept {
  std::array<std::uint8_t, 32> command{};
  command[0] = opcode_gendig;
  command[1] = gendig_zone_data;
  command[2] = gendig_slot;  // param2 little-endian: 08 00
  command[3] = 0x00;
  command[4] = sn8;
  command[5] = sn0;
  command[6] = sn1;  // followed by 25 zero bytes
  return crypto::sha256({block, command, nonce}, tempkey) == crypto::Status::ok ? SigningError::ok
                                                                              : SigningError::backend_failure;
}

std::array<std::uint8_t, hmac_command_input_size> atsha204_hmac_message(std::span<const std::uint8_t, 32> tempkey) noexcept {
  std::array<std::uint8_t, hmac_command_input_size> m{};
  // 32 zero bytes (key-slot zone), then TempKey, then the command bytes and serial pieces.
  for (std::size_t i = 0; i < 32; ++i) m[32 + i] = tempkey[i];
  m[64] = opcode_hmac;
  m[65] = hmac_mode;
  m[66] = 0x00;  // key slot 0, little-endian
  m[67] = 0x00;
  // m[68..78] are 11 zero bytes (OTP bits not included).
  m[79] = sn8;
  // m[80..83] zero
  m[84] = sn0;
  m[85] = sn1;
  // m[86..87] zero
  return m;
}

SigningError whitelist_salt(std::span<std::uint8_t, 32> hash, std::uint8_t sender, const Serial& serial) noexcept {
  std::array<std::uint8_t, 32> in{};
  for (std::size_t i = 0; i < 32; ++i) in[i] = hash[i];
  const std::array<std::uint8_t, 1> id{sender};
  const auto status = crypto::sha256({in, id, serial}, hash);
  crypto::secure_wipe(in);
  return status == crypto::Status::ok ? SigningError::ok : SigningError::backend_failure;
}

SigningError atsha204_signature_hash(HmacKey& key, const mys::Frame& frame, const Nonce& nonce,
                                     const Serial* salt_serial, std::span<std::uint8_t, 32> out) noexcept {
  SigningError result = SigningError::backend_failure;
  for (auto& b : out) b = 0;
  std::array<std::uint8_t, 32> block{};
  std::array<std::uint8_t, 32> tempkey{};
  if (const auto e = covered_block(frame, block); e != SigningError::ok) return e;
  if (atsha204_gendig(block, nonce, tempkey) != SigningError::ok) return result;
  const auto message = atsha204_hmac_message(tempkey);
  if (key.hmac(message, out) != SigningError::ok) return result;
  if (salt_serial != nullptr && whitelist_salt(out, frame.sender(), *salt_serial) != SigningError::ok) {
    crypto::secure_wipe(out);
    return result;
  }
  result = SigningError::ok;
  return result;
}

}  // namespace meshsec::signing
