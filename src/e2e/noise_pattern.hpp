// Noise handshake patterns (Noise spec rev. 34 §7) and protocol names (§8).
//
// The table holds the one-way patterns (§7.4), the twelve fundamental interactive
// patterns (§7.5) and the 23 deferred patterns (§7.6); PSK modifiers (§9.2) are applied on
// top when a name carries them ("XXpsk3", "IKpsk0+psk2").
#pragma once
#include <array>
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "e2e/noise_error.hpp"

namespace meshsec::e2e {

enum class NoiseToken : std::uint8_t { e, s, ee, es, se, ss, psk };

struct NoiseMessagePattern {
  static constexpr std::size_t max_tokens = 8;
  std::array<NoiseToken, max_tokens> tokens{};
  std::uint8_t count = 0;
};

struct NoiseHandshakePattern {
  static constexpr std::size_t max_messages = 4;
  // Pre-messages: the standard patterns only ever pre-share static keys.
  bool initiator_static_premessage = false;  // "-> s" before "..."
  bool responder_static_premessage = false;  // "<- s" before "..."
  std::array<NoiseMessagePattern, max_messages> messages{};
  std::uint8_t message_count = 0;
  bool one_way = false;        // N, K, X: only initiator -> responder
  std::uint8_t psk_count = 0;  // number of psk tokens (PSK handshakes also MixKey on e)
};

enum class NoiseCipher : std::uint8_t { aes_gcm, chacha_poly };

// "Noise_<pattern>_25519_<AESGCM|ChaChaPoly>_SHA256", the suites meshsec implements.
struct NoiseProtocol {
  NoiseHandshakePattern pattern;
  NoiseCipher cipher = NoiseCipher::aes_gcm;
};

// Looks up a pattern name with optional PSK modifiers ("NK", "XXpsk0+psk3").
// Errors: unsupported_protocol.
[[nodiscard]] NoiseError find_noise_pattern(std::string_view name,
                                            NoiseHandshakePattern& out) noexcept;

// Parses a full protocol name. Errors: unsupported_protocol (unknown pattern, or a DH,
// cipher or hash other than 25519, AESGCM/ChaChaPoly, SHA256).
[[nodiscard]] NoiseError parse_noise_protocol(std::string_view protocol_name,
                                              NoiseProtocol& out) noexcept;

}  // namespace meshsec::e2e
