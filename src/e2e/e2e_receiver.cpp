#include "e2e/e2e_receiver.hpp"

#include <utility>

#include "crypto/ed25519.hpp"
#include "crypto/secure_memory.hpp"
#include "e2e/e2e_signature.hpp"

namespace meshsec::e2e {

E2eError E2eReceiver::start(const E2eSessionParams& params,
                            std::span<const std::uint8_t, E2eLayout::key_size> key,
                            std::uint32_t key_version, E2eReceiverPolicy policy) noexcept {
  params_ = params;
  policy_ = policy;
  window_ = ReplayWindow(policy.strict_order);
  session_seed_ = 0;
  staged_ = KeySlot{};
  return install_key(key, key_version);
}

void E2eReceiver::set_signature_key(std::span<const std::uint8_t, 32> ed25519_public) noexcept {
  for (std::size_t i = 0; i < 32; ++i) signature_key_[i] = ed25519_public[i];
  has_signature_key_ = true;
}

E2eError E2eReceiver::stage_key(std::span<const std::uint8_t, E2eLayout::key_size> key,
                                std::uint32_t key_version) noexcept {
  // The wire carries the version's low bits: the staged one must differ from the current.
  if (((key_version ^ current_.version) & E2eLayout::key_version_mask) == 0) return E2eError::unknown_key_version;
  staged_.present = false;
  if (staged_.aead.init(crypto::AeadMode::ccm, key, E2eLayout::tag_size) != crypto::Status::ok)
    return E2eError::crypto_failure;
  staged_.version = key_version;
  staged_.present = true;
  return E2eError::ok;
}

E2eError E2eReceiver::install_key(std::span<const std::uint8_t, E2eLayout::key_size> key,
                                  std::uint32_t key_version) noexcept {
  current_.present = false;
  staged_ = KeySlot{};
  if (current_.aead.init(crypto::AeadMode::ccm, key, E2eLayout::tag_size) != crypto::Status::ok)
    return E2eError::crypto_failure;
  current_.version = key_version;
  current_.present = true;
  return E2eError::ok;
}

E2eError E2eReceiver::open(std::span<const std::uint8_t> message, std::span<std::uint8_t> payload,
                           std::size_t& written, E2eOpened* info) noexcept {
  written = 0;
  if (!current_.present) return E2eError::not_ready;

  // 1. Parse fully.
  E2eMessageView view;
  if (!parse_e2e_message(message, view)) return E2eError::malformed;
  if (view.control.level != params_.level) return E2eError::wrong_level;
  if (view.control.direction != params_.direction) return E2eError::wrong_direction;
  KeySlot* slot = nullptr;
  if (view.control.key_version_low == (current_.version & E2eLayout::key_version_mask)) slot = &current_;
  else if (staged_.present && view.control.key_version_low == (staged_.version & E2eLayout::key_version_mask))
    slot = &staged_;
  if (slot == nullptr) return E2eError::unknown_key_version;
  if (policy_.require_signature && !view.control.is_signed) return E2eError::signature_required;
  if (view.control.is_signed && !has_signature_key_) return E2eError::bad_signature;
  const std::size_t body = view.ciphertext.size();
  const std::size_t payload_size = body - (view.control.is_signed ? E2eLayout::signature_size : 0);
  if (payload.size() < payload_size) return E2eError::no_room;

  // 2. Cheap freshness pre-checks; they change nothing.
  switch (window_.check(view.sequence)) {
    case ReplayWindow::Verdict::fresh: break;
    case ReplayWindow::Verdict::duplicate:
    case ReplayWindow::Verdict::too_old: return E2eError::replayed;
  }
  // A new session (new seed) must start above everything seen: a message of an older
  // session that still fits the window is refused.
  const bool new_session = window_.empty() || view.seed != session_seed_;
  if (!window_.empty() && new_session && view.sequence <= window_.highest()) return E2eError::stale_session;

  // 3. Authenticate: CCM tag, then the L6 signature.
  const E2eAad aad = e2e_aad(view.control_byte, view.seed, view.sequence, params_.node_id, slot->version);
  const E2eNonce nonce = e2e_nonce(view.control_byte, view.seed, view.sequence, params_.node_id);
  auto plain = std::span(plain_).first(body);
  if (slot->aead.open(nonce, aad, view.ciphertext, view.tag, plain) != crypto::Status::ok)
    return E2eError::auth_failed;  // plaintext already wiped by the AEAD
  if (view.control.is_signed) {
    std::array<std::uint8_t, e2e_signed_input_max> signed_input{};
    const std::size_t n = e2e_signed_input(aad, plain.first(payload_size), signed_input);
    if (n == 0 || crypto::ed25519_verify(signature_key_, std::span(signed_input).first(n),
                                         plain.subspan(payload_size)) != crypto::Status::ok) {
      crypto::secure_wipe(plain);
      return E2eError::bad_signature;
    }
  }

  // 4. Only now change state.
  window_.commit(view.sequence);
  session_seed_ = view.seed;
  if (slot == &staged_) {
    current_ = std::move(staged_);  // retires the old key: its context is freed and cleansed
    staged_ = KeySlot{};
  }
  for (std::size_t i = 0; i < payload_size; ++i) payload[i] = plain[i];
  crypto::secure_wipe(plain);
  written = payload_size;
  if (info != nullptr) {
    info->sequence = view.sequence;
    info->seed = view.seed;
    info->key_version = current_.version;
    info->nested = view.control.nested;
    info->is_signed = view.control.is_signed;
    info->new_session = new_session;
  }
  return E2eError::ok;
}

}  // namespace meshsec::e2e
