// A small in-process network for the signing tests: nodes exchange frames directly, on
// a test-owned millisecond clock.
#pragma once
#include <array>
#include <cstdint>
#include <vector>

#include "signing/mysensors_frame.hpp"
#include "signing/signing_node.hpp"

namespace meshsec::signing::testing {

inline std::array<std::uint8_t, 32> test_psk() {
  std::array<std::uint8_t, 32> k{};
  for (std::size_t i = 0; i < k.size(); ++i) k[i] = static_cast<std::uint8_t>(i);
  return k;
}

inline mys::Frame set_message(std::uint8_t sender, std::uint8_t destination, std::vector<std::uint8_t> payload,
                              std::uint8_t sensor = 3, bool is_echo = false) {
  mys::Header h;
  h.sender = sender;
  h.destination = destination;
  h.command = mys::Command::set;
  h.payload_type = mys::PayloadType::custom;
  h.type = 2;
  h.sensor = sensor;
  h.is_echo = is_echo;
  mys::Frame f;
  (void)mys::build_frame(h, payload, f);
  return f;
}

// Runs begin_send → nonce request → nonce response → signed frame. Returns the first
// error of the exchange; `on_air` is the frame the sender transmits.
inline SigningError exchange(SigningNode& from, SigningNode& to, const mys::Frame& msg, std::uint32_t now,
                             mys::Frame& on_air) {
  bool awaiting = false;
  mys::Frame first;
  if (auto e = from.begin_send(msg, now, first, awaiting); e != SigningError::ok) return e;
  if (!awaiting) {
    on_air = first;
    return SigningError::ok;
  }
  mys::Frame response;
  if (auto e = to.on_nonce_request(first, now, response); e != SigningError::ok) return e;
  return from.on_nonce_response(response, now, on_air);
}

inline SigningError deliver(SigningNode& to, const mys::Frame& on_air, std::uint32_t now) {
  mys::Frame delivered;
  Delivery how = Delivery::unauthenticated;
  const auto e = to.receive(on_air, now, delivered, how);
  if (e == SigningError::ok && how != Delivery::authenticated) return SigningError::not_signed;
  return e;
}

}  // namespace meshsec::signing::testing
