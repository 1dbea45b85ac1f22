// The MySensors 2.x frame and its signing messages: the one place their byte layout lives
// (docs/signing.md §Wire; MySensors core/MyMessage.h, core/MySigning.cpp).
//
//   byte 0  last      hop that transmitted this copy (rewritten per hop, never signed)
//   byte 1  sender    originating node
//   byte 2  destination (0 gateway, 255 broadcast)
//   byte 3  version_length: bits 0-1 protocol version (2), bit 2 signed flag, bits 3-7 length
//   byte 4  command_echo_payload: bits 0-2 command, bit 3 echo request, bit 4 is-echo,
//           bits 5-7 payload type
//   byte 5  type, byte 6 sensor, bytes 7.. payload (at most 25)
//
// Unsigned frames are 7 + length bytes on air; signed frames are always 32, the signature
// filling bytes 7+length..31 while the length field keeps the real payload length.
#pragma once
#include <array>
#include <cstddef>
#include <cstdint>
#include <span>

#include "signing/signing_error.hpp"

namespace meshsec::signing::mys {

inline constexpr std::uint8_t protocol_version = 2;
inline constexpr std::size_t header_size = 7;
inline constexpr std::size_t max_message_size = 32;
inline constexpr std::size_t max_payload_size = max_message_size - header_size;  // 25
// MySigning.cpp: payloads above MAX_PAYLOAD_SIZE - 2 leave no room for identifier + 1 byte.
inline constexpr std::size_t max_signable_payload = max_payload_size - 2;  // 23
inline constexpr std::size_t nonce_on_air_size = max_payload_size;         // 25
inline constexpr std::size_t nonce_size = 32;                              // padded with 0xAA
inline constexpr std::uint8_t nonce_pad_byte = 0xAA;
inline constexpr std::size_t serial_size = 9;
inline constexpr std::uint8_t gateway_address = 0;
inline constexpr std::uint8_t broadcast_address = 255;
inline constexpr std::uint8_t node_sensor_id = 255;
static_assert(header_size - 1 + max_signable_payload <= 32, "covered bytes fit one SHA-256 block");

// Masks of byte 3 and byte 4.
inline constexpr std::uint8_t version_mask = 0x03;
inline constexpr std::uint8_t signed_flag = 0x04;
inline constexpr std::uint8_t command_mask = 0x07;
inline constexpr std::uint8_t echo_request_flag = 0x08;
inline constexpr std::uint8_t is_echo_flag = 0x10;

enum class Command : std::uint8_t { presentation = 0, set = 1, req = 2, internal = 3, stream = 4 };
enum class PayloadType : std::uint8_t {
  string = 0, byte = 1, int16 = 2, uint16 = 3, long32 = 4, ulong32 = 5, custom = 6, float32 = 7
};

// mysensors_internal_t values used here (identical across 2.0.0 .. 2.3.x and development).
namespace internal_type {
inline constexpr std::uint8_t id_request = 3;
inline constexpr std::uint8_t id_response = 4;
inline constexpr std::uint8_t find_parent_request = 7;
inline constexpr std::uint8_t find_parent_response = 8;
inline constexpr std::uint8_t log_message = 9;
inline constexpr std::uint8_t signing_presentation = 15;
inline constexpr std::uint8_t nonce_request = 16;
inline constexpr std::uint8_t nonce_response = 17;
inline constexpr std::uint8_t heartbeat_request = 18;
inline constexpr std::uint8_t discover_request = 20;
inline constexpr std::uint8_t discover_response = 21;
inline constexpr std::uint8_t heartbeat_response = 22;
inline constexpr std::uint8_t locked = 23;
inline constexpr std::uint8_t ping = 24;
inline constexpr std::uint8_t pong = 25;
inline constexpr std::uint8_t registration_request = 26;
// meshsec-native whitelist administration (docs/signing.md §Whitelist admin). Outside the
// range MySensors assigns, so a MySensors node ignores it.
inline constexpr std::uint8_t meshsec_whitelist_admin = 0xF0;
}  // namespace internal_type

// mysensors_stream_t values that MySensors never signs.
namespace stream_type {
inline constexpr std::uint8_t firmware_config_request = 0;
inline constexpr std::uint8_t firmware_config_response = 1;
inline constexpr std::uint8_t firmware_request = 2;
inline constexpr std::uint8_t firmware_response = 3;
inline constexpr std::uint8_t sound = 4;
inline constexpr std::uint8_t image = 5;
}  // namespace stream_type

// I_SIGNING_PRESENTATION payload: version byte then flags.
inline constexpr std::uint8_t presentation_version_1 = 1;
inline constexpr std::uint8_t presentation_requires_signatures = 0x01;
inline constexpr std::uint8_t presentation_requires_whitelisting = 0x02;
// meshsec extension: "I speak and require native signatures". MySensors reads only bits 0-1.
inline constexpr std::uint8_t presentation_native = 0x04;

// One frame in on-air form, always in a fixed 32-byte buffer.
class Frame {
 public:
  std::array<std::uint8_t, max_message_size> bytes{};
  std::size_t size = 0;  // on-air length

  [[nodiscard]] std::uint8_t last() const noexcept { return bytes[0]; }
  [[nodiscard]] std::uint8_t sender() const noexcept { return bytes[1]; }
  [[nodiscard]] std::uint8_t destination() const noexcept { return bytes[2]; }
  [[nodiscard]] std::uint8_t version() const noexcept { return bytes[3] & version_mask; }
  [[nodiscard]] bool is_signed() const noexcept { return (bytes[3] & signed_flag) != 0; }
  // Clamped to 25 as MySensors' getLength() does; parse_frame() rejects larger values.
  [[nodiscard]] std::size_t payload_length() const noexcept {
    const std::size_t length = bytes[3] >> 3;
    return length > max_payload_size ? max_payload_size : length;
  }
  [[nodiscard]] Command command() const noexcept { return static_cast<Command>(bytes[4] & command_mask); }
  [[nodiscard]] bool echo_request() const noexcept { return (bytes[4] & echo_request_flag) != 0; }
  [[nodiscard]] bool is_echo() const noexcept { return (bytes[4] & is_echo_flag) != 0; }
  [[nodiscard]] PayloadType payload_type() const noexcept { return static_cast<PayloadType>(bytes[4] >> 5); }
  [[nodiscard]] std::uint8_t type() const noexcept { return bytes[5]; }
  [[nodiscard]] std::uint8_t sensor() const noexcept { return bytes[6]; }
  [[nodiscard]] std::span<const std::uint8_t> payload() const noexcept {
    return std::span<const std::uint8_t>(bytes).subspan(header_size, payload_length());
  }
  // Bytes after the payload (the signature area of a signed frame).
  [[nodiscard]] std::span<const std::uint8_t> trailer() const noexcept {
    return std::span<const std::uint8_t>(bytes).subspan(header_size + payload_length(),
                                                        max_message_size - header_size - payload_length());
  }
  [[nodiscard]] std::span<const std::uint8_t> on_air() const noexcept {
    return std::span<const std::uint8_t>(bytes).first(size);
  }
  [[nodiscard]] bool is_internal(std::uint8_t internal) const noexcept {
    return command() == Command::internal && type() == internal;
  }

  void set_signed(bool on) noexcept {
    bytes[3] = static_cast<std::uint8_t>(on ? (bytes[3] | signed_flag) : (bytes[3] & ~signed_flag));
  }
};

// What to build a frame from.
struct Header {
  std::uint8_t sender = 0;
  std::uint8_t destination = 0;
  Command command = Command::set;
  PayloadType payload_type = PayloadType::string;
  std::uint8_t type = 0;
  std::uint8_t sensor = 0;
  bool echo_request = false;
  bool is_echo = false;
};

// Parses an on-air frame (through wire::BoundedReader). Checks: 7..32 bytes, protocol
// version 2, length field at most 25, command 0..4, and the exact transmitted size
// (transportHALReceive: 7 + length unsigned, 32 signed; a signed frame's length at most 23).
// Errors: malformed.
[[nodiscard]] SigningError parse_frame(std::span<const std::uint8_t> air, Frame& out) noexcept;

// Builds an unsigned frame; `last` is the sender (first hop). Errors: payload_too_long.
[[nodiscard]] SigningError build_frame(const Header& header, std::span<const std::uint8_t> payload,
                                       Frame& out) noexcept;

// I_NONCE_REQUEST (MySigning.cpp signerSignMsg step 1): empty P_STRING, sensor copied from
// the message to be signed, addressed to that message's final destination.
[[nodiscard]] Frame make_nonce_request(std::uint8_t sender, std::uint8_t destination, std::uint8_t sensor) noexcept;
// I_NONCE_RESPONSE: the first 25 nonce bytes as P_CUSTOM, sensor 255.
[[nodiscard]] Frame make_nonce_response(std::uint8_t sender, std::uint8_t destination,
                                        std::span<const std::uint8_t, nonce_on_air_size> nonce) noexcept;
// I_SIGNING_PRESENTATION: version 1 and the flags byte, P_CUSTOM, sensor 255.
[[nodiscard]] Frame make_signing_presentation(std::uint8_t sender, std::uint8_t destination,
                                              std::uint8_t flags) noexcept;

// Readers of the signing messages from a parsed frame. Errors: wrong_message (other
// command/type), malformed (wrong payload length or version).
[[nodiscard]] SigningError read_nonce_request(const Frame& frame) noexcept;
[[nodiscard]] SigningError read_nonce_response(const Frame& frame,
                                               std::span<std::uint8_t, nonce_on_air_size> nonce) noexcept;
[[nodiscard]] SigningError read_signing_presentation(const Frame& frame, std::uint8_t& flags) noexcept;

// MySigning.cpp skipSign(): messages MySensors neither signs nor verifies. Native mode
// still authenticates echoes (MySensors issue #296), so `sign_echoes` removes that entry.
[[nodiscard]] bool is_skipped(const Frame& frame, bool sign_echoes) noexcept;

}  // namespace meshsec::signing::mys
