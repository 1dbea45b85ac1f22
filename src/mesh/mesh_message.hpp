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
  wave = 7,         // one hop, scheduled: a fragment of a wave item (docs/dissemination.md)
  ack = 8,          // one hop, from the gateway: the uplinks it took (it carries nothing on,
                    // so the last hop has no implicit acknowledgement to listen for)
  routed = 9,       // gateway → one node, hop by hop along the routes uplinks taught
                    // (route_table.hpp); `via` names the neighbour that carries it next
  probe = 10,       // one hop, scheduled, header only (seq = survey): a link survey's probe
  checkpoint = 11,  // one hop: the back office's signed beacon chain checkpoint, or a
                    // node's request for one (chain_checkpoint.hpp)
};
inline constexpr std::size_t message_type_count = 12;  // 0 unused

// The token type that carries a mesh message inside an E1 frame (whitelisted).
inline constexpr std::uint8_t mesh_token_type = 0x4D;
// E1 data frame: 116 bytes − 11 header − 8 MIC = 97 bytes of tokens; one token header.
inline constexpr std::size_t max_message_size = 95;
// Fragment index of the signed blob header (chunks use their own index).
inline constexpr std::uint16_t header_fragment_index = 0xFFFF;

inline constexpr std::uint8_t flag_backbone = 0x01;       // some neighbour named me its parent
inline constexpr std::uint8_t flag_blob_complete = 0x02;  // I hold the whole current blob
inline constexpr std::uint8_t flag_retry = 0x04;          // uplink retry: any closer node may carry it
inline constexpr std::uint8_t flag_repeat = 0x08;         // uplink repeat: for the named parent only
// I hold one network key, the older one retired (the key ring's phase is normal): a
// neighbour that missed the retirement, hearing this under the newer key, retires too.
inline constexpr std::uint8_t flag_key_settled = 0x10;
inline constexpr std::uint8_t known_flags = flag_backbone | flag_blob_complete | flag_retry | flag_repeat | flag_key_settled;

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

inline constexpr std::size_t beacon_body_size = 30;       // without the window tag
inline constexpr std::size_t beacon_window_tag_size = 8;  // appended when opens_next
struct BeaconBody {
  std::uint32_t round = 0;
  std::uint64_t global_us = 0;  // sender's global time when it built the frame
  std::uint8_t degree = 0;      // neighbours the sender heard last round
  // The gateway's chain value for this round, `chain_hops` steps on (beacon_chain.hpp):
  // what shows the round is genuine and the copy no fewer hops out than it says.
  std::uint8_t chain_hops = 0;
  std::array<std::uint8_t, 16> chain{};
  // Present when the gateway opens the next round for the floods no relay can check
  // (flood_window.hpp): a tag under that round's chain value, which nobody can show yet.
  bool opens_next = false;
  std::array<std::uint8_t, beacon_window_tag_size> next_window{};
};

inline constexpr std::size_t max_app_payload = 81;  // max_message_size − header − 4
struct AppBody {  // uplink and downlink
  node::NodeId destination = 0;
  std::uint16_t length = 0;
  std::array<std::uint8_t, max_app_payload> payload{};
};

// routed = via u16 ‖ app body (destination is the node it is for, never broadcast).
inline constexpr std::size_t max_routed_payload = max_app_payload - 2;
struct RoutedBody {
  node::NodeId via = 0;
  AppBody app{};
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

// wave = item u16 ‖ fragment number u8 ‖ exactly wave_fragment_size (82) bytes. Item 0 is
// the signed blob header, item i ≥ 1 the packet of chunk i − 1; numbers ≥ k are parity.
inline constexpr std::size_t wave_overhead = 3;
inline constexpr std::size_t wave_payload_size = 82;  // == wave_coder.hpp's wave_fragment_size
static_assert(mesh_header_size + wave_overhead + wave_payload_size == max_message_size);
struct WaveView {
  std::uint16_t item = 0;
  std::uint8_t number = 0;
  std::span<const std::uint8_t> data;
};

// ack = count u8 ‖ count × (origin u16 ‖ seq u16), count ≥ 1: uplinks the gateway took.
inline constexpr std::size_t ack_entry_size = 4;
inline constexpr std::size_t max_ack_entries = (max_message_size - mesh_header_size - 1) / ack_entry_size;  // 21
struct AckEntry {
  node::NodeId origin = 0;
  std::uint16_t seq = 0;
};
struct AckBody {
  std::uint8_t count = 0;
  std::array<AckEntry, max_ack_entries> entries{};
};

// The wave announcement, a downlink body (kind 4) flooded by the gateway before period 0:
//   kind ‖ blob hint u8 ‖ t0 u64 (global µs of period 0) ‖ items u16 ‖ per_period u8 ‖
//   slot_us u16 ‖ guard_us u16 ‖ signature (64)
// The back office signs it with the blob signing key (Ed25519 over wave_announcement_domain
// ‖ blob_id ‖ the fields from t0 on), since the network key every node holds would let a
// stolen node announce a wave of its own. The blob id is not on the air (with the
// signature it would not fit one frame): a node in the plan takes it from its part and
// checks the signature over it, so an announcement of another blob, replayed, fails too.
// The hint (the blob id's first byte) tells a node whose part names another blob, one
// that missed its new part, that the announcement is not for it, rather than forged.
struct WaveAnnouncement {
  firmware::blob::BlobId blob_id{};  // not on the air (see above)
  std::uint64_t t0_us = 0;
  std::uint16_t items = 0;       // header + chunks
  std::uint8_t per_period = 0;   // fragments sent per item (data + parity)
  std::uint16_t slot_us = 0;     // one fragment: turnaround + airtime + margin
  std::uint16_t guard_us = 0;    // at each end of a period, for clock error
  std::array<std::uint8_t, 64> signature{};
  bool operator==(const WaveAnnouncement&) const = default;
};
inline constexpr std::size_t wave_announcement_size = 81;
// Keeps an announcement signature from verifying as a blob, keystore or image signature
// made with the same key (firmware/blob_layout.hpp), and the other way round.
inline constexpr std::array<std::uint8_t, 16> wave_announcement_domain = {
    'm', 'e', 's', 'h', 's', 'e', 'c', ' ', 'w', 'a', 'v', 'e', ' ', 'v', '1', 0};
inline constexpr std::size_t wave_announcement_signed_size = wave_announcement_domain.size() + 8 + 15;
// The bytes the back office signs and a node verifies.
[[nodiscard]] std::size_t wave_announcement_signed_message(const WaveAnnouncement& a, std::span<std::uint8_t> out) noexcept;
inline constexpr std::uint8_t wave_announcement_kind = 4;  // DownlinkKind::wave_announcement

// One node's part in the wave, as the gateway's planner assigned it. The back office sends
// it to the node ahead of the rollout as a sealed per-node record (node::RecordKind::
// wave_part); the part names its blob, so a part left over from an earlier plan is never
// followed.
struct WaveAssignment {
  bool in_plan = false;
  firmware::blob::BlobId blob_id{};
  std::uint16_t level = 0;
  bool relay = false;
  std::uint8_t tx_channel = 0;  // planner numbering, 0..wave_channel_count − 1
  std::uint8_t rx_channel = 0;
  node::NodeId upstream = node::no_node;
  // Relays: parity fragments sent per chunk (up to the period's room); the header item,
  // which every node needs first, gets three more.
  std::uint8_t parity = 0xFF;
  bool operator==(const WaveAssignment&) const = default;
};
// blob id ‖ level u16 ‖ flags u8 (in plan, relay) ‖ tx channel u4 ‖ rx channel u4 ‖
// upstream u16 ‖ parity u8.
inline constexpr std::size_t wave_part_size = firmware::blob::blob_id_size + 7;
inline constexpr std::uint8_t wave_part_channels = 15;  // channel numbers 0..14
inline constexpr std::uint8_t wave_part_max_parity = 64;

// The back office's request for every node's link table (DownlinkKind::link_survey, a
// flood): kind ‖ survey u16 ‖ t0 u64 (global µs of the first probe round) ‖ rounds u8 ‖
// slot_us u16 ‖ slots u16 ‖ spread u8. In each of `rounds` rounds of `slots` slots, every
// node sends one probe in its slot (slot_of): up to `slots` nodes no two probes share a
// slot, so what a neighbour misses is the link's loss, not a collision. After the last round each
// node sends its report within `spread` seconds (the answers must not all reach the
// gateway together). A node answers each survey once. Then the back office's signature
// (64, Ed25519 with the blob signing key over link_survey_domain ‖ the fields): a survey
// holds every node for its span, so the network key alone would let a stolen node hold
// the mesh probing for an hour.
struct LinkSurvey {
  std::uint16_t survey = 0;  // increasing; a node takes only a newer one
  std::uint64_t t0_us = 0;
  std::uint8_t rounds = 0;
  std::uint16_t slot_us = 0;
  std::uint16_t slots = 0;
  std::uint8_t spread_s = 0;
  std::array<std::uint8_t, 64> signature{};
  bool operator==(const LinkSurvey&) const = default;
  [[nodiscard]] constexpr std::uint64_t round_us() const noexcept { return std::uint64_t{slot_us} * slots; }
  [[nodiscard]] constexpr std::uint64_t end_us() const noexcept { return t0_us + rounds * round_us(); }
  // Node `id`'s slot in `round`. Ids 1..slots keep slot id − 1; each further group of
  // `slots` ids is shifted by an offset drawn afresh per round, so two nodes that must
  // share slots meet in a round now and then, never in all of them (which would hide the
  // link to a listener that hears both).
  [[nodiscard]] constexpr std::uint16_t slot_of(node::NodeId id, std::uint32_t round) const noexcept {
    if (slots == 0 || id == 0) return 0;
    const std::uint32_t index = id - 1U;
    const std::uint32_t group = index / slots;
    std::uint64_t offset = 0;
    if (group != 0) {  // splitmix64 of (survey, group, round)
      std::uint64_t z = (std::uint64_t{survey} << 48) ^ (std::uint64_t{group} << 32) ^ round;
      z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
      z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
      offset = z ^ (z >> 31);
    }
    return static_cast<std::uint16_t>((index % slots + offset % slots) % slots);
  }
};
inline constexpr std::size_t link_survey_size = 81;
inline constexpr std::array<std::uint8_t, 16> link_survey_domain = {
    'm', 'e', 's', 'h', 's', 'e', 'c', ' ', 's', 'u', 'r', 'v', 'e', 'y', '1', 0};
inline constexpr std::size_t link_survey_signed_size = link_survey_domain.size() + 16;
// The bytes the back office signs and a node verifies.
[[nodiscard]] std::size_t link_survey_signed_message(const LinkSurvey& s, std::span<std::uint8_t> out) noexcept;
inline constexpr std::uint8_t link_survey_kind = 5;  // DownlinkKind::link_survey

// A node's answer (node::RecordKind::link_report, sealed under its own key): how many of
// the survey's `rounds` probes it heard from each neighbour, best heard first; heard /
// rounds estimates the link's delivery ratio. rounds u8 ‖ part u8 ‖ count × (neighbour
// u16 ‖ heard u8), the neighbours distinct, heard ≤ rounds ≤ 64. part: bit 7 set in the
// second record of a report, bit 6 set in a first record that a second one follows (so
// the back office knows a report is whole: the worst-heard links, in the second record,
// are the ones that tell the planner which relays would disturb each other), bits 0–5
// the count.
inline constexpr std::size_t link_report_max_rounds = 64;
inline constexpr std::size_t link_report_max_links = 21;  // fills one uplink record
struct LinkReport {
  struct Link {
    node::NodeId neighbour = node::no_node;
    std::uint8_t heard = 0;
    bool operator==(const Link&) const = default;
  };
  std::uint8_t rounds = 0;
  std::uint8_t part = 0;  // 0: the first record of the report, 1: the second
  bool more = false;      // part 0: a second record follows
  std::uint8_t count = 0;
  std::array<Link, link_report_max_links> links{};
  [[nodiscard]] std::span<const Link> entries() const noexcept { return std::span<const Link>(links).first(count); }
};
[[nodiscard]] constexpr std::size_t link_report_size(std::size_t links) noexcept { return 2 + 3 * links; }

// Encoders return the message length, 0 when `out` is too small.
[[nodiscard]] std::size_t encode_header_only(const MeshHeader& h, std::span<std::uint8_t> out) noexcept;
[[nodiscard]] std::size_t encode_beacon(const MeshHeader& h, const BeaconBody& b, std::span<std::uint8_t> out) noexcept;
[[nodiscard]] std::size_t encode_app(const MeshHeader& h, const AppBody& b, std::span<std::uint8_t> out) noexcept;
[[nodiscard]] std::size_t encode_routed(const MeshHeader& h, const RoutedBody& b, std::span<std::uint8_t> out) noexcept;
[[nodiscard]] std::size_t encode_advert(const MeshHeader& h, const AdvertBody& b, std::span<std::uint8_t> out) noexcept;
// The body alone: the node adds its own header when the message goes out.
[[nodiscard]] std::size_t encode_request_body(const RequestBody& b, std::span<std::uint8_t> out) noexcept;
[[nodiscard]] std::size_t encode_fragment(const MeshHeader& h, std::uint16_t index, std::uint8_t number,
                                          std::span<const std::uint8_t> data, std::span<std::uint8_t> out) noexcept;
[[nodiscard]] std::size_t encode_wave(const MeshHeader& h, std::uint16_t item, std::uint8_t number,
                                      std::span<const std::uint8_t> data, std::span<std::uint8_t> out) noexcept;
// The announcement body, kind byte included.
[[nodiscard]] std::size_t encode_ack(const MeshHeader& h, const AckBody& b, std::span<std::uint8_t> out) noexcept;
[[nodiscard]] std::size_t encode_wave_announcement(const WaveAnnouncement& a, std::span<std::uint8_t> out) noexcept;
// Header ‖ raw body.
[[nodiscard]] std::size_t encode_raw(const MeshHeader& h, std::span<const std::uint8_t> body,
                                     std::span<std::uint8_t> out) noexcept;

// Parsers: false on any length or value error.
[[nodiscard]] bool parse_header(std::span<const std::uint8_t> message, MeshHeader& h,
                                std::span<const std::uint8_t>& body) noexcept;
[[nodiscard]] bool parse_beacon(std::span<const std::uint8_t> body, BeaconBody& b) noexcept;
[[nodiscard]] bool parse_app(std::span<const std::uint8_t> body, AppBody& b) noexcept;
// False also for a broadcast or missing destination or via.
[[nodiscard]] bool parse_routed(std::span<const std::uint8_t> body, RoutedBody& b) noexcept;
// The next hop and the destination of a routed body this node encoded (no payload copy;
// node::no_node when the body is too short).
struct RoutedAddresses {
  node::NodeId via = node::no_node;
  node::NodeId destination = node::no_node;
};
[[nodiscard]] RoutedAddresses routed_addresses(std::span<const std::uint8_t> body) noexcept;
[[nodiscard]] bool parse_advert(std::span<const std::uint8_t> body, AdvertBody& b) noexcept;
[[nodiscard]] bool parse_request(std::span<const std::uint8_t> body, RequestBody& b) noexcept;
[[nodiscard]] bool parse_fragment(std::span<const std::uint8_t> body, FragmentView& f) noexcept;
[[nodiscard]] bool parse_wave(std::span<const std::uint8_t> body, WaveView& w) noexcept;
[[nodiscard]] bool parse_ack(std::span<const std::uint8_t> body, AckBody& b) noexcept;
// Kind byte included; false also for a geometry no node could follow (0 items, a period
// of more than 32 fragments, a slot shorter than 1 ms).
[[nodiscard]] bool parse_wave_announcement(std::span<const std::uint8_t> body, WaveAnnouncement& a) noexcept;
// A part's record plaintext: exactly wave_part_size bytes; parse rejects unknown flags,
// channels above 14, a relay or level outside the plan, and parity above 64.
[[nodiscard]] std::size_t encode_wave_part(const WaveAssignment& a, std::span<std::uint8_t> out) noexcept;
[[nodiscard]] bool parse_wave_part(std::span<const std::uint8_t> bytes, WaveAssignment& a) noexcept;
// Kind byte included; parse rejects survey 0, no rounds or more than 64, a slot under
// 1 ms, no slots and a zero spread.
[[nodiscard]] std::size_t encode_link_survey(const LinkSurvey& s, std::span<std::uint8_t> out) noexcept;
[[nodiscard]] bool parse_link_survey(std::span<const std::uint8_t> body, LinkSurvey& s) noexcept;
// A report's record plaintext (link_report_size(count) bytes); parse rejects a count above
// link_report_max_links, rounds above 64, heard above rounds, neighbour 0, no_node or
// broadcast, and a neighbour named twice.
[[nodiscard]] std::size_t encode_link_report(const LinkReport& r, std::span<std::uint8_t> out) noexcept;
[[nodiscard]] bool parse_link_report(std::span<const std::uint8_t> bytes, LinkReport& r) noexcept;

}  // namespace meshsec::mesh
