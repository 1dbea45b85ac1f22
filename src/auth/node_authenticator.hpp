// Party B (the node) of ISO/IEC 9798-2 three-pass mutual authentication (docs/auth.md §2):
//
//   idle ──start()──► awaiting_token2 ──handle_token2() ok──► authenticated
//                          │ any error
//                          ▼
//                        failed   (start() again: a fresh R_B, never the old one)
//
// B holds only its own derived key K. No heap, fixed buffers, no exceptions.
#pragma once
#include <cstddef>
#include <cstdint>
#include <span>

#include "auth/auth_error.hpp"
#include "auth/auth_messages.hpp"
#include "auth/session_key.hpp"
#include "auth/transfer_progress.hpp"
#include "crypto/aead.hpp"
#include "crypto/secret.hpp"

namespace meshsec::auth {

class NodeAuthenticator {
 public:
  enum class State : std::uint8_t { idle, awaiting_token2, authenticated, failed };

  // own_id: B; key: K, 16 or 32 bytes. Errors: bad_key, crypto_failure.
  [[nodiscard]] AuthError init(const EntityId& own_id, std::span<const std::uint8_t> key) noexcept;

  // Pass 1 (B → A): R_B ‖ Text1, R_B fresh from the CSPRNG. Abandons any earlier run.
  // Errors: wrong_state (not initialised), crypto_failure, no_room.
  [[nodiscard]] AuthError start(std::span<std::uint8_t> out, std::size_t& written) noexcept;

  // Pass 2 in, pass 3 out. Checks, in order: layout, tag under K, R_B is this run's, B* is
  // this node, the offer is sane. Only then: derives K_s, updates `progress` (kept when it
  // is for the offered image, reset otherwise) and answers with Text4 = where to resume.
  // Errors: wrong_state, malformed, auth_failed, challenge_mismatch, identity_mismatch,
  // transfer_mismatch, crypto_failure, no_room. Every error ends the run (failed).
  [[nodiscard]] AuthError handle_token2(std::span<const std::uint8_t> message, TransferProgress& progress,
                                        std::span<std::uint8_t> out, std::size_t& written) noexcept;

  // Moves K_s out once authenticated (then the authenticator keeps no copy).
  // Errors: wrong_state.
  [[nodiscard]] AuthError take_session_key(SessionKey& out) noexcept;

  [[nodiscard]] State state() const noexcept { return state_; }
  [[nodiscard]] const EntityId& peer() const noexcept { return peer_; }
  [[nodiscard]] const TransferOffer& offer() const noexcept { return offer_; }

 private:
  AuthError fail(AuthError e) noexcept;

  EntityId id_{};
  crypto::AesAead aead_;  // e_K
  crypto::SecretArray<32> key_;
  std::size_t key_length_ = 0;
  Random r_b_{};
  State state_ = State::idle;
  bool ready_ = false;
  EntityId peer_{};
  TransferOffer offer_{};
  SessionKey session_key_;
};

}  // namespace meshsec::auth
