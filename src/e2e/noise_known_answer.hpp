// Runs one Noise known-answer vector (cacophony / snow format) through both sides of a
// handshake and the transport that follows. Host-side helper shared by `meshsec selftest`
// and the unit tests; device code never links it.
#pragma once
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace meshsec::e2e {

struct NoiseKnownAnswer {
  struct Message {
    std::vector<std::uint8_t> payload;
    std::vector<std::uint8_t> ciphertext;
  };
  std::string protocol_name;
  std::vector<std::uint8_t> init_prologue, init_ephemeral, init_static, init_remote_static;
  std::vector<std::uint8_t> resp_prologue, resp_ephemeral, resp_static, resp_remote_static;
  std::vector<std::vector<std::uint8_t>> init_psks, resp_psks;
  std::vector<std::uint8_t> handshake_hash;  // empty when the file has none (snow)
  std::vector<Message> messages;
};

enum class NoiseKnownAnswerOutcome { passed, not_applicable, failed };

struct NoiseKnownAnswerResult {
  NoiseKnownAnswerOutcome outcome = NoiseKnownAnswerOutcome::failed;
  std::string detail;  // why it failed, or which primitive is not applicable
  std::size_t negatives_rejected = 0;  // tampered transport messages that were refused
};

// passed: every handshake and transport ciphertext, every decrypted payload and the
// handshake hash on both sides (when the file gives one) match, and a copy of each encrypted message with one bit
// flipped is refused by the receiver. not_applicable: the protocol uses primitives meshsec
// does not implement (448, BLAKE2, SHA512).
[[nodiscard]] NoiseKnownAnswerResult run_noise_known_answer(const NoiseKnownAnswer& vector);

}  // namespace meshsec::e2e
