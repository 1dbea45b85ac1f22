#include "e2e/noise_handshake_state.hpp"

#include "crypto/secure_memory.hpp"

namespace meshsec::e2e {
namespace {

std::span<const std::uint8_t, noise_dh_size> fixed(std::span<const std::uint8_t> bytes) noexcept {
  return std::span<const std::uint8_t, noise_dh_size>(bytes.data(), noise_dh_size);
}

}  // namespace

NoiseError NoiseHandshakeState::fail(NoiseError e) noexcept {
  state_ = State::aborted;
  symmetric_.wipe();
  e_.wipe();
  has_e_ = false;
  return e;
}

NoiseError NoiseHandshakeState::initialize(const NoiseHandshakeConfig& config) noexcept {
  fixed_e_ = false;
  has_e_ = false;
  return start(config);
}

NoiseError NoiseHandshakeState::initialize(const NoiseHandshakeConfig& config,
                                           const NoiseTestOnlyEphemeral& ephemeral) noexcept {
  e_.assign(ephemeral.key());
  if (crypto::x25519_public_from_private(e_.span(), e_pub_) != crypto::Status::ok)
    return fail(NoiseError::backend_failure);
  fixed_e_ = true;
  has_e_ = true;
  return start(config);
}

NoiseError NoiseHandshakeState::start(const NoiseHandshakeConfig& config) noexcept {
  state_ = State::aborted;  // reaches running only at the end
  message_index_ = 0;
  psk_index_ = 0;
  has_s_ = has_rs_ = has_re_ = false;
  role_ = config.role;
  NoiseError e = parse_noise_protocol(config.protocol_name, protocol_);
  if (e != NoiseError::ok) return fail(e);

  if (!config.local_static_private.empty()) {
    if (config.local_static_private.size() != noise_dh_size) return fail(NoiseError::bad_length);
    s_.assign(fixed(config.local_static_private));
    if (crypto::x25519_public_from_private(s_.span(), s_pub_) != crypto::Status::ok)
      return fail(NoiseError::backend_failure);
    has_s_ = true;
  }
  if (!config.remote_static_public.empty()) {
    if (config.remote_static_public.size() != noise_dh_size) return fail(NoiseError::bad_length);
    for (std::size_t i = 0; i < noise_dh_size; ++i) rs_[i] = config.remote_static_public[i];
    has_rs_ = true;
  }
  psk_available_ = 0;
  for (const auto& psk : config.psks) {
    if (psk.empty()) break;
    if (psk.size() != noise_psk_size) return fail(NoiseError::bad_length);
    psks_[psk_available_++].assign(fixed(psk));
  }
  if (psk_available_ < protocol_.pattern.psk_count) return fail(NoiseError::missing_key);

  e = symmetric_.initialize(config.protocol_name, protocol_.cipher);
  if (e == NoiseError::ok) e = symmetric_.mix_hash(config.prologue);
  if (e != NoiseError::ok) return fail(e);
  // Pre-messages (§5.3 Initialize): the initiator's pre-shared key first, then the
  // responder's; each side hashes its own or the peer's public key.
  if (protocol_.pattern.initiator_static_premessage) {
    const bool have = initiator() ? has_s_ : has_rs_;
    if (!have) return fail(NoiseError::missing_key);
    e = symmetric_.mix_hash(initiator() ? s_pub_ : rs_);
    if (e != NoiseError::ok) return fail(e);
  }
  if (protocol_.pattern.responder_static_premessage) {
    const bool have = initiator() ? has_rs_ : has_s_;
    if (!have) return fail(NoiseError::missing_key);
    e = symmetric_.mix_hash(initiator() ? rs_ : s_pub_);
    if (e != NoiseError::ok) return fail(e);
  }
  state_ = State::running;
  return NoiseError::ok;
}

bool NoiseHandshakeState::is_my_turn_to_write() const noexcept {
  if (state_ != State::running) return false;
  const bool initiator_turn = message_index_ % 2 == 0;
  return initiator_turn == initiator();
}

NoiseError NoiseHandshakeState::generate_ephemeral() noexcept {
  if (fixed_e_ && has_e_) return NoiseError::ok;  // known-answer test ephemeral
  if (crypto::x25519_generate(e_.span(), e_pub_) != crypto::Status::ok)
    return NoiseError::backend_failure;
  has_e_ = true;
  return NoiseError::ok;
}

NoiseError NoiseHandshakeState::dh(NoiseToken token) noexcept {
  // §7.1: the first letter names the initiator's key, the second the responder's.
  bool local_ephemeral = false;
  bool remote_ephemeral = false;
  switch (token) {
    case NoiseToken::ee: local_ephemeral = true; remote_ephemeral = true; break;
    case NoiseToken::es: local_ephemeral = initiator(); remote_ephemeral = !initiator(); break;
    case NoiseToken::se: local_ephemeral = !initiator(); remote_ephemeral = initiator(); break;
    case NoiseToken::ss: break;
    default: return NoiseError::bad_state;
  }
  const bool have_local = local_ephemeral ? has_e_ : has_s_;
  const bool have_remote = remote_ephemeral ? has_re_ : has_rs_;
  if (!have_local || !have_remote) return NoiseError::missing_key;
  crypto::SecretArray<noise_dh_size> shared;
  const crypto::Status s = crypto::x25519(local_ephemeral ? e_.span() : s_.span(),
                                          remote_ephemeral ? re_ : rs_, shared.span());
  if (s != crypto::Status::ok) return noise_error_from(s);
  return symmetric_.mix_key(shared.span());
}

NoiseError NoiseHandshakeState::write_message(std::span<const std::uint8_t> payload,
                                              std::span<std::uint8_t> message,
                                              std::size_t& written) noexcept {
  written = 0;
  if (!is_my_turn_to_write()) return NoiseError::bad_state;
  const NoiseMessagePattern& pattern = protocol_.pattern.messages[message_index_];
  std::size_t offset = 0;
  const bool psk_mode = protocol_.pattern.psk_count > 0;
  for (std::size_t t = 0; t < pattern.count; ++t) {
    NoiseError e = NoiseError::ok;
    switch (pattern.tokens[t]) {
      case NoiseToken::e: {
        e = generate_ephemeral();
        if (e != NoiseError::ok) return fail(e);
        if (message.size() - offset < noise_dh_size) return fail(NoiseError::no_room);
        for (std::size_t i = 0; i < noise_dh_size; ++i) message[offset + i] = e_pub_[i];
        offset += noise_dh_size;
        e = symmetric_.mix_hash(e_pub_);
        if (e == NoiseError::ok && psk_mode) e = symmetric_.mix_key(e_pub_);  // §9.2
        break;
      }
      case NoiseToken::s: {
        if (!has_s_) return fail(NoiseError::missing_key);
        std::size_t n = 0;
        e = symmetric_.encrypt_and_hash(s_pub_, message.subspan(offset), n);
        offset += n;
        break;
      }
      case NoiseToken::psk:
        if (psk_index_ >= psk_available_) return fail(NoiseError::missing_key);
        e = symmetric_.mix_key_and_hash(psks_[psk_index_++].span());
        break;
      default:
        e = dh(pattern.tokens[t]);
        break;
    }
    if (e != NoiseError::ok) return fail(e);
  }
  std::size_t n = 0;
  const NoiseError e = symmetric_.encrypt_and_hash(payload, message.subspan(offset), n);
  if (e != NoiseError::ok) return fail(e);
  offset += n;
  if (offset > noise_max_message) return fail(NoiseError::bad_length);
  written = offset;
  if (++message_index_ == protocol_.pattern.message_count) state_ = State::finished;
  return NoiseError::ok;
}

NoiseError NoiseHandshakeState::read_message(std::span<const std::uint8_t> message,
                                             std::span<std::uint8_t> payload,
                                             std::size_t& written) noexcept {
  written = 0;
  if (state_ != State::running || is_my_turn_to_write()) return NoiseError::bad_state;
  if (message.size() > noise_max_message) return fail(NoiseError::bad_length);
  const NoiseMessagePattern& pattern = protocol_.pattern.messages[message_index_];
  std::size_t offset = 0;
  const bool psk_mode = protocol_.pattern.psk_count > 0;
  for (std::size_t t = 0; t < pattern.count; ++t) {
    NoiseError e = NoiseError::ok;
    switch (pattern.tokens[t]) {
      case NoiseToken::e: {
        if (message.size() - offset < noise_dh_size) return fail(NoiseError::bad_length);
        for (std::size_t i = 0; i < noise_dh_size; ++i) re_[i] = message[offset + i];
        offset += noise_dh_size;
        has_re_ = true;
        e = symmetric_.mix_hash(re_);
        if (e == NoiseError::ok && psk_mode) e = symmetric_.mix_key(re_);  // §9.2
        break;
      }
      case NoiseToken::s: {
        const std::size_t len = noise_dh_size + (symmetric_.has_key() ? NoiseCipherState::tag_size : 0);
        if (message.size() - offset < len) return fail(NoiseError::bad_length);
        std::array<std::uint8_t, noise_dh_size> rs{};
        std::size_t n = 0;
        e = symmetric_.decrypt_and_hash(message.subspan(offset, len), rs, n);
        offset += len;
        if (e == NoiseError::ok) {
          rs_ = rs;
          has_rs_ = true;
        }
        break;
      }
      case NoiseToken::psk:
        if (psk_index_ >= psk_available_) return fail(NoiseError::missing_key);
        e = symmetric_.mix_key_and_hash(psks_[psk_index_++].span());
        break;
      default:
        e = dh(pattern.tokens[t]);
        break;
    }
    if (e != NoiseError::ok) return fail(e);
  }
  const std::span<const std::uint8_t> rest = message.subspan(offset);
  if (symmetric_.has_key() && rest.size() < NoiseCipherState::tag_size) return fail(NoiseError::bad_length);
  std::size_t n = 0;
  const NoiseError e = symmetric_.decrypt_and_hash(rest, payload, n);
  if (e != NoiseError::ok) return fail(e);
  written = n;
  if (++message_index_ == protocol_.pattern.message_count) state_ = State::finished;
  return NoiseError::ok;
}

NoiseError NoiseHandshakeState::split(NoiseCipherState& send, NoiseCipherState& receive) noexcept {
  if (state_ != State::finished) return NoiseError::bad_state;
  const NoiseError e = initiator() ? symmetric_.split(send, receive) : symmetric_.split(receive, send);
  // The handshake's own secrets are no longer needed (§5.3: delete the HandshakeState).
  e_.wipe();
  has_e_ = false;
  symmetric_.wipe();
  return e;
}

}  // namespace meshsec::e2e
