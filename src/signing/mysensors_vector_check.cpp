#include "signing/mysensors_vector_check.hpp"

#include <memory>

#include "hsm/memory_key_store.hpp"
#include "signing/eeprom_layout.hpp"
#include "signing/frame_signature.hpp"
#include "signing/secure_element_backend.hpp"
#include "signing/signing_node.hpp"
#include "signing/soft_atsha204_backend.hpp"
#include "wire/hex.hpp"

namespace meshsec::signing {
namespace {

// Hands out the vector's chosen nonce, as the reference run's hwGetentropy() shim did.
class FixedNonceBackend final : public SigningBackend {
 public:
  FixedNonceBackend(SigningBackend& inner, std::span<const std::uint8_t> nonce) : inner_(inner) {
    for (std::size_t i = 0; i < nonce_.size() && i < nonce.size(); ++i) nonce_[i] = nonce[i];
  }
  [[nodiscard]] BackendKind kind() const noexcept override { return inner_.kind(); }
  [[nodiscard]] SigningError make_nonce(std::span<std::uint8_t, mys::nonce_on_air_size> out) noexcept override {
    for (std::size_t i = 0; i < out.size(); ++i) out[i] = nonce_[i];
    return SigningError::ok;
  }
  [[nodiscard]] SigningError sign(mys::Frame& f, const Nonce& n, const Serial* s) noexcept override {
    return inner_.sign(f, n, s);
  }
  [[nodiscard]] SigningError verify(const mys::Frame& f, const Nonce& n, const Serial* s) noexcept override {
    return inner_.verify(f, n, s);
  }

 private:
  SigningBackend& inner_;
  std::array<std::uint8_t, mys::nonce_on_air_size> nonce_{};
};

Serial to_serial(const std::vector<std::uint8_t>& bytes) {
  Serial s{};
  for (std::size_t i = 0; i < s.size() && i < bytes.size(); ++i) s[i] = bytes[i];
  return s;
}

bool same(const mys::Frame& f, const std::vector<std::uint8_t>& bytes) {
  const auto air = f.on_air();
  return std::vector<std::uint8_t>(air.begin(), air.end()) == bytes;
}

std::string hex(const mys::Frame& f) { return wire::to_hex(f.on_air()); }

}  // namespace

MysensorsVectorReport check_mysensors_vector(const MysensorsVector& v, VectorBackend which) {
  MysensorsVectorReport report;
  auto fail = [&](const std::string& what) {
    report.passed = false;
    report.detail = what;
    return report;
  };
  if (v.hmac_key.size() != psk_size || v.nonce_on_air.size() != mys::nonce_on_air_size ||
      v.signer_serial.size() != mys::serial_size || (v.receiver_whitelists && v.entry_serial.size() != mys::serial_size))
    return fail("field of the wrong size");

  // The backend both ends share (same PSK): soft, or the key inside custody.
  SoftAtsha204Backend soft;
  hsm::MemoryKeyStore store(hsm::MemoryKeyStore::Options{.allow_import = true});
  std::unique_ptr<SecureElementBackend> token;
  SigningBackend* backend = &soft;
  if (which == VectorBackend::soft) {
    if (soft.init(std::span<const std::uint8_t, psk_size>(v.hmac_key.data(), psk_size)) != SigningError::ok)
      return fail("soft backend init");
  } else {
    auto handle = store.import_secret(psk_key_template("mysensors-psk"), v.hmac_key);
    if (!handle.ok()) return fail("token import");
    token = std::make_unique<SecureElementBackend>(store, handle.value());
    backend = token.get();
  }

  mys::Frame message;
  if (mys::parse_frame(v.message_before, message) != SigningError::ok) return fail("message_before does not parse");
  const std::uint8_t sender_id = message.sender();
  const std::uint8_t receiver_id = message.destination();

  FixedNonceBackend receiver_backend(*backend, v.nonce_on_air);
  // Frames with under 64 MAC bits need meshsec's explicit opt-in to MySensors' range.
  report.mac_bits = 8 * mac_bytes_for(message.payload_length());
  const bool short_mac = report.mac_bits < 64;
  SigningConfig rx;
  rx.node_id = receiver_id;
  rx.require_signatures = true;
  rx.whitelisting = v.receiver_whitelists;
  rx.accept_short_mysensors_macs = short_mac;
  SigningNode receiver(rx, receiver_backend);
  if (v.receiver_whitelists &&
      receiver.apply_admin({AdminOperation::add, v.entry_node, to_serial(v.entry_serial)}) != SigningError::ok)
    return fail("whitelist entry");

  SigningConfig tx;
  tx.node_id = sender_id;
  tx.whitelisting = v.whitelist_salted;
  tx.own_serial = to_serial(v.signer_serial);
  tx.accept_short_mysensors_macs = short_mac;
  SigningNode sender(tx, *backend);

  // §2.1: the receiver presents its requirements to the sender.
  const mys::Frame presentation = receiver.presentation(sender_id);
  if (!same(presentation, v.presentation)) return fail("presentation " + hex(presentation));
  mys::Frame reply;
  bool send_reply = false;
  if (sender.on_presentation(presentation, reply, send_reply) != SigningError::ok) return fail("presentation refused");

  // §2.2: nonce request, nonce response, signing.
  std::uint32_t now = 1000;
  mys::Frame request;
  bool awaiting = false;
  if (sender.begin_send(message, now, request, awaiting) != SigningError::ok || !awaiting)
    return fail("sender did not ask for a nonce");
  if (!same(request, v.nonce_request)) return fail("nonce request " + hex(request));
  mys::Frame response;
  if (receiver.on_nonce_request(request, now, response) != SigningError::ok) return fail("nonce request refused");
  if (!same(response, v.nonce_response)) return fail("nonce response " + hex(response));
  mys::Frame signed_frame;
  if (const auto e = sender.on_nonce_response(response, now, signed_frame); e != SigningError::ok)
    return fail("signing failed: " + std::string(to_string(e)));
  if (!same(signed_frame, v.message_after)) return fail("signed frame " + hex(signed_frame));

  // §4: verification on the receiver, from the on-air bytes.
  mys::Frame received;
  if (mys::parse_frame(v.message_after, received) != SigningError::ok) return fail("signed frame does not parse");
  mys::Frame delivered;
  Delivery how = Delivery::unauthenticated;
  const auto verdict = receiver.receive(received, now + 10, delivered, how);
  report.accepted = verdict == SigningError::ok && how == Delivery::authenticated;
  if (report.accepted != v.expect_accept)
    return fail(std::string("verification: ") + std::string(to_string(verdict)));

  if (v.expect_accept) {
    if (!same(delivered, v.message_before)) return fail("delivered frame " + hex(delivered));
    if (short_mac) {
      // A receiver with meshsec's defaults refuses the short MAC outright.
      SigningConfig strict = rx;
      strict.accept_short_mysensors_macs = false;
      SigningNode default_receiver(strict, receiver_backend);
      if (v.receiver_whitelists)
        (void)default_receiver.apply_admin({AdminOperation::add, v.entry_node, to_serial(v.entry_serial)});
      mys::Frame r;
      if (default_receiver.on_nonce_request(request, now, r) != SigningError::ok) return fail("default re-arm");
      if (default_receiver.receive(received, now + 1, delivered, how) != SigningError::short_mac)
        return fail("short MAC accepted by default");
      ++report.negatives_rejected;
    }
    // Replay: the nonce is spent.
    if (receiver.receive(received, now + 20, delivered, how) == SigningError::ok) return fail("replay accepted");
    ++report.negatives_rejected;
    // Every single-bit flip of bytes 1..31 is refused; byte 0 ("last") is not covered.
    const mys::Frame request_again = request;
    for (std::size_t byte = 0; byte < mys::max_message_size; ++byte) {
      for (unsigned bit = 0; bit < 8; ++bit) {
        now += 1000;  // stay inside the rate limits and the nonce lifetime
        if (receiver.on_nonce_request(request_again, now, response) != SigningError::ok) return fail("re-arm refused");
        auto air = v.message_after;
        air[byte] = static_cast<std::uint8_t>(air[byte] ^ (1U << bit));
        mys::Frame flipped;
        SigningError e = mys::parse_frame(air, flipped);
        if (e == SigningError::ok) e = receiver.receive(flipped, now + 1, delivered, how);
        const bool accepted = e == SigningError::ok && how == Delivery::authenticated;
        if (byte == 0) {
          if (!accepted) return fail("flip of byte 0 (not covered) refused");
          continue;
        }
        if (accepted && short_mac) {
          ++report.short_mac_collisions;
          continue;
        }
        if (accepted) return fail("flip of byte " + std::to_string(byte) + " bit " + std::to_string(bit) + " accepted");
        ++report.negatives_rejected;
      }
    }
    // Expiry: MY_VERIFICATION_TIMEOUT_MS + 1 after the nonce was issued.
    now += 1000;
    if (receiver.on_nonce_request(request_again, now, response) != SigningError::ok) return fail("re-arm refused");
    if (receiver.receive(received, now + receiver.config().nonces.timeout_ms + 1, delivered, how) == SigningError::ok)
      return fail("expired nonce accepted");
    ++report.negatives_rejected;
    now += receiver.config().nonces.timeout_ms + 1000;
    if (receiver.on_nonce_request(request_again, now, response) != SigningError::ok) return fail("re-arm refused");
    if (receiver.receive(received, now + 1, delivered, how) != SigningError::ok) return fail("re-armed frame refused");
  }

  if (v.eeprom_checksum) {
    const std::array<std::uint8_t, eeprom::aes_key_size> zero_aes{};
    std::uint8_t checksum = 0;
    if (eeprom::personalisation_checksum(std::span<const std::uint8_t, 32>(v.hmac_key.data(), 32), zero_aes,
                                         to_serial(v.signer_serial), checksum) != SigningError::ok ||
        checksum != *v.eeprom_checksum)
      return fail("EEPROM checksum");
  }
  if (v.simple_password) {
    std::array<std::uint8_t, psk_size> psk{};
    Serial serial{};
    if (simple_password_psk(*v.simple_password, psk) != SigningError::ok ||
        !std::equal(psk.begin(), psk.end(), v.hmac_key.begin()) ||
        simple_password_serial(*v.simple_password, sender_id, serial) != SigningError::ok ||
        serial != to_serial(v.signer_serial))
      return fail("simple password key or serial");
  }
  report.passed = true;
  return report;
}

}  // namespace meshsec::signing
