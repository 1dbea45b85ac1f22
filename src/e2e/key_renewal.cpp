#include "e2e/key_renewal.hpp"

#include "crypto/random.hpp"
#include "crypto/secure_memory.hpp"
#include "wire/bounded_reader.hpp"
#include "wire/bounded_writer.hpp"

namespace meshsec::e2e {
namespace {

constexpr std::array<std::uint8_t, 13> kPrologueLabel = {'m', 'e', 's', 'h', 's', 'e', 'c',
                                                         '/', 'e', '5', '/', 'v', '1'};
using Prologue = std::array<std::uint8_t, kPrologueLabel.size() + RenewalLayout::clear_size - 1>;

std::string_view protocol_name(RenewalPattern pattern) noexcept {
  return pattern == RenewalPattern::kk ? "Noise_KK_25519_AESGCM_SHA256" : "Noise_IK_25519_AESGCM_SHA256";
}

// The clear bytes after the type byte, bound into the handshake through the prologue.
Prologue prologue_for(std::uint32_t node_id, E2eLevel level) noexcept {
  Prologue p{};
  wire::BoundedWriter w(p);
  w.bytes(kPrologueLabel);
  w.u32be(node_id);
  w.u8(static_cast<std::uint8_t>(level));
  return p;
}

struct ClearPart {
  std::uint8_t type = 0;
  std::uint32_t node_id = 0;
  E2eLevel level = E2eLevel::e2;
  std::span<const std::uint8_t> noise;
};

bool read_clear(std::span<const std::uint8_t> frame, std::uint8_t expected_type, ClearPart& out) noexcept {
  if (frame.size() > RenewalLayout::max_frame) return false;
  wire::BoundedReader in(frame);
  out.type = in.u8();
  out.node_id = in.u32be();
  const std::uint8_t level = in.u8();
  out.noise = in.rest();
  if (!in.ok() || out.type != expected_type || level > 1) return false;
  out.level = level == 1 ? E2eLevel::e3 : E2eLevel::e2;
  return true;
}

}  // namespace

E2eError peek_renewal_request(std::span<const std::uint8_t> request, std::uint32_t& node_id,
                              E2eLevel& level) noexcept {
  ClearPart clear;
  if (!read_clear(request, RenewalLayout::request_type, clear)) return E2eError::malformed;
  node_id = clear.node_id;
  level = clear.level;
  return E2eError::ok;
}

E2eError RenewalInitiator::request(RenewalPattern pattern, const RenewalNodeKeys& keys,
                                   std::uint32_t node_id, E2eLevel level, std::uint32_t request_counter,
                                   std::uint32_t current_key_version, std::span<std::uint8_t> out,
                                   std::size_t& written) noexcept {
  written = 0;
  pending_ = false;
  const Prologue prologue = prologue_for(node_id, level);
  NoiseHandshakeConfig config;
  config.protocol_name = protocol_name(pattern);
  config.role = NoiseRole::initiator;
  config.prologue = prologue;
  config.local_static_private = keys.node_static_private;
  config.remote_static_public = keys.backend_static_public;
  if (handshake_.initialize(config) != NoiseError::ok) return E2eError::renewal_rejected;

  wire::BoundedWriter w(out);
  w.u8(RenewalLayout::request_type);
  w.u32be(node_id);
  w.u8(static_cast<std::uint8_t>(level));
  std::array<std::uint8_t, RenewalLayout::request_payload_size> payload{};
  wire::BoundedWriter p(payload);
  p.u32be(request_counter);
  p.u32be(current_key_version);
  if (!w.ok()) return E2eError::no_room;
  std::size_t n = 0;
  const std::size_t clear = w.size();
  const NoiseError e = handshake_.write_message(payload, out.subspan(clear), n);
  if (e == NoiseError::no_room) return E2eError::no_room;
  if (e != NoiseError::ok) return E2eError::renewal_rejected;
  node_id_ = node_id;
  level_ = level;
  counter_ = request_counter;
  current_version_ = current_key_version;
  pending_ = true;
  written = clear + n;
  return E2eError::ok;
}

E2eError RenewalInitiator::accept(std::span<const std::uint8_t> grant,
                                  crypto::SecretArray<E2eLayout::key_size>& new_key,
                                  std::uint32_t& new_version) noexcept {
  if (!pending_) return E2eError::renewal_rejected;
  ClearPart clear;
  if (!read_clear(grant, RenewalLayout::grant_type, clear)) return E2eError::malformed;
  if (clear.node_id != node_id_ || clear.level != level_) return E2eError::renewal_rejected;
  crypto::SecretArray<RenewalLayout::grant_payload_size> payload;
  std::size_t n = 0;
  if (handshake_.read_message(clear.noise, payload.span(), n) != NoiseError::ok ||
      n != RenewalLayout::grant_payload_size || !handshake_.finished()) {
    pending_ = false;  // a failed handshake cannot continue
    return E2eError::renewal_rejected;
  }
  wire::BoundedReader in(payload.span());
  const std::uint32_t counter = in.u32be();
  const std::uint32_t version = in.u32be();
  const auto key = in.bytes(E2eLayout::key_size);
  if (in.finish() != wire::WireError::ok || counter != counter_ || version != current_version_ + 1)
    return E2eError::renewal_rejected;
  pending_ = false;
  new_key.assign(std::span<const std::uint8_t, E2eLayout::key_size>(key.data(), E2eLayout::key_size));
  new_version = version;
  return E2eError::ok;
}

E2eError answer_renewal(RenewalPattern pattern, std::span<const std::uint8_t, 32> backend_static_private,
                        const RenewalNodeRecord& record, std::span<const std::uint8_t> request,
                        std::span<std::uint8_t> grant_out, std::size_t& written,
                        crypto::SecretArray<E2eLayout::key_size>& new_key, std::uint32_t& new_version,
                        std::uint32_t& granted_counter) noexcept {
  written = 0;
  ClearPart clear;
  if (!read_clear(request, RenewalLayout::request_type, clear)) return E2eError::malformed;
  const Prologue prologue = prologue_for(clear.node_id, clear.level);
  NoiseHandshakeConfig config;
  config.protocol_name = protocol_name(pattern);
  config.role = NoiseRole::responder;
  config.prologue = prologue;
  config.local_static_private = backend_static_private;
  if (pattern == RenewalPattern::kk) config.remote_static_public = record.node_static_public;
  NoiseHandshakeState handshake;
  if (handshake.initialize(config) != NoiseError::ok) return E2eError::renewal_rejected;

  std::array<std::uint8_t, RenewalLayout::request_payload_size> payload{};
  std::size_t n = 0;
  if (handshake.read_message(clear.noise, payload, n) != NoiseError::ok ||
      n != RenewalLayout::request_payload_size)
    return E2eError::renewal_rejected;
  // IK: the node's static arrived in the handshake; it must be the registered one.
  if (pattern == RenewalPattern::ik &&
      !crypto::equal_constant_time(handshake.remote_static(), record.node_static_public))
    return E2eError::renewal_rejected;
  wire::BoundedReader in(payload);
  const std::uint32_t counter = in.u32be();
  const std::uint32_t version = in.u32be();
  if (in.finish() != wire::WireError::ok) return E2eError::malformed;
  // A replayed (or older) request is refused: its ephemeral belongs to someone else's run.
  if (counter <= record.last_request_counter || version != record.current_key_version)
    return E2eError::renewal_rejected;

  crypto::SecretArray<E2eLayout::key_size> key;
  if (crypto::random_secret_bytes(key.span()) != crypto::Status::ok) return E2eError::crypto_failure;
  crypto::SecretArray<RenewalLayout::grant_payload_size> grant;
  wire::BoundedWriter g(grant.span());
  g.u32be(counter);
  g.u32be(version + 1);
  g.bytes(key.span());

  wire::BoundedWriter w(grant_out);
  w.u8(RenewalLayout::grant_type);
  w.u32be(clear.node_id);
  w.u8(static_cast<std::uint8_t>(clear.level));
  if (!w.ok()) return E2eError::no_room;
  const std::size_t clear_size = w.size();
  const NoiseError e = handshake.write_message(grant.span(), grant_out.subspan(clear_size), n);
  if (e == NoiseError::no_room) return E2eError::no_room;
  if (e != NoiseError::ok) return E2eError::renewal_rejected;
  written = clear_size + n;
  new_key = std::move(key);
  new_version = version + 1;
  granted_counter = counter;
  return E2eError::ok;
}

}  // namespace meshsec::e2e
