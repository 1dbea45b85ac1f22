#include "signing/mysensors_frame.hpp"

#include "wire/bounded_reader.hpp"

namespace meshsec::signing::mys {
namespace {

std::uint8_t version_length_byte(std::size_t length, bool is_signed) noexcept {
  return static_cast<std::uint8_t>((length << 3) | (is_signed ? signed_flag : 0) | protocol_version);
}

std::uint8_t command_byte(const Header& h) noexcept {
  return static_cast<std::uint8_t>((static_cast<unsigned>(h.payload_type) << 5) | (h.is_echo ? is_echo_flag : 0) |
                                   (h.echo_request ? echo_request_flag : 0) | static_cast<unsigned>(h.command));
}

Frame internal_frame(std::uint8_t sender, std::uint8_t destination, std::uint8_t type, std::uint8_t sensor,
                     PayloadType payload_type, std::span<const std::uint8_t> payload) noexcept {
  Header h;
  h.sender = sender;
  h.destination = destination;
  h.command = Command::internal;
  h.payload_type = payload_type;
  h.type = type;
  h.sensor = sensor;
  Frame f;
  // Payloads here are fixed and at most 25 bytes, so build_frame cannot fail.
  (void)build_frame(h, payload, f);
  return f;
}

}  // namespace

SigningError parse_frame(std::span<const std::uint8_t> air, Frame& out) noexcept {
  out = Frame{};
  SigningError result = SigningError::malformed;
  if (air.size() < header_size || air.size() > max_message_size) return result;
  wire::BoundedReader in(air);
  const std::uint8_t last = in.u8();
  const std::uint8_t sender = in.u8();
  const std::uint8_t destination = in.u8();
  const std::uint8_t version_length = in.u8();
  const std::uint8_t command_echo = in.u8();
  const std::uint8_t type = in.u8();
  const std::uint8_t sensor = in.u8();
  const std::size_t length = version_length >> 3;
  const bool is_signed = (version_length & signed_flag) != 0;
  if ((version_length & version_mask) != protocol_version) in.fail(wire::WireError::bad_value);
  if (length > max_payload_size) in.fail(wire::WireError::length_out_of_range);
  if ((command_echo & command_mask) > static_cast<std::uint8_t>(Command::stream)) in.fail(wire::WireError::bad_value);
  // getExpectedMessageSize(): a signed frame always fills the 32 bytes.
  if (is_signed && length > max_signable_payload) in.fail(wire::WireError::length_out_of_range);
  const std::size_t body = is_signed ? max_payload_size : length;
  const auto rest = in.bytes(body);
  if (in.finish() != wire::WireError::ok) return result;
  out.bytes[0] = last;
  out.bytes[1] = sender;
  out.bytes[2] = destination;
  out.bytes[3] = version_length;
  out.bytes[4] = command_echo;
  out.bytes[5] = type;
  out.bytes[6] = sensor;
  for (std::size_t i = 0; i < rest.size(); ++i) out.bytes[header_size + i] = rest[i];
  out.size = header_size + body;
  result = SigningError::ok;
  return result;
}

SigningError build_frame(const Header& header, std::span<const std::uint8_t> payload, Frame& out) noexcept {
  out = Frame{};
  if (payload.size() > max_payload_size) return SigningError::payload_too_long;
  out.bytes[0] = header.sender;
  out.bytes[1] = header.sender;
  out.bytes[2] = header.destination;
  out.bytes[3] = version_length_byte(payload.size(), false);
  out.bytes[4] = command_byte(header);
  out.bytes[5] = header.type;
  out.bytes[6] = header.sensor;
  for (std::size_t i = 0; i < payload.size(); ++i) out.bytes[header_size + i] = payload[i];
  out.size = header_size + payload.size();
  return SigningError::ok;
}

Frame make_nonce_request(std::uint8_t sender, std::uint8_t destination, std::uint8_t sensor) noexcept {
  return internal_frame(sender, destination, internal_type::nonce_request, sensor, PayloadType::string, {});
}

Frame make_nonce_response(std::uint8_t sender, std::uint8_t destination,
                          std::span<const std::uint8_t, nonce_on_air_size> nonce) noexcept {
  return internal_frame(sender, destination, internal_type::nonce_response, node_sensor_id, PayloadType::custom,
                        nonce);
}

Frame make_signing_presentation(std::uint8_t sender, std::uint8_t destination, std::uint8_t flags) noexcept {
  const std::array<std::uint8_t, 2> payload{presentation_version_1, flags};
  return internal_frame(sender, destination, internal_type::signing_presentation, node_sensor_id,
                        PayloadType::custom, payload);
}

SigningError read_nonce_request(const Frame& frame) noexcept {
  if (!frame.is_internal(internal_type::nonce_request)) return SigningError::wrong_message;
  if (frame.payload_length() != 0) return SigningError::malformed;
  return SigningError::ok;
}

SigningError read_nonce_response(const Frame& frame, std::span<std::uint8_t, nonce_on_air_size> nonce) noexcept {
  if (!frame.is_internal(internal_type::nonce_response)) return SigningError::wrong_message;
  if (frame.payload_length() != nonce_on_air_size || frame.is_signed()) return SigningError::malformed;
  const auto p = frame.payload();
  for (std::size_t i = 0; i < nonce_on_air_size; ++i) nonce[i] = p[i];
  return SigningError::ok;
}

SigningError read_signing_presentation(const Frame& frame, std::uint8_t& flags) noexcept {
  flags = 0;
  if (!frame.is_internal(internal_type::signing_presentation)) return SigningError::wrong_message;
  const auto p = frame.payload();
  // MySigning.cpp accepts only SIGNING_PRESENTATION_VERSION_1 with its two bytes.
  if (p.size() != 2 || p[0] != presentation_version_1) return SigningError::malformed;
  flags = p[1];
  return SigningError::ok;
}

bool is_skipped(const Frame& frame, bool sign_echoes) noexcept {
  if (frame.is_echo() && !sign_echoes) return true;
  if (frame.command() == Command::internal) {
    switch (frame.type()) {
      case internal_type::signing_presentation:
      case internal_type::registration_request:
      case internal_type::nonce_request:
      case internal_type::nonce_response:
      case internal_type::id_request:
      case internal_type::id_response:
      case internal_type::find_parent_request:
      case internal_type::find_parent_response:
      case internal_type::heartbeat_request:
      case internal_type::heartbeat_response:
      case internal_type::ping:
      case internal_type::pong:
      case internal_type::discover_request:
      case internal_type::discover_response:
      case internal_type::log_message: return true;
      default: return false;
    }
  }
  if (frame.command() == Command::stream) {
    switch (frame.type()) {
      case stream_type::sound:
      case stream_type::image:
      case stream_type::firmware_request:
      case stream_type::firmware_response: return true;
      default: return false;
    }
  }
  return false;
}

}  // namespace meshsec::signing::mys
