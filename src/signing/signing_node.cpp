#include "signing/signing_node.hpp"

#include "signing/frame_signature.hpp"

namespace meshsec::signing {

SigningNode::SigningNode(const SigningConfig& config, SigningBackend& backend, PeerKeys* native_keys,
                         WhitelistSink* sink) noexcept
    : config_(config), backend_(backend), native_keys_(native_keys), sink_(sink), pool_(config.nonces) {
  if (config_.native_nonces_per_sender == 0) config_.native_nonces_per_sender = 1;
  if (config_.native_nonces_per_sender > max_nonces_per_sender)
    config_.native_nonces_per_sender = static_cast<std::uint8_t>(max_nonces_per_sender);
}

void SigningNode::set_bit(Bitmap& m, std::uint8_t id, bool on) noexcept {
  const auto mask = static_cast<std::uint8_t>(1U << (id % 8));
  m[id / 8] = static_cast<std::uint8_t>(on ? (m[id / 8] | mask) : (m[id / 8] & ~mask));
}

SigningError SigningNode::count(SigningError e) noexcept {
  if (e != SigningError::ok && e != SigningError::not_addressed) ++drops_[static_cast<std::size_t>(e)];
  return e;
}

// ---------------------------------------------------------------- presentation

std::uint8_t SigningNode::own_flags_for(std::uint8_t peer) const noexcept {
  std::uint8_t flags = 0;
  // A gateway under WEAK_SECURITY only asks nodes that ask it (§2.1).
  bool require = config_.require_signatures;
  if (config_.weak_security && config_.node_id == mys::gateway_address) require = require && requires_from(peer);
  if (require) flags |= mys::presentation_requires_signatures;
  if (config_.whitelisting) flags |= mys::presentation_requires_whitelisting;
  if (config_.native) flags |= mys::presentation_native;
  return flags;
}

mys::Frame SigningNode::presentation(std::uint8_t destination) const noexcept {
  return mys::make_signing_presentation(config_.node_id, destination, own_flags_for(destination));
}

void SigningNode::set_peer_flags(std::uint8_t peer, std::uint8_t flags) noexcept {
  // Requirements are sticky: without WEAK_SECURITY a presentation can add one, never
  // withdraw it (MySensors logs "NREQ ... REJ"), so a forged presentation cannot downgrade.
  const bool sig = (flags & mys::presentation_requires_signatures) != 0;
  const bool wl = (flags & mys::presentation_requires_whitelisting) != 0;
  const bool native = (flags & mys::presentation_native) != 0;
  if (sig || config_.weak_security) set_bit(requires_signing_, peer, sig);
  if (wl || config_.weak_security) set_bit(requires_whitelisting_, peer, wl);
  if (native || config_.weak_security) set_bit(native_peers_, peer, native);
}

SigningError SigningNode::on_presentation(const mys::Frame& in, mys::Frame& reply, bool& send_reply) noexcept {
  send_reply = false;
  std::uint8_t flags = 0;
  if (const auto e = mys::read_signing_presentation(in, flags); e != SigningError::ok) return count(e);
  if (in.destination() != config_.node_id) return SigningError::not_addressed;
  set_peer_flags(in.sender(), flags);
  if (config_.node_id == mys::gateway_address && in.sender() != config_.node_id) {
    reply = presentation(in.sender());
    send_reply = true;
  }
  return SigningError::ok;
}

// ---------------------------------------------------------------- receiver side

bool SigningNode::requires_from(std::uint8_t sender) const noexcept {
  if (native_link(sender)) return true;  // native peers are always held to signatures
  if (!config_.require_signatures) return false;
  // WEAK_SECURITY: only senders that require signatures themselves must sign (§4).
  if (config_.weak_security) return peer_requires_signatures(sender);
  return true;
}

SigningError SigningNode::on_nonce_request(const mys::Frame& in, std::uint32_t now, mys::Frame& response) noexcept {
  if (const auto e = mys::read_nonce_request(in); e != SigningError::ok) return count(e);
  if (in.destination() != config_.node_id) return SigningError::not_addressed;
  std::array<std::uint8_t, mys::nonce_on_air_size> fresh{};
  if (const auto e = backend_.make_nonce(fresh); e != SigningError::ok) return count(e);
  const std::size_t per_sender = native_link(in.sender()) ? config_.native_nonces_per_sender : 1;
  const Nonce padded = pad_nonce(fresh);
  if (const auto e = pool_.issue(in.sender(), per_sender, padded, now); e != SigningError::ok) return count(e);
  response = mys::make_nonce_response(config_.node_id, in.sender(), fresh);
  return SigningError::ok;
}

SigningError SigningNode::verify_with_pool(const mys::Frame& in, std::uint32_t now, bool native) noexcept {
  SigningError result = SigningError::no_nonce;
  const Serial* salt = nullptr;
  HmacKey* key = nullptr;
  if (native) {
    key = native_keys_ != nullptr ? native_keys_->key_for_peer(in.sender()) : nullptr;
    if (key == nullptr) return SigningError::unknown_peer;
    // Native mode needs no salt (per-node keys); the whitelist admits and revokes.
    if (config_.whitelisting && whitelist_.find(in.sender()) == nullptr) return SigningError::not_whitelisted;
  } else if (config_.whitelisting) {
    // §4 step 6: a whitelisting verifier always salts, and refuses senders it has no entry for.
    salt = whitelist_.find(in.sender());
    if (salt == nullptr) return SigningError::not_whitelisted;
  }
  std::array<std::size_t, max_nonces_per_sender> slots{};
  const std::size_t n = pool_.live_slots(in.sender(), now, slots);
  if (n == 0) return pool_.has_expired(in.sender()) ? SigningError::nonce_expired : SigningError::no_nonce;
  for (std::size_t i = 0; i < n; ++i) {
    const Nonce& nonce = pool_.nonce_at(slots[i]);
    const SigningError e = native ? verify_native(*key, in, nonce) : backend_.verify(in, nonce, salt);
    if (e == SigningError::ok) {
      // Only a frame that verified spends the nonce: a forgery burns nothing (§Nonce pool).
      pool_.consume(slots[i]);
      result = SigningError::ok;
      break;
    }
    result = e;
  }
  return result;
}

SigningError SigningNode::receive_admin(const mys::Frame& in, std::uint32_t now) noexcept {
  SigningError result = SigningError::not_authorised;
  AdminCommand command;
  if (const auto e = read_whitelist_admin(in, command); e != SigningError::ok) return e;
  if (in.sender() != mys::gateway_address || !config_.native || !in.is_signed() ||
      signature_identifier(in) != static_cast<std::uint8_t>(Scheme::native))
    return result;
  if (const auto e = verify_with_pool(in, now, true); e != SigningError::ok) return e;
  result = apply_admin(command);
  return result;
}

SigningError SigningNode::receive(const mys::Frame& in, std::uint32_t now, mys::Frame& delivered,
                                  Delivery& how) noexcept {
  how = Delivery::unauthenticated;
  delivered = mys::Frame{};
  pool_.expire(now);  // signerCheckTimer() at the start of transportProcessMessage()
  // Relayed frames and broadcasts are never verified (§4); a relay forwards `in` as is.
  if (in.destination() != config_.node_id && in.destination() != mys::broadcast_address)
    return SigningError::not_addressed;
  if (in.is_internal(mys::internal_type::meshsec_whitelist_admin)) {
    const auto e = count(in.destination() == config_.node_id ? receive_admin(in, now) : SigningError::not_authorised);
    if (e != SigningError::ok) return e;
    delivered = in;
    how = Delivery::authenticated;
    return SigningError::ok;
  }
  const std::uint8_t sender = in.sender();
  const bool native = native_link(sender);
  const bool required = in.destination() != mys::broadcast_address && requires_from(sender) &&
                        !mys::is_skipped(in, /*sign_echoes=*/native);
  if (!required) {
    delivered = in;
    return SigningError::ok;
  }
  if (whitelist_.is_revoked(sender)) return count(SigningError::revoked);
  if (!in.is_signed()) return count(SigningError::not_signed);  // downgrade to unsigned
  if (!native && config_.native_only) return count(SigningError::bad_identifier);
  if (!native && !config_.accept_short_mysensors_macs && in.payload_length() > native_max_payload)
    return count(SigningError::short_mac);
  if (const auto e = verify_with_pool(in, now, native); e != SigningError::ok) return count(e);
  // On success the signed flag is cleared before the application sees the message.
  delivered = in;
  delivered.set_signed(false);
  for (std::size_t i = mys::header_size + in.payload_length(); i < mys::max_message_size; ++i) delivered.bytes[i] = 0;
  delivered.size = mys::header_size + in.payload_length();
  how = Delivery::authenticated;
  return SigningError::ok;
}

// ---------------------------------------------------------------- sender side

void SigningNode::expire_sessions(std::uint32_t now) noexcept {
  for (auto& s : sessions_)
    if (s.used && now - s.started > config_.nonces.timeout_ms) s = Session{};
}

std::size_t SigningNode::pending_sessions() const noexcept {
  std::size_t n = 0;
  for (const auto& s : sessions_)
    if (s.used) ++n;
  return n;
}

SigningError SigningNode::begin_send(const mys::Frame& msg, std::uint32_t now, mys::Frame& out,
                                     bool& awaiting_nonce) noexcept {
  awaiting_nonce = false;
  out = msg;
  const std::uint8_t destination = msg.destination();
  const bool native = native_link(destination);
  const bool admin = msg.is_internal(mys::internal_type::meshsec_whitelist_admin);
  if (admin && (!native || msg.sender() != mys::gateway_address)) return count(SigningError::not_authorised);
  // Only the original sender signs; repeaters forward signed frames unchanged (§6).
  if (msg.sender() != config_.node_id || destination == mys::broadcast_address) return SigningError::ok;
  const bool needed =
      admin || native || (peer_requires_signatures(destination) && !mys::is_skipped(msg, /*sign_echoes=*/false));
  if (!needed || (native && mys::is_skipped(msg, /*sign_echoes=*/true))) return SigningError::ok;
  const std::size_t limit = native ? native_max_payload : mys::max_signable_payload;
  if (msg.payload_length() > limit) return count(SigningError::payload_too_long);
  if (!native && !config_.accept_short_mysensors_macs && msg.payload_length() > native_max_payload)
    return count(SigningError::short_mac);
  if (native && (native_keys_ == nullptr || native_keys_->key_for_peer(destination) == nullptr))
    return count(SigningError::unknown_peer);
  expire_sessions(now);
  // A MySensors receiver holds one nonce: a second request would overwrite the first.
  const std::size_t per_destination = native ? config_.native_nonces_per_sender : 1;
  std::size_t pending = 0;
  Session* free_session = nullptr;
  for (auto& s : sessions_) {
    if (s.used && s.destination == destination) ++pending;
    if (!s.used && free_session == nullptr) free_session = &s;
  }
  if (pending >= per_destination || free_session == nullptr) return count(SigningError::pool_full);
  free_session->used = true;
  free_session->destination = destination;
  free_session->started = now;
  free_session->message = msg;
  out = mys::make_nonce_request(config_.node_id, destination, msg.sensor());
  awaiting_nonce = true;
  return SigningError::ok;
}

SigningError SigningNode::on_nonce_response(const mys::Frame& in, std::uint32_t now, mys::Frame& signed_frame) noexcept {
  std::array<std::uint8_t, mys::nonce_on_air_size> on_air{};
  if (const auto e = mys::read_nonce_response(in, on_air); e != SigningError::ok) return count(e);
  if (in.destination() != config_.node_id) return SigningError::not_addressed;
  Session* session = nullptr;
  bool expired = false;
  bool any = false;
  for (auto& s : sessions_) {
    if (!s.used) continue;
    any = true;
    if (s.destination != in.sender()) continue;  // §2.2 step 4: only from whom we asked
    if (now - s.started > config_.nonces.timeout_ms) {
      s = Session{};
      expired = true;
      continue;
    }
    if (session == nullptr || now - s.started > now - session->started) session = &s;
  }
  if (session == nullptr)
    return count(expired ? SigningError::nonce_expired : any ? SigningError::sender_mismatch : SigningError::no_session);
  mys::Frame work = session->message;
  *session = Session{};
  const Nonce nonce = pad_nonce(on_air);
  SigningError e = SigningError::backend_failure;
  if (native_link(in.sender())) {
    HmacKey* key = native_keys_ != nullptr ? native_keys_->key_for_peer(in.sender()) : nullptr;
    e = key == nullptr ? SigningError::unknown_peer : sign_native(*key, work, nonce);
  } else {
    // Since 2.3.2 a sender salts only when it is itself built with a whitelist and the
    // receiver asked for whitelisting (§5).
    const bool salt = config_.whitelisting && peer_requires_whitelisting(in.sender());
    e = backend_.sign(work, nonce, salt ? &config_.own_serial : nullptr);
  }
  if (e != SigningError::ok) return count(e);
  signed_frame = work;
  return SigningError::ok;
}

// ---------------------------------------------------------------- whitelist

SigningError SigningNode::apply_admin(const AdminCommand& command) noexcept {
  // Build the next list aside, persist it, and only then make it live.
  Whitelist next = whitelist_;
  SigningError result = SigningError::ok;
  if (command.operation == AdminOperation::add) {
    result = next.add(command.node_id, command.serial);
  } else {
    next.revoke(command.node_id);
  }
  if (result == SigningError::ok && sink_ != nullptr) result = sink_->persist(next);
  if (result == SigningError::ok) whitelist_ = next;
  next.clear();  // wipes the copied serials
  return result;
}

}  // namespace meshsec::signing
