// Noise HandshakeState (spec §5.3): runs one handshake pattern with X25519, then Split()s
// into the two transport CipherStates.
//
// Device-side: no heap, every key in a SecretArray; any failure aborts the handshake for
// good (a Noise handshake cannot be resumed after an error, §5.3).
#pragma once
#include <array>
#include <cstddef>
#include <cstdint>
#include <span>
#include <string_view>

#include "crypto/secret.hpp"
#include "crypto/x25519.hpp"
#include "e2e/noise_cipher_state.hpp"
#include "e2e/noise_error.hpp"
#include "e2e/noise_pattern.hpp"
#include "e2e/noise_symmetric_state.hpp"

namespace meshsec::e2e {

enum class NoiseRole : std::uint8_t { initiator, responder };

inline constexpr std::size_t noise_dh_size = crypto::x25519_key_size;
inline constexpr std::size_t noise_psk_size = 32;
inline constexpr std::size_t noise_max_message = 65535;  // §3
inline constexpr std::size_t noise_max_psks = 4;

struct NoiseHandshakeConfig {
  std::string_view protocol_name;  // e.g. "Noise_XK_25519_AESGCM_SHA256"
  NoiseRole role = NoiseRole::initiator;
  std::span<const std::uint8_t> prologue;
  // Our static private key (empty when the pattern has none for this side).
  std::span<const std::uint8_t> local_static_private;
  // The peer's static public key when known in advance (pre-message, e.g. the node
  // knowing the back-end's key in NK/IK/XK), else empty.
  std::span<const std::uint8_t> remote_static_public;
  // Pre-shared keys consumed in order by the psk tokens (§9).
  std::array<std::span<const std::uint8_t>, noise_max_psks> psks{};
};

// Fixed ephemeral private key for known-answer tests. A distinct type that only tests
// construct: production code calls initialize(config) and gets a fresh CSPRNG ephemeral.
class NoiseTestOnlyEphemeral {
 public:
  explicit NoiseTestOnlyEphemeral(std::span<const std::uint8_t, noise_dh_size> private_key) noexcept
      : key_(private_key) {}
  [[nodiscard]] std::span<const std::uint8_t, noise_dh_size> key() const noexcept { return key_.span(); }

 private:
  crypto::SecretArray<noise_dh_size> key_;
};

class NoiseHandshakeState {
 public:
  NoiseHandshakeState() noexcept = default;
  NoiseHandshakeState(const NoiseHandshakeState&) = delete;
  NoiseHandshakeState& operator=(const NoiseHandshakeState&) = delete;

  // Initialize(): parses the protocol name, mixes the prologue and pre-messages.
  // Errors: unsupported_protocol, missing_key (a pre-message key or PSK not given),
  // bad_length (key of wrong size), backend_failure.
  [[nodiscard]] NoiseError initialize(const NoiseHandshakeConfig& config) noexcept;
  [[nodiscard]] NoiseError initialize(const NoiseHandshakeConfig& config,
                                      const NoiseTestOnlyEphemeral& ephemeral) noexcept;

  // WriteMessage(payload, message_buffer): written is the message length.
  // Errors: bad_state (not our turn / finished / aborted), missing_key, no_room, bad_length,
  // invalid_public_key, backend_failure.
  [[nodiscard]] NoiseError write_message(std::span<const std::uint8_t> payload,
                                         std::span<std::uint8_t> message,
                                         std::size_t& written) noexcept;
  // ReadMessage(message, payload_buffer): written is the payload length.
  // Errors: bad_state, bad_length, auth_failed, invalid_public_key, no_room, backend_failure.
  [[nodiscard]] NoiseError read_message(std::span<const std::uint8_t> message,
                                        std::span<std::uint8_t> payload,
                                        std::size_t& written) noexcept;

  // True once every message pattern has been processed.
  [[nodiscard]] bool finished() const noexcept { return state_ == State::finished; }
  [[nodiscard]] bool is_my_turn_to_write() const noexcept;
  // Split(): send and receive CipherStates for this side. Errors: bad_state before finish.
  [[nodiscard]] NoiseError split(NoiseCipherState& send, NoiseCipherState& receive) noexcept;

  [[nodiscard]] std::span<const std::uint8_t, noise_hash_size> handshake_hash() const noexcept {
    return symmetric_.handshake_hash();
  }
  // The peer's static key once received or pre-known (e.g. the node id a back-end looks up).
  [[nodiscard]] bool has_remote_static() const noexcept { return has_rs_; }
  [[nodiscard]] std::span<const std::uint8_t, noise_dh_size> remote_static() const noexcept { return rs_; }

 private:
  enum class State : std::uint8_t { idle, running, finished, aborted };
  [[nodiscard]] NoiseError start(const NoiseHandshakeConfig& config) noexcept;
  [[nodiscard]] NoiseError dh(NoiseToken token) noexcept;
  [[nodiscard]] NoiseError generate_ephemeral() noexcept;
  [[nodiscard]] NoiseError fail(NoiseError e) noexcept;
  [[nodiscard]] bool initiator() const noexcept { return role_ == NoiseRole::initiator; }

  NoiseProtocol protocol_{};
  NoiseRole role_ = NoiseRole::initiator;
  State state_ = State::idle;
  std::uint8_t message_index_ = 0;
  std::uint8_t psk_index_ = 0;
  NoiseSymmetricState symmetric_;
  crypto::SecretArray<noise_dh_size> s_;   // local static private
  std::array<std::uint8_t, noise_dh_size> s_pub_{};
  bool has_s_ = false;
  crypto::SecretArray<noise_dh_size> e_;   // local ephemeral private
  std::array<std::uint8_t, noise_dh_size> e_pub_{};
  bool has_e_ = false;
  bool fixed_e_ = false;                   // e_ came from NoiseTestOnlyEphemeral
  std::array<std::uint8_t, noise_dh_size> rs_{};
  bool has_rs_ = false;
  std::array<std::uint8_t, noise_dh_size> re_{};
  bool has_re_ = false;
  std::array<crypto::SecretArray<noise_psk_size>, noise_max_psks> psks_{};
  std::uint8_t psk_available_ = 0;
};

}  // namespace meshsec::e2e
