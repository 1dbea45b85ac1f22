#include "e2e/noise_known_answer.hpp"

#include <algorithm>
#include <span>

#include "e2e/noise_handshake_state.hpp"
#include "e2e/noise_pattern.hpp"

namespace meshsec::e2e {
namespace {

using Bytes = std::vector<std::uint8_t>;

NoiseHandshakeConfig config_for(const NoiseKnownAnswer& v, NoiseRole role) {
  const bool init = role == NoiseRole::initiator;
  NoiseHandshakeConfig c;
  c.protocol_name = v.protocol_name;
  c.role = role;
  c.prologue = init ? v.init_prologue : v.resp_prologue;
  c.local_static_private = init ? v.init_static : v.resp_static;
  c.remote_static_public = init ? v.init_remote_static : v.resp_remote_static;
  const auto& psks = init ? v.init_psks : v.resp_psks;
  for (std::size_t i = 0; i < psks.size() && i < c.psks.size(); ++i) c.psks[i] = psks[i];
  return c;
}

NoiseError start(NoiseHandshakeState& hs, const NoiseKnownAnswer& v, NoiseRole role) {
  const Bytes& e = role == NoiseRole::initiator ? v.init_ephemeral : v.resp_ephemeral;
  const NoiseHandshakeConfig c = config_for(v, role);
  if (e.size() != noise_dh_size) return hs.initialize(c);  // unused by this side (one-way)
  const NoiseTestOnlyEphemeral fixed(std::span<const std::uint8_t, noise_dh_size>(e.data(), noise_dh_size));
  return hs.initialize(c, fixed);
}

std::string fail_at(std::size_t i, const std::string& what) {
  return "message " + std::to_string(i) + ": " + what;
}

// Names the primitive of a protocol name meshsec does not implement, e.g. "hash BLAKE2b".
std::string unsupported_part(const std::string& name) {
  std::vector<std::string> parts;
  std::size_t start = 0;
  while (true) {
    const std::size_t sep = name.find('_', start);
    parts.push_back(name.substr(start, sep - start));
    if (sep == std::string::npos) break;
    start = sep + 1;
  }
  if (parts.size() != 5) return "protocol name " + name;
  if (parts[2] != "25519") return "Noise DH " + parts[2];
  if (parts[3] != "AESGCM" && parts[3] != "ChaChaPoly") return "Noise cipher " + parts[3];
  if (parts[4] != "SHA256") return "Noise hash " + parts[4];
  return "Noise pattern " + parts[1];
}

}  // namespace

NoiseKnownAnswerResult run_noise_known_answer(const NoiseKnownAnswer& v) {
  NoiseKnownAnswerResult result;
  NoiseProtocol protocol;
  if (parse_noise_protocol(v.protocol_name, protocol) != NoiseError::ok) {
    result.outcome = NoiseKnownAnswerOutcome::not_applicable;
    result.detail = unsupported_part(v.protocol_name);
    return result;
  }
  NoiseHandshakeState initiator;
  NoiseHandshakeState responder;
  if (NoiseError e = start(initiator, v, NoiseRole::initiator); e != NoiseError::ok) {
    result.detail = "initiator initialize: " + std::string(to_string(e));
    return result;
  }
  if (NoiseError e = start(responder, v, NoiseRole::responder); e != NoiseError::ok) {
    result.detail = "responder initialize: " + std::string(to_string(e));
    return result;
  }
  const bool one_way = protocol.pattern.one_way;
  NoiseCipherState i_send, i_recv, r_send, r_recv;
  std::size_t i = 0;
  Bytes buffer(noise_max_message);
  Bytes plain(noise_max_message);
  for (; i < v.messages.size(); ++i) {
    const auto& m = v.messages[i];
    const bool from_initiator = one_way || i % 2 == 0;
    if (!initiator.finished()) {
      NoiseHandshakeState& sender = from_initiator ? initiator : responder;
      NoiseHandshakeState& receiver = from_initiator ? responder : initiator;
      std::size_t n = 0;
      if (NoiseError e = sender.write_message(m.payload, buffer, n); e != NoiseError::ok) {
        result.detail = fail_at(i, "write " + std::string(to_string(e)));
        return result;
      }
      if (!std::equal(buffer.begin(), buffer.begin() + static_cast<std::ptrdiff_t>(n), m.ciphertext.begin(),
                      m.ciphertext.end())) {
        result.detail = fail_at(i, "handshake ciphertext differs");
        return result;
      }
      if (NoiseError e = receiver.read_message(m.ciphertext, plain, n); e != NoiseError::ok) {
        result.detail = fail_at(i, "read " + std::string(to_string(e)));
        return result;
      }
      if (!std::equal(plain.begin(), plain.begin() + static_cast<std::ptrdiff_t>(n), m.payload.begin(),
                      m.payload.end())) {
        result.detail = fail_at(i, "handshake payload differs");
        return result;
      }
      if (initiator.finished() != responder.finished()) {
        result.detail = fail_at(i, "sides disagree on the end of the handshake");
        return result;
      }
      if (initiator.finished()) {
        // snow.json carries no handshake hash; its ciphertexts depend on h all the same.
        if (!v.handshake_hash.empty() && (!std::equal(v.handshake_hash.begin(), v.handshake_hash.end(), initiator.handshake_hash().begin(),
                        initiator.handshake_hash().end()) ||
            !std::equal(v.handshake_hash.begin(), v.handshake_hash.end(), responder.handshake_hash().begin(),
                        responder.handshake_hash().end()))) {
          result.detail = "handshake hash differs";
          return result;
        }
        if (initiator.split(i_send, i_recv) != NoiseError::ok || responder.split(r_send, r_recv) != NoiseError::ok) {
          result.detail = "split failed";
          return result;
        }
      }
      continue;
    }
    NoiseCipherState& send = from_initiator ? i_send : r_send;
    NoiseCipherState& recv = from_initiator ? r_recv : i_recv;
    std::size_t n = 0;
    if (NoiseError e = send.encrypt_with_ad({}, m.payload, buffer, n); e != NoiseError::ok) {
      result.detail = fail_at(i, "transport encrypt " + std::string(to_string(e)));
      return result;
    }
    if (n != m.ciphertext.size() || !std::equal(m.ciphertext.begin(), m.ciphertext.end(), buffer.begin())) {
      result.detail = fail_at(i, "transport ciphertext differs");
      return result;
    }
    // Negative case: one flipped bit must be refused and must not move the nonce.
    Bytes tampered = m.ciphertext;
    if (!tampered.empty()) tampered[tampered.size() / 2] ^= 0x01;
    const std::uint64_t nonce_before = recv.nonce();
    if (recv.decrypt_with_ad({}, tampered, plain, n) != NoiseError::auth_failed || recv.nonce() != nonce_before) {
      result.detail = fail_at(i, "tampered transport message accepted");
      return result;
    }
    ++result.negatives_rejected;
    if (NoiseError e = recv.decrypt_with_ad({}, m.ciphertext, plain, n); e != NoiseError::ok) {
      result.detail = fail_at(i, "transport decrypt " + std::string(to_string(e)));
      return result;
    }
    if (!std::equal(plain.begin(), plain.begin() + static_cast<std::ptrdiff_t>(n), m.payload.begin(), m.payload.end())) {
      result.detail = fail_at(i, "transport payload differs");
      return result;
    }
  }
  if (!initiator.finished()) {
    result.detail = "vector ends before the handshake does";
    return result;
  }
  result.outcome = NoiseKnownAnswerOutcome::passed;
  return result;
}

}  // namespace meshsec::e2e
