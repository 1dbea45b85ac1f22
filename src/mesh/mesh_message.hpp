// The mesh layer's message, carried as one application token inside an E1 data frame
// (docs/simulator.md §Frames), so at most max_message_size bytes. Every message
// starts with the same header, which also carries what neighbours need for routing: the
// sender's hop distance to the gateway and its chosen parent (the backbone election).
//
//   header = type u8 ‖ origin u16 ‖ seq u16 ‖ ttl u8 ‖ hops u8 ‖ parent u16 ‖ flags u8
//   body   = by type (below); parsers read through wire::BoundedReader and reject
//            trailing bytes.
#pragma once
#include <array>
#include <cstddef>
#include <cstdint>
#include <span>

#include "firmware/blob_layout.hpp"
#include "node/node_id.hpp"

namespace meshsec::mesh {

enum class MessageType : std::uint8_t {
  beacon = 1,       // flooded by the gateway each round: global time, hop gradient
  uplink = 2,       // node → gateway, forwarded down the hop gradient
  downlink = 3,     // gateway → nodes, flooded along the backbone
  advert = 4,       // one hop: which blob and how much of it I hold (Trickle)
  request = 5,      // one hop: ask a neighbour for the header or missing chunks
  fragment = 6,     // one hop: a fragment of a chunk packet or of the signed header
};

// The token type that carries a mesh message inside an E1 frame (whitelisted).
inline constexpr std::uint8_t mesh_token_type = 0x4D;
// E1 data frame: 116 bytes − 11 header − 8 MIC = 97 bytes of tokens; one token header.
inline constexpr std::size_t max_message_size = 95;
// Fragment index of the signed blob header (chunks use their own index).
inline constexpr std::uint16_t header_fragment_index = 0xFFFF;

inline constexpr std::uint8_t flag_backbone = 0x01;       // some neighbour named me its parent
inline constexpr std::uint8_t flag_blob_complete = 0x02;  // I hold the whole current blob
inline constexpr std::uint8_t flag_retry = 0x04;          // uplink retry: any closer node may carry it
inline constexpr std::uint8_t known_flags = flag_backbone | flag_blob_complete | flag_retry;

struct MeshHeader {
  MessageType type = MessageType::beacon;
  node::NodeId origin = 0;
  std::uint16_t seq = 0;
  std::uint8_t ttl = 0;
  std::uint8_t hops = 0xFF;  // sender's hop distance to the gateway (0xFF: unknown)
  node::NodeId parent = node::no_node;
  std::uint8_t flags = 0;
};
inline constexpr std::size_t mesh_header_size = 10;

struct BeaconBody {
  std::uint32_t round = 0;
  std::uint64_t global_us = 0;  // sender's global time when it built the frame
  std::uint8_t degree = 0;      // neighbours the sender heard last round
};
inline constexpr std::size_t beacon_body_size = 13;

inline constexpr std::size_t max_app_payload = 81;  // max_message_size − header − 4
struct AppBody {  // uplink and downlink
  node::NodeId destination = 0;
  std::uint16_t length = 0;
  std::array<std::uint8_t, max_app_payload> payload{};
};

struct AdvertBody {
  firmware::blob::BlobId blob_id{};
  std::uint32_t security_counter = 0;
  std::uint16_t chunk_count = 0;
  std::uint16_t present = 0;
  std::uint16_t first_missing = 0;
};
inline constexpr std::size_t advert_body_size = 18;

// want: 0 chunks base.. (mask bit i: chunk base+i missing); 1 also the header;
// 2 the fragments of chunk `base` whose bits are set in the mask's low 32 bits (gap fill).
inline constexpr std::uint8_t want_chunks = 0, want_header_too = 1, want_fragments = 2;
struct RequestBody {
  node::NodeId target = 0;
  firmware::blob::BlobId blob_id{};
  std::uint8_t want_header = 0;
  std::uint16_t base = 0;
  std::uint64_t mask = 0;
};
inline constexpr std::size_t request_body_size = 21;

// fragment = index u16 ‖ fragment number u8 ‖ data
inline constexpr std::size_t fragment_overhead = 3;
inline constexpr std::size_t fragment_data_size = max_message_size - mesh_header_size - fragment_overhead;
struct FragmentView {
  std::uint16_t index = 0;
  std::uint8_t number = 0;
  std::span<const std::uint8_t> data;
};

// Encoders return the message length, 0 when `out` is too small.
[[nodiscard]] std::size_t encode_header_only(const MeshHeader& h, std::span<std::uint8_t> out) noexcept;
[[nodiscard]] std::size_t encode_beacon(const MeshHeader& h, const BeaconBody& b, std::span<std::uint8_t> out) noexcept;
[[nodiscard]] std::size_t encode_app(const MeshHeader& h, const AppBody& b, std::span<std::uint8_t> out) noexcept;
[[nodiscard]] std::size_t encode_advert(const MeshHeader& h, const AdvertBody& b, std::span<std::uint8_t> out) noexcept;
[[nodiscard]] std::size_t encode_request(const MeshHeader& h, const RequestBody& b, std::span<std::uint8_t> out) noexcept;
[[nodiscard]] std::size_t encode_fragment(const MeshHeader& h, std::uint16_t index, std::uint8_t number,
                                          std::span<const std::uint8_t> data, std::span<std::uint8_t> out) noexcept;
// Header ‖ raw body.
[[nodiscard]] std::size_t encode_raw(const MeshHeader& h, std::span<const std::uint8_t> body,
                                     std::span<std::uint8_t> out) noexcept;

// Parsers: false on any length or value error.
[[nodiscard]] bool parse_header(std::span<const std::uint8_t> message, MeshHeader& h,
                                std::span<const std::uint8_t>& body) noexcept;
[[nodiscard]] bool parse_beacon(std::span<const std::uint8_t> body, BeaconBody& b) noexcept;
[[nodiscard]] bool parse_app(std::span<const std::uint8_t> body, AppBody& b) noexcept;
[[nodiscard]] bool parse_advert(std::span<const std::uint8_t> body, AdvertBody& b) noexcept;
[[nodiscard]] bool parse_request(std::span<const std::uint8_t> body, RequestBody& b) noexcept;
[[nodiscard]] bool parse_fragment(std::span<const std::uint8_t> body, FragmentView& f) noexcept;

}  // namespace meshsec::mesh
