// Firmware dissemination (M8), in the spirit of Deluge and Trickle, pushed along the
// backbone (docs/dissemination.md). A chunk packet (firmware/blob_layout.hpp) is larger
// than one E1 frame, so it travels as fragments and is reassembled, then verified whole
// by the node's own firmware::BlobVerifier before it is stored or sent on (store and
// forward per chunk: only authentic chunks are forwarded).
//   push    the gateway sends the signed header, then every chunk once, paced; a backbone
//           node that stores a new chunk sends it on once (pipelined down the tree).
//   repair  a node that made no progress for repair_idle asks one neighbour (a complete
//           holder, its parent first) for up to 64 missing chunks; every neighbour
//           overhearing the answer stores what it lacks.
//   advert  Trickle-timed adverts (blob id, counter, chunks held) let late joiners and
//           nodes behind a failure discover the blob and request the header.
// A node activates the image only when the verifier reports every chunk verified.
#pragma once
#include <array>
#include <cstddef>
#include <cstdint>
#include <span>

#include "firmware/blob_verifier.hpp"
#include "mesh/mesh_config.hpp"
#include "mesh/mesh_message.hpp"
#include "mesh/neighbour_table.hpp"
#include "mesh/wave_coder.hpp"
#include "node/chunk_store.hpp"

namespace meshsec::mesh {

struct DisseminationView {
  std::uint64_t now_us = 0;
  node::NodeId self = 0;
  node::NodeId parent = node::no_node;
  bool backbone = false;
  bool gateway = false;
  std::uint32_t round = 0;
  const NeighbourTable* neighbours = nullptr;
};

enum class ChunkOutcome : std::uint8_t { stored, partial, duplicate, out_of_order, rejected };
enum class HeaderOutcome : std::uint8_t { accepted, duplicate, rejected };

// Largest chunk packet a node reassembles (chunk ≤ 1024 bytes with a path of ≤ 12 levels).
inline constexpr std::size_t max_packet_size = 1536;
inline constexpr std::size_t max_packet_fragments = (max_packet_size + fragment_data_size - 1) / fragment_data_size;
// A whole packet sent outside the wave (repair, pass-on) carries Reed–Solomon parity
// fragments after its data fragments (numbers count, count + 1, …; the wave's code), one
// per four data fragments: a receiver that lost a few rebuilds the packet instead of
// asking for the gaps, which on a lossy link is most of the time.
inline constexpr std::size_t max_repair_parity = 6;
// A repair request that brought nothing waits twice as long before the next, up to 2^4
// times repair_idle.
inline constexpr std::uint32_t max_request_backoff = 4;
[[nodiscard]] constexpr std::size_t repair_parity_for(std::size_t data_fragments) noexcept {
  const std::size_t p = (data_fragments + 3) / 4;
  return p < max_repair_parity ? p : max_repair_parity;
}

class Disseminator {
 public:
  void init(const MeshConfig& config, const firmware::Ed25519PublicKey& verification_key,
            node::ChunkStore& store, std::uint64_t seed) noexcept;

  // A whole signed header (reassembled, or handed in by the gateway). A header that fails
  // leaves the current blob untouched (it is checked in a scratch verifier first).
  [[nodiscard]] HeaderOutcome on_header(std::span<const std::uint8_t> signed_header,
                                        const DisseminationView& view) noexcept;
  // A whole chunk packet (reassembled, or handed in by the gateway).
  [[nodiscard]] ChunkOutcome on_chunk(std::span<const std::uint8_t> packet, const DisseminationView& view) noexcept;
  // One fragment off the air: reassembles, then on_header()/on_chunk(). A header
  // completed here reports through `header_outcome`.
  [[nodiscard]] ChunkOutcome on_fragment(node::NodeId from, const FragmentView& fragment, const DisseminationView& view,
                                         HeaderOutcome& header_outcome) noexcept;
  void on_advert(node::NodeId from, const AdvertBody& advert, const DisseminationView& view) noexcept;
  // A neighbour's frame said it holds a whole blob (flag_blob_complete). A node that holds
  // no header at all asks it for the header: it missed the wave's announcement, or joined
  // after the rollout, and a Trickle advert may not reach it for minutes (the neighbours
  // that hear each other's adverts stay silent).
  void on_complete_neighbour(node::NodeId from) noexcept;
  void on_request(const RequestBody& request, const DisseminationView& view) noexcept;
  // Fragments of an item the wave could not rebuild before its period passed
  // (wave_engine.hpp): the wave's code and numbering are this one's, so they seed a
  // reassembly, and the gap fill asks `from` for what is still missing instead of the
  // whole packet. `fragments` holds fragment number i at i × fragment_data_size.
  ChunkOutcome adopt_fragments(std::uint16_t index, node::NodeId from, std::uint32_t have,
                               std::span<const std::uint8_t> fragments, std::uint64_t heard_us,
                               const DisseminationView& view) noexcept;

  // The next dissemination message due at view.now_us: body into `out`, its type in
  // `type`; returns the body length, 0 when nothing is due.
  [[nodiscard]] std::size_t next_message(const DisseminationView& view, MessageType& type,
                                         std::span<std::uint8_t> out) noexcept;
  // Earliest time something becomes due (UINT64_MAX when idle).
  [[nodiscard]] std::uint64_t next_deadline() const noexcept;

  [[nodiscard]] bool has_header() const noexcept { return header_ok_; }
  // The blob signing key's public half, from the node's personalisation.
  [[nodiscard]] const firmware::Ed25519PublicKey& verification_key() const noexcept { return verification_key_; }
  // Chunk `index` of the current blob verified and stored.
  [[nodiscard]] bool holds(std::uint16_t index) const noexcept { return header_ok_ && verifier_.received().test(index); }
  [[nodiscard]] std::span<const std::uint8_t> signed_header() const noexcept {
    return header_ok_ ? std::span<const std::uint8_t>(signed_header_) : std::span<const std::uint8_t>();
  }
  // A wave (wave_engine.hpp) carries the blob: no push along the backbone, and nothing
  // sent (requests, adverts, repairs) before local time `quiet_until_us`, when the node's
  // part of the wave is over and repair takes what is still missing.
  // A wave relay that repairs a chunk after the wave passes it on once, since its
  // listeners most likely lack the same chunk.
  void follow_wave(std::uint64_t quiet_until_us, bool relay) noexcept;
  [[nodiscard]] bool complete() const noexcept { return verifier_.complete(); }
  [[nodiscard]] bool activated() const noexcept { return activated_; }
  [[nodiscard]] std::uint64_t activated_at_us() const noexcept { return activated_at_us_; }
  [[nodiscard]] std::uint16_t present() const noexcept {
    return static_cast<std::uint16_t>(verifier_.received().present());
  }
  [[nodiscard]] std::uint16_t chunk_count() const noexcept { return header_ok_ ? verifier_.header().chunk_count : 0; }
  [[nodiscard]] const firmware::BlobHeader* header() const noexcept { return header_ok_ ? &verifier_.header() : nullptr; }
  [[nodiscard]] const firmware::InstalledFirmware& installed() const noexcept { return policy_.installed; }
  // Byte size of the packet of chunk `index` under the current header (0: unknown).
  [[nodiscard]] std::size_t packet_size(std::uint16_t index) const noexcept;
  struct Sent {
    std::uint64_t data_frames = 0;     // fragment frames of chunks
    std::uint64_t header_frames = 0;   // fragment frames of the signed header
    std::uint64_t push_chunks = 0, repair_chunks = 0, requests = 0, adverts = 0, gap_fills = 0;
  };
  [[nodiscard]] const Sent& sent() const noexcept { return sent_; }
  [[nodiscard]] std::uint64_t chunks_rejected() const noexcept { return chunks_rejected_; }

 private:
  static constexpr std::size_t push_capacity = 256;
  static constexpr std::size_t reassembly_slots = 3;
  using BitSet = std::array<std::uint64_t, firmware::blob::max_chunk_count / 64>;

  struct Reassembly {
    bool used = false;
    std::uint16_t index = 0;
    std::uint32_t have = 0;  // bit per fragment
    std::uint8_t count = 0;
    std::uint16_t size = 0;
    std::uint64_t touched_us = 0;
    node::NodeId from = node::no_node;  // who sent the last fragment (asked for the gaps)
    std::uint8_t asks = 0;
  };
  // Fragments by number (fragment_data_size each): data, then parity. Any number the code
  // defines is kept, since the wave and a loss-sized gap fill send parity beyond a whole
  // packet's own.
  using ReassemblyBytes = std::array<std::uint8_t, wave_max_fragments * fragment_data_size>;
  struct Outgoing {
    bool active = false;
    std::uint16_t index = 0;
    std::uint8_t next = 0;
    std::uint8_t count = 0;
    std::uint8_t parity = 0;           // parity fragments after the data (whole packets)
    std::uint32_t mask = 0xFFFFFFFFU;  // fragments to send (a gap fill sends only some)
    bool paced = false;                // the gateway's push: one fragment per push interval
  };
  struct GapFill {
    std::uint16_t index = 0;
    std::uint32_t mask = 0;
  };
  static constexpr std::size_t gap_fill_slots = 8;
  static constexpr std::uint8_t max_gap_asks = 3;

  void reset_trickle(std::uint64_t now_us) noexcept;
  void roll_trickle(std::uint64_t now_us) noexcept;
  void push(std::uint16_t index) noexcept;
  [[nodiscard]] bool start_outgoing(Outgoing& o, std::uint16_t index, std::uint32_t mask = 0xFFFFFFFFU) noexcept;
  [[nodiscard]] std::uint64_t gap_idle_us() const noexcept;
  [[nodiscard]] std::uint64_t repair_due_us() const noexcept;
  [[nodiscard]] std::uint64_t gap_fill_due_us(const Reassembly& slot) const noexcept;
  [[nodiscard]] std::size_t next_fragment(Outgoing& o, std::span<std::uint8_t> out) noexcept;
  [[nodiscard]] Reassembly& slot_for(std::uint16_t index, std::uint8_t count, std::uint16_t size) noexcept;
  [[nodiscard]] ChunkOutcome finish(Reassembly& slot, const DisseminationView& view, HeaderOutcome& header_outcome) noexcept;
  // A slot that still asks its sender for a gap fill (up to max_gap_asks times). While its
  // first ask is pending, repair requests leave its chunk out (next_message).
  [[nodiscard]] static bool asking(const Reassembly& slot) noexcept {
    return slot.used && slot.from != node::no_node && slot.asks < max_gap_asks;
  }
  [[nodiscard]] std::size_t write_request(const RequestBody& request, std::span<std::uint8_t> out) noexcept;
  [[nodiscard]] std::uint32_t random_below(std::uint64_t bound) noexcept;
  [[nodiscard]] ReassemblyBytes& bytes_of(const Reassembly& slot) noexcept {
    return reassembly_bytes_[static_cast<std::size_t>(&slot - reassembly_.data())];
  }

  // Layout: the state read on every scheduling pass comes first and the buffers last, so
  // a node wakes with few cache lines touched (a simulator runs thousands of nodes).
  MeshConfig config_{};
  firmware::Ed25519PublicKey verification_key_{};
  firmware::BlobPolicy policy_{};
  node::ChunkStore* store_ = nullptr;
  bool header_ok_ = false;
  std::array<Reassembly, reassembly_slots> reassembly_{};
  Outgoing outgoing_{};  // header, push or repair: whole packets
  Outgoing service_{};   // gap fills: a few fragments, sent between the gateway's paced pushes
  std::size_t gap_fill_count_ = 0;

  bool header_pending_ = false;
  std::size_t push_head_ = 0, push_size_ = 0;
  std::uint32_t gateway_next_ = 0;
  std::uint64_t gateway_next_at_ = 0;
  std::size_t serve_count_ = 0;
  std::uint64_t last_progress_us_ = 0;
  std::uint64_t next_request_at_ = 0;
  std::uint32_t failed_requests_ = 0;
  node::NodeId header_source_ = node::no_node;

  std::uint64_t trickle_interval_ = 0, trickle_fire_at_ = 0, trickle_end_at_ = 0;
  std::uint32_t trickle_heard_ = 0;
  bool trickle_fired_ = false;

  bool wave_ = false;
  bool wave_relay_ = false;
  std::uint64_t quiet_until_us_ = 0;
  std::uint64_t repair_jitter_us_ = 0;
  bool activated_ = false;
  std::uint64_t activated_at_us_ = 0;
  std::uint64_t chunks_rejected_ = 0;
  std::uint64_t rng_ = 0x9E3779B97F4A7C15ULL;
  Sent sent_{};

  firmware::BlobVerifier verifier_{};
  std::array<GapFill, gap_fill_slots> gap_fills_{};
  std::array<std::uint16_t, push_capacity> push_ring_{};
  BitSet serve_{};
  std::array<std::uint8_t, firmware::blob::signed_header_size> signed_header_{};
  std::array<ReassemblyBytes, reassembly_slots> reassembly_bytes_{};
};

}  // namespace meshsec::mesh
