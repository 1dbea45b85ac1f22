// The MySensors frame parser and the signing messages with attacker-chosen bytes: frame
// parsing, presentation / nonce / admin readers, the receiver's whole receive() path with
// a live nonce (signature checks stay on), and the persisted-whitelist decoder.
// Input: [selector] then the bytes.
#include <array>
#include <cstddef>
#include <cstdint>
#include <span>

#include "signing/mysensors_frame.hpp"
#include "signing/signing_node.hpp"
#include "signing/soft_atsha204_backend.hpp"
#include "signing/whitelist_codec.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace meshsec::signing;
  if (size == 0) return 0;
  const std::uint8_t selector = data[0];
  const std::span<const std::uint8_t> bytes(data + 1, size - 1);
  static const std::array<std::uint8_t, 32> key = [] {
    std::array<std::uint8_t, 32> k{};
    for (std::size_t i = 0; i < k.size(); ++i) k[i] = static_cast<std::uint8_t>(i);
    return k;
  }();
  static SoftAtsha204Backend backend;
  static const bool keyed = backend.init(key) == SigningError::ok;
  if (!keyed) return 0;

  if ((selector & 3) == 3) {
    SoftHmacKey storage;
    if (storage.init(key) != SigningError::ok) return 0;
    Whitelist list;
    (void)decode_whitelist(bytes, storage, list);
    if (list.entries().size() > whitelist_capacity) __builtin_trap();
    return 0;
  }

  mys::Frame frame;
  if (mys::parse_frame(bytes, frame) != SigningError::ok) return 0;
  // A parsed frame is internally consistent.
  if (frame.size != (frame.is_signed() ? mys::max_message_size : mys::header_size + frame.payload_length()))
    __builtin_trap();
  std::uint8_t flags = 0;
  (void)mys::read_signing_presentation(frame, flags);
  std::array<std::uint8_t, mys::nonce_on_air_size> nonce{};
  (void)mys::read_nonce_response(frame, nonce);
  (void)mys::read_nonce_request(frame);
  AdminCommand admin;
  (void)read_whitelist_admin(frame, admin);

  // The receiver with an outstanding nonce for the frame's sender.
  SigningConfig config;
  config.node_id = frame.destination();
  config.whitelisting = (selector & 4) != 0;
  SigningNode receiver(config, backend);
  mys::Frame response;
  (void)receiver.on_nonce_request(mys::make_nonce_request(frame.sender(), frame.destination(), 0), 1, response);
  mys::Frame delivered;
  Delivery how{};
  const auto verdict = receiver.receive(frame, 2, delivered, how);
  // Without the PSK-derived signature a signed frame can only be refused; unsigned frames
  // are delivered only when no signature was required.
  if (verdict == SigningError::ok && how == Delivery::authenticated) __builtin_trap();
  bool reply = false;
  (void)receiver.on_presentation(frame, response, reply);
  return 0;
}
