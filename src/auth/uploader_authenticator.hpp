// Party A (the uploader) of ISO/IEC 9798-2 three-pass mutual authentication (docs/auth.md §2):
//
//   idle ──handle_token1()──► awaiting_token3 ──handle_token3() ok──► authenticated
//                                   │ any error
//                                   ▼
//                                 failed   (a new token 1 starts a new run)
//
// A holds the customer's master and derives K for the node named in token 1; here K comes
// in as bytes (parse_token1() tells the caller which node asks).
#pragma once
#include <cstddef>
#include <cstdint>
#include <span>

#include "auth/auth_error.hpp"
#include "auth/auth_messages.hpp"
#include "auth/session_key.hpp"
#include "crypto/aead.hpp"
#include "crypto/secret.hpp"

namespace meshsec::auth {

class UploaderAuthenticator {
 public:
  enum class State : std::uint8_t { idle, awaiting_token3, authenticated, failed };

  explicit UploaderAuthenticator(const EntityId& own_id) noexcept : id_(own_id) {}

  // Pass 1 in, pass 2 out: Text3 ‖ e_K(R_A ‖ R_B ‖ B* ‖ Text2) with a fresh R_A, B* taken
  // from token 1 and Text2 = the transfer offer. Starts a new run from any state.
  // Errors: malformed, bad_key, transfer_mismatch (empty offer), crypto_failure, no_room.
  [[nodiscard]] AuthError handle_token1(std::span<const std::uint8_t> message, std::span<const std::uint8_t> key,
                                        const TransferOffer& offer, std::span<std::uint8_t> out,
                                        std::size_t& written) noexcept;

  // Pass 3 in: checks layout, that it comes from the node of this run, the tag under K, and
  // that R_B and R_A came back in swapped order; then derives K_s and reports where the
  // node wants the transfer to resume. Errors: wrong_state, malformed, identity_mismatch,
  // auth_failed, challenge_mismatch, transfer_mismatch, crypto_failure. Every error ends
  // the run (failed).
  [[nodiscard]] AuthError handle_token3(std::span<const std::uint8_t> message, TransferResume& resume) noexcept;

  // Moves K_s out once authenticated. Errors: wrong_state.
  [[nodiscard]] AuthError take_session_key(SessionKey& out) noexcept;

  [[nodiscard]] State state() const noexcept { return state_; }
  [[nodiscard]] const EntityId& peer() const noexcept { return peer_; }
  [[nodiscard]] const TransferOffer& offer() const noexcept { return offer_; }

 private:
  AuthError fail(AuthError e) noexcept;

  EntityId id_{};
  crypto::AesAead aead_;
  crypto::SecretArray<32> key_;
  std::size_t key_length_ = 0;
  Random r_a_{};
  Random r_b_{};
  EntityId peer_{};
  TransferOffer offer_{};
  State state_ = State::idle;
  SessionKey session_key_;
};

}  // namespace meshsec::auth
