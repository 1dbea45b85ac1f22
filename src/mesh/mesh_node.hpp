// The root object of one node: it owns every subsystem a device runs — the E1 network
// layer (net::NetworkLayer: seal/open, replay cache, filters, global time, key ring), the
// node's record sealer under its own E2 key, the neighbour table and hop gradient, the
// flood duplicate cache and the firmware disseminator with its BlobVerifier — and talks
// to the world only through node::Platform. No globals, so the simulator runs thousands
// of these in one process.
//
// Mesh messages travel as one application token in an E1 data frame, re-sealed at every
// hop (each hop is the frame's source, so the per-source replay cache works hop by hop).
//   sync      unsynchronised nodes ask neighbours for global time (net sync request);
//   beacon    the gateway floods one per round; each node re-sends it once, refines its
//             global time to the microsecond from the first copy (M5) and recomputes its
//             hop distance and parent (M10);
//   uplink    the sender's parent carries it on; a retry (no forward overheard: implicit
//             acknowledgement) may be carried by any neighbour closer to the gateway;
//   downlink  flooded along the backbone (nodes some neighbour names as parent);
//   routed    gateway → one node, hop by hop along the routes its uplinks taught the
//             relays (route_table.hpp): a join record each node sends once settled
//             gives every node a route. Each hop waits to hear the next carry it on
//             (the last hop: to hear the node itself speak) and retries like an uplink.
#pragma once
#include <array>
#include <tuple>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <memory>
#include <span>

#include "keys/node_key_set.hpp"
#include "mesh/beacon_chain.hpp"
#include "mesh/chain_catch_up.hpp"
#include "mesh/disseminator.hpp"
#include "mesh/duplicate_cache.hpp"
#include "mesh/flood_digest.hpp"
#include "mesh/flood_window.hpp"
#include "mesh/mesh_config.hpp"
#include "mesh/mesh_message.hpp"
#include "mesh/cover_rekey.hpp"
#include "mesh/neighbour_table.hpp"
#include "mesh/rekey_catch_up.hpp"
#include "mesh/rekey_message.hpp"
#include "mesh/route_table.hpp"
#include "mesh/wave_engine.hpp"
#include "net/network_layer.hpp"
#include "node/chunk_store.hpp"
#include "node/drop_reason.hpp"
#include "node/node_record.hpp"
#include "node/record_nv_state.hpp"
#include "node/platform.hpp"

namespace meshsec::mesh {

// Downlink payload kinds (first byte of a downlink body).
enum class DownlinkKind : std::uint8_t {
  records = 1,       // kind ‖ record kind ‖ count ‖ record size ‖ records (one per node)
  key_delivery = 2,  // kind ‖ E1 key delivery blob: every hop re-sends it as a network token
  key_phase = 3,     // kind ‖ epoch u32 ‖ phase u8: likewise, as a key phase token
  wave_announcement = wave_announcement_kind,  // mesh_message.hpp: when and how the wave runs
  link_survey = link_survey_kind,              // mesh_message.hpp: every node reports its links
  cover_announcement = cover_announcement_kind,  // rekey_message.hpp: the signed list of revoked nodes
  cover_key = cover_key_kind,                    // rekey_message.hpp: the next network key for one subset
  cover_commitment = cover_commitment_kind,      // rekey_message.hpp: the back office's commitment to it
};

// Floods no relay can check (sealed for the node they name, or applied by the network
// layer): carried only in a flood window the gateway opened (flood_window.hpp).
[[nodiscard]] constexpr bool needs_flood_window(DownlinkKind kind) noexcept {
  return kind == DownlinkKind::records || kind == DownlinkKind::key_delivery || kind == DownlinkKind::key_phase;
}

// Where the gateway hands uplink payloads (the back office checks the per-node record).
class UplinkSink {
 public:
  virtual ~UplinkSink() = default;
  virtual void on_uplink(node::NodeId origin, std::span<const std::uint8_t> payload) noexcept = 0;
};

struct RxOutcome {
  net::DropReason net_reason = net::DropReason::malformed;  // none: E1 accepted it
  bool mesh_dropped = false;
  node::DropReason mesh_reason = node::DropReason::malformed;
  bool mesh_message = false;  // a mesh token was processed
  MessageType type = MessageType::beacon;
  bool chunk_stored = false;
  bool header_accepted = false;
  bool beacon_taken = false;       // a beacon of a new round: its round was adopted
  bool beacon_time_taken = false;  // ... and its time
  bool sender_key_settled = false;  // the mesh header's flag_key_settled
};

struct CommissionParams {
  std::uint16_t report_interval_s = 0;
  std::uint16_t group = 0;
  std::uint8_t role = 0;
  std::uint8_t tx_power = 0;
  std::uint16_t reserved = 0;
};
inline constexpr std::size_t commission_params_size = 8;
static_assert(commission_params_size == std::tuple_size_v<decltype(node::RecordNvState::commission)>,
              "the stored commissioning is the record's plaintext");

class MeshNode final : private net::TokenHandler {
 public:
  // Messages a node holds to send or carry on. The gateway, source of every per-node
  // message and end of every uplink, holds more: a routed message stays until the next
  // hop is heard carrying it on, and near the gateway that takes retries.
  static constexpr std::size_t node_slots = 6;
  static constexpr std::size_t flood_slots = 16;
  static constexpr std::size_t max_body = max_message_size - mesh_header_size;

  // `nv` keeps the network layer's state, `record_nv` the records' counters (both must
  // survive a reboot: node/record_nv_state.hpp).
  MeshNode(node::NodeId id, const MeshConfig& config, node::Platform& platform, node::ChunkStore& store,
           net::NvStore& nv, node::RecordNvStore& record_nv) noexcept;
  MeshNode(const MeshNode&) = delete;
  MeshNode& operator=(const MeshNode&) = delete;

  // Personalisation (M6): the network key and key-encryption key go to the network layer,
  // the E2 key to the record sealer, the blob verification key to the disseminator, and the
  // beacon chain (beacon_chain.hpp) to the chain's holders: a gateway builds the chain from
  // its seed, every node keeps the anchor. False (nothing taken) when the set has no chain
  // (0 rounds: a node without an anchor could take no beacon), or a gateway's seed does not
  // lead to the set's anchor (the nodes of its network would refuse every beacon it sends).
  [[nodiscard]] bool personalise(const keys::NodeKeySet& keys) noexcept;
  // Boot after a reboot or power loss: the same set, with what the device kept: the network
  // layer's stored state (keys taken over the air, the nonce reservation) and the records'
  // (the uplink counters reserved, the downlink records applied, the commissioning). False
  // as personalise(), or when the stored network state does not restore.
  [[nodiscard]] bool resume(const keys::NodeKeySet& keys, const net::NetNvState& net_state,
                            const node::RecordNvState& records) noexcept;
  // Boot: the gateway sets global time and starts beaconing; nodes ask for time.
  void start() noexcept;

  // Platform entry points.
  RxOutcome receive(std::span<const std::uint8_t> frame) noexcept;
  void on_wake() noexcept;
  void on_radio_idle() noexcept;

  // Application: queue a sensor reading to the back office, sealed under the E2 key.
  [[nodiscard]] bool send_reading(std::span<const std::uint8_t> plaintext) noexcept;
  // Gateway: flood a downlink body (kind byte first); false when no slot is free, or when
  // the body is one no relay can check and no flood window is open now (the gateway then
  // opens the coming rounds: ask again).
  [[nodiscard]] bool send_downlink(std::span<const std::uint8_t> body) noexcept;
  // Gateway: floods no relay can check will follow; open flood windows from the next round
  // on for `rounds` rounds (0: MeshConfig::flood_window_demand_rounds), so the first of
  // them need not wait for one.
  void expect_unchecked_floods(std::uint32_t rounds = 0) noexcept;
  // Gateway: no more such floods for now; the rounds not yet announced stay closed.
  void close_flood_windows() noexcept;
  // Gateway: send a downlink body to one node along the learned routes; false when there
  // is no route to it (flood it instead) or no slot is free.
  [[nodiscard]] bool send_routed(node::NodeId destination, std::span<const std::uint8_t> body) noexcept;
  [[nodiscard]] const RouteTable& routes() const noexcept { return routes_; }
  // Gateway: key refresh on the gateway itself (the nodes get theirs over the air).
  [[nodiscard]] net::KeyChange gateway_stage_key(std::uint32_t epoch, std::span<const std::uint8_t> key) noexcept;
  [[nodiscard]] net::KeyChange gateway_switch_key(std::uint32_t epoch) noexcept;
  [[nodiscard]] net::KeyChange gateway_retire_key(std::uint32_t epoch) noexcept;
  // Gateway: a blob header and its chunk packets, already decrypted and checked by the
  // gateway; each still passes this node's own verifier before it is stored.
  [[nodiscard]] HeaderOutcome gateway_offer_header(std::span<const std::uint8_t> signed_header) noexcept;
  [[nodiscard]] ChunkOutcome gateway_offer_chunk(std::span<const std::uint8_t> packet) noexcept;
  void set_uplink_sink(UplinkSink* sink) noexcept { sink_ = sink; }
  // The node's part in the firmware wave, from the gateway's planner (wave_plan.hpp).
  void set_wave_assignment(const WaveAssignment& assignment) noexcept { wave_.assign(assignment); }
  // Gateway, holding a verified blob: the announcement of a wave starting `lead_us` from
  // now, each item sent with `parity` parity fragments, for the back office to sign; false
  // without a blob or assignment.
  [[nodiscard]] bool gateway_plan_wave(std::uint64_t lead_us, std::uint8_t parity, WaveAnnouncement& out) const noexcept;
  // Floods the announcement the back office signed and starts the gateway's part.
  [[nodiscard]] bool gateway_start_wave(const WaveAnnouncement& signed_announcement) noexcept;
  // Gateway: a link survey whose probing starts lead_us from now (the gateway probes too;
  // its neighbours report what they heard of it), for the back office to sign. False
  // unless the gateway is synchronised.
  [[nodiscard]] bool gateway_plan_survey(std::uint16_t survey, std::uint64_t lead_us, std::uint8_t rounds,
                                         std::uint16_t slots, std::uint8_t spread_s, LinkSurvey& out) const noexcept;
  // Floods the survey the back office signed and takes part in it.
  [[nodiscard]] bool gateway_start_survey(const LinkSurvey& signed_survey) noexcept;
  // Beacon chain checkpoints (chain_catch_up.hpp). Gateway: the round whose checkpoint the
  // back office should sign now (0: none due) and that round's chain value; then the
  // checkpoint signed, which it checks (the signature, and the value against its own
  // chain) and sends. False when it does not check.
  [[nodiscard]] std::uint32_t gateway_checkpoint_due() const noexcept;
  [[nodiscard]] bool gateway_chain_value(std::uint32_t round, ChainValue& out) noexcept;
  [[nodiscard]] bool gateway_send_checkpoint(const ChainCheckpoint& signed_checkpoint) noexcept;
  // The channel the radio is tuned to now (control_channel outside the wave). A device's
  // radio driver is programmed with it at every period boundary.
  [[nodiscard]] std::uint8_t radio_channel() const noexcept { return wave_.channel_at(global_us(), disseminator_); }
  // Local time until which radio_channel() stays the same unless this node receives or
  // wakes (UINT64_MAX: until then).
  [[nodiscard]] std::uint64_t radio_channel_stable_until() const noexcept;
  [[nodiscard]] const WaveEngine& wave() const noexcept { return wave_; }

  // Observation.
  [[nodiscard]] node::NodeId id() const noexcept { return id_; }
  [[nodiscard]] bool synced() const noexcept { return net_.synced(); }
  [[nodiscard]] bool fine_synced() const noexcept { return fine_synced_; }
  // Fine-synchronised and the network layer's slot counter aligned to it.
  [[nodiscard]] bool time_settled() const noexcept { return fine_synced_ && !adopt_pending_; }
  [[nodiscard]] std::uint64_t global_us() const noexcept;
  [[nodiscard]] std::uint8_t hops() const noexcept { return hops_; }
  [[nodiscard]] node::NodeId parent() const noexcept { return parent_; }
  [[nodiscard]] bool backbone() const noexcept;
  [[nodiscard]] std::uint32_t round() const noexcept { return round_; }
  // Genuine beacons whose time this node would not take (docs/wire-format.md §6.5).
  [[nodiscard]] std::uint64_t beacon_times_refused() const noexcept { return beacon_times_refused_; }
  [[nodiscard]] const BeaconChainVerifier& beacon_chain() const noexcept { return chain_; }
  // The checkpoint held, the requests and answers sent (chain_catch_up.hpp), and how often
  // a checkpoint moved this node's chain check on.
  [[nodiscard]] const ChainCatchUp& chain_catch_up() const noexcept { return chain_catch_up_; }
  [[nodiscard]] std::uint32_t chain_reanchored() const noexcept { return chain_reanchored_; }
  // Flood windows (flood_window.hpp): the latest round this node checked open (0: none),
  // whether it carries unchecked floods now, the unchecked floods it did not carry for want
  // of an open window, and (gateway) the rounds it opened.
  [[nodiscard]] std::uint32_t window_round() const noexcept { return window_round_; }
  [[nodiscard]] bool flood_window_open() const noexcept;
  [[nodiscard]] std::uint64_t floods_not_carried() const noexcept { return floods_not_carried_; }
  // Of the floods that needed a window, those held until the round's beacon opened it and
  // then released to be carried on (a conditional copy may still give way to copies heard).
  [[nodiscard]] std::uint64_t floods_held_released() const noexcept { return floods_held_released_; }
  [[nodiscard]] std::uint32_t windows_opened() const noexcept { return windows_opened_; }
  [[nodiscard]] const NeighbourTable& neighbours() const noexcept { return neighbours_; }
  [[nodiscard]] bool commissioned() const noexcept { return commissioned_; }
  [[nodiscard]] bool joined() const noexcept { return joined_; }
  [[nodiscard]] const CommissionParams& params() const noexcept { return params_; }
  [[nodiscard]] const Disseminator& dissemination() const noexcept { return disseminator_; }
  [[nodiscard]] const CoverRekey& cover_rekey() const noexcept { return cover_; }
  // Broadcast rekeys handed on to neighbours that missed them, and keys this node took
  // from such a hand-on (wire-format.md §7.5).
  [[nodiscard]] std::uint32_t rekey_answers() const noexcept { return catch_up_.answers(); }
  [[nodiscard]] std::uint32_t keys_caught_up() const noexcept { return keys_caught_up_; }
  // What this node keeps of the newest broadcast rekey to hand on (§7.5).
  [[nodiscard]] const RekeyBundle& rekey_bundle() const noexcept { return catch_up_.bundle(); }
  [[nodiscard]] const node::DropCounters& drops() const noexcept { return drops_; }
  // Messages taken although their (type, origin, number) was in use with other contents:
  // what an insider sending under numbers not its own shows (duplicate_cache.hpp).
  [[nodiscard]] std::uint64_t flood_numbers_reused() const noexcept { return duplicates_.numbers_reused(); }
  // The sequence number of this node's last message of its own (the next takes one more).
  [[nodiscard]] std::uint16_t last_seq() const noexcept { return seq_; }
  [[nodiscard]] const net::NetworkLayer& network() const noexcept { return net_; }
  [[nodiscard]] std::uint64_t sent_of(MessageType t) const noexcept { return sent_[static_cast<std::size_t>(t)]; }
  // One-hop clear frames: sync requests and answers, and rekeys handed on (§7.5).
  [[nodiscard]] std::uint64_t sync_frames_sent() const noexcept { return sync_frames_; }
  // Wave announcements said once more, one hop, before this relay's part of the wave.
  [[nodiscard]] std::uint32_t announcement_echoes() const noexcept { return announcement_echoes_; }
  // Beacons passed on again because no farther neighbour was heard passing them on.
  [[nodiscard]] std::uint32_t beacon_repeats() const noexcept { return beacon_repeats_; }
  [[nodiscard]] std::uint32_t uplinks_abandoned() const noexcept { return uplinks_abandoned_; }
  // Join records this node has originated (the first, and one after each change of parent).
  [[nodiscard]] std::uint32_t joins_sent() const noexcept { return joins_sent_; }
  // What this node answers a link survey with: the neighbours whose probes it heard, best
  // heard first, in as many records as they fill (the table's 40 fit in two).
  using LinkReports = std::array<LinkReport, 2>;
  [[nodiscard]] LinkReports link_reports() const noexcept;
  static void number_report_parts(LinkReports& reports) noexcept;
  [[nodiscard]] const LinkSurvey& survey() const noexcept { return survey_; }

 private:
  // A deadline that never comes (a global or local time in µs).
  static constexpr std::uint64_t never = std::numeric_limits<std::uint64_t>::max();

  struct FloodSlot {
    bool used = false;
    bool sent = false;  // waiting for the implicit acknowledgement
    MeshHeader header{};
    std::uint8_t length = 0;  // of its body, in slot_bodies_
    std::uint64_t due_us = 0;
    // Waiting for an acknowledgement, due_us moves on by every frame heard (the next hop
    // could not send while it was on the air), up to this.
    std::uint64_t latest_due_us = 0;
    std::uint8_t tries = 0;
    // An uplink that went out as a retry open to every closer node: any of them may say it
    // carried it on (handle_ack()).
    bool opened = false;
    // A downlink a non-backbone node carries on only if the flood looks thin around it:
    // cancelled once it has heard `flood_copies_enough` copies from others first.
    bool conditional = false;
    std::uint8_t copies_heard = 0;
    // A flood that needs a window, heard after the round it would travel in began by this
    // node's clock but before that round's beacon reached it: held (never due) until the
    // beacon shows whether the round is open (0: not held).
    std::uint32_t held_for_round = 0;
    [[nodiscard]] bool gives_way() const noexcept { return conditional || held_for_round != 0; }

  };
  // Counter-based flood relaying (Ni et al., "The broadcast storm problem", 1999): a node
  // that heard two copies of a downlink adds little by sending a third.
  static constexpr std::uint8_t flood_copies_enough = 2;

  void on_token(std::uint16_t src, std::uint8_t type, std::span<const std::uint8_t> value) noexcept override;
  void handle_message(node::NodeId sender, std::span<const std::uint8_t> message) noexcept;
  void handle_beacon(node::NodeId sender, const MeshHeader& h, std::span<const std::uint8_t> body) noexcept;
  // Whether a genuine beacon of a new round may set this node's clock (§6.5).
  [[nodiscard]] bool beacon_time_acceptable(const BeaconBody& b, std::uint64_t global_now) const noexcept;
  [[nodiscard]] std::uint64_t round_start_us(std::uint32_t round) const noexcept;
  // How far this node's clock may have drifted from the gateway's since a beacon last set
  // it (clock_tolerance_ppm each, so twice that apart).
  [[nodiscard]] std::uint64_t clock_lag_bound_us() const noexcept;
  // The round this node's global time falls in (1 before the first round begins).
  [[nodiscard]] std::uint32_t round_by_clock() const noexcept;
  // This node's beacon for the round: the best copy it holds, one hop on; false when none.
  [[nodiscard]] bool own_beacon_chain(BeaconBody& b) const noexcept;
  // Flood windows (mesh_node_window.cpp).
  void keep_window_tag(const BeaconBody& b) noexcept;
  void check_window_tags() noexcept;
  void own_window_tag(BeaconBody& b) noexcept;
  void open_announced_window() noexcept;
  [[nodiscard]] bool next_round_may_have_begun() const noexcept;
  // Writes the trusted chain value to the records' store when a checkpoint moved it, or a
  // day of rounds on from the one kept (node/record_nv_state.hpp).
  void keep_chain_value(bool moved_by_checkpoint = false) noexcept;
  [[nodiscard]] bool may_hold_for_window() const noexcept;
  // The wait before carrying a downlink flood on (conditional: only if it looks thin).
  [[nodiscard]] std::uint64_t downlink_backoff_us(bool conditional) noexcept;
  void settle_held_floods() noexcept;
  [[nodiscard]] bool gateway_may_send_unchecked_flood() noexcept;
  // Whether the copy this node would pass on shows no more hops than it counts.
  [[nodiscard]] bool beacon_copy_near_enough() const noexcept;
  void watch_pass_on() noexcept;
  void repeat_unechoed_beacon(std::uint64_t now) noexcept;
  void follow_gradient() noexcept;
  void handle_uplink(node::NodeId sender, std::uint8_t sender_hops, const MeshHeader& h,
                     std::span<const std::uint8_t> body) noexcept;
  void handle_downlink(const MeshHeader& h, std::span<const std::uint8_t> body) noexcept;
  void handle_routed(node::NodeId sender, const MeshHeader& h, std::span<const std::uint8_t> body) noexcept;
  // Queue a routed message on to `via`; false when no slot is free.
  // The slot now holding it, or nullptr (no free slot, or it does not encode).
  [[nodiscard]] FloodSlot* carry_routed(const MeshHeader& h, node::NodeId via, const AppBody& app,
                                        std::uint64_t due) noexcept;
  // What the duplicate cache keys a message on (duplicate_cache.hpp, flood_digest.hpp).
  [[nodiscard]] FloodKey flood_key(const MeshHeader& h, std::span<const std::uint8_t> body) noexcept;
  [[nodiscard]] bool same_body(const FloodSlot& slot, std::span<const std::uint8_t> body) noexcept;
  // A downlink payload (kind byte first) for this node, from a flood or a routed message.
  // Key deliveries inside routed messages go to the network layer from here (a flood's
  // rides beside it as a network token and is already applied).
  void deliver(std::span<const std::uint8_t> payload, bool routed) noexcept;
  void maybe_join(std::uint64_t now) noexcept;
  // A moment within the join spread (MeshConfig::join_spread_us), at random.
  [[nodiscard]] std::uint64_t join_spread_draw() noexcept;
  // The least time from one join record to the next (rejoin_interval_us() … twice that).
  [[nodiscard]] std::uint64_t rejoin_interval_us() const noexcept;
  // Everything a join record needs but its time: a settled clock and a parent.
  [[nodiscard]] bool join_unblocked() const noexcept;
  [[nodiscard]] RoutedAddresses routed_addresses_of(const FloodSlot& slot) noexcept;
  // Neighbour `by` carried our routed message (origin, seq) on, or said it had: done.
  void routed_carried(node::NodeId origin, std::uint16_t seq, node::NodeId by) noexcept;
  // The slots this node may use (the gateway has more).
  [[nodiscard]] std::span<FloodSlot> slots() noexcept { return std::span<FloodSlot>(slots_).first(slot_limit_); }
  [[nodiscard]] std::span<const FloodSlot> slots() const noexcept {
    return std::span<const FloodSlot>(slots_).first(slot_limit_);
  }
  void handle_wave(node::NodeId sender, std::span<const std::uint8_t> body) noexcept;
  void handle_ack(node::NodeId sender, std::uint8_t sender_hops, std::span<const std::uint8_t> body) noexcept;
  void queue_ack(node::NodeId origin, std::uint16_t seq) noexcept;
  bool follow_wave(const WaveAnnouncement& announcement) noexcept;  // false: known already
  // The back office's signature over a flood it originates (blob signing key).
  [[nodiscard]] bool back_office_signed(const WaveAnnouncement& a) const noexcept;
  [[nodiscard]] bool back_office_signed(const LinkSurvey& s) const noexcept;
  [[nodiscard]] bool back_office_signed(const CoverAnnouncement& a) const noexcept;
  [[nodiscard]] bool back_office_signed(const CoverKeyCommitment& c) const noexcept;
  [[nodiscard]] bool back_office_signed(const ChainCheckpoint& c) const noexcept;
  // A checkpoint, or a request for one, from a neighbour (mesh_node_checkpoint.cpp).
  void handle_checkpoint(std::span<const std::uint8_t> body) noexcept;
  // A beacon copy the chain check found too far: true when it lies too far on, and this
  // node now asks for a checkpoint (false: too far behind, an old copy).
  [[nodiscard]] bool note_chain_too_far(const BeaconBody& b) noexcept;
  // A node with the network's time but no beacon yet: whether the round that time falls in
  // lies beyond its chain check's reach, and if so, ask for a checkpoint now.
  void check_chain_reach() noexcept;
  // Ask the neighbours for a checkpoint (chain_catch_up.hpp), unless asking already.
  void ask_for_checkpoint() noexcept;
  // The checkpoint message due now, if any (build_tokens()).
  [[nodiscard]] std::size_t build_checkpoint_message(std::uint64_t now, std::span<std::uint8_t> message) noexcept;
  // Broadcast rekey (keys/cover_tree.hpp): false when the flood must not be carried on.
  [[nodiscard]] bool take_cover_announcement(std::span<const std::uint8_t> payload) noexcept;
  // `handed_on`: from a neighbour's catch-up rather than the flood; an opened key is then
  // installed as the only one (the network it came from has moved to it).
  [[nodiscard]] bool take_cover_key(std::span<const std::uint8_t> payload, bool handed_on = false) noexcept;
  [[nodiscard]] bool take_cover_commitment(std::span<const std::uint8_t> payload) noexcept;
  template <typename SignedFlood>  // CoverAnnouncement or CoverKeyCommitment
  [[nodiscard]] bool take_signed_rekey_flood(std::span<const std::uint8_t> payload) noexcept;
  // §7.5: a body a neighbour handed on; a neighbour (`src`) that holds only an older key
  // than `their_epoch`'s successor; a frame under a key index this node lacks.
  void take_rekey_catch_up(std::span<const std::uint8_t> body) noexcept;
  void offer_rekey_catch_up(node::NodeId src, std::uint32_t their_epoch) noexcept;
  void note_unknown_key_index(const wire::NetHeader& h) noexcept;
  void send_wave_fragment() noexcept;
  [[nodiscard]] std::uint64_t local_of(std::uint64_t global) const noexcept;
  void apply_records(std::span<const std::uint8_t> payload) noexcept;
  // The keys of a set into every part that holds one; the network layer provisioned from
  // the set, or restored from `stored` (a reboot).
  [[nodiscard]] bool take_keys(const keys::NodeKeySet& keys, const net::NetNvState* stored) noexcept;
  // The next uplink counter, reserved durably first when it starts a new block; 0 when
  // the reservation cannot be written (nothing may be sealed then).
  [[nodiscard]] std::uint32_t next_uplink_counter() noexcept;
  // Apply one opened record's plaintext; false when its layout is not one this node knows.
  [[nodiscard]] bool apply_commission(std::span<const std::uint8_t> plain) noexcept;
  [[nodiscard]] bool apply_wave_part(std::span<const std::uint8_t> plain) noexcept;
  void acknowledge_key(std::uint32_t epoch, std::uint64_t delay_us) noexcept;  // a key_ack record
  // `delay_us`: sent no sooner than this (the slot waits meanwhile).
  void queue_record_uplink(node::RecordKind kind, std::span<const std::uint8_t> plaintext,
                           std::uint64_t delay_us = 0) noexcept;
  void take_link_survey(const LinkSurvey& survey) noexcept;
  // Global time of this node's next probe slot (never: none).
  [[nodiscard]] std::uint64_t next_probe_us() const noexcept;
  void send_probe() noexcept;
  // Seals `message` into a broadcast frame and sends it at once: the caller's slot is
  // scheduled (wave, probe), so there is no carrier sense. Counts it as sent.
  void transmit_in_slot(MessageType type, std::span<const std::uint8_t> message) noexcept;
  void handle_probe(node::NodeId sender, const MeshHeader& h, std::span<const std::uint8_t> body) noexcept;
  void count_link_report() noexcept;
  void answer_report_request(std::uint16_t survey) noexcept;
  void send_link_report() noexcept;
  [[nodiscard]] bool dense() const noexcept { return neighbours_.live_count(round_) >= config_.dense_neighbours; }
  [[nodiscard]] FloodSlot* free_slot() noexcept;
  [[nodiscard]] bool has_free_slot() const noexcept;  // free_slot() would find one
  void fill_slot(FloodSlot& slot, const MeshHeader& h, std::span<const std::uint8_t> body, std::uint64_t due) noexcept;
  [[nodiscard]] MeshHeader own_header(MessageType type) const noexcept;
  // The flags that describe this node as it sends (backbone, blob complete, key settled).
  [[nodiscard]] std::uint8_t hop_flags() const noexcept;
  // A frame opened under this node's newer key, from a neighbour that switched (or, flagged
  // settled, retired): what the switch or retirement flood this node missed would have said.
  void follow_neighbours_key_phase(const net::RxResult& r, const RxOutcome& out) noexcept;
  [[nodiscard]] DisseminationView view() const noexcept;
  [[nodiscard]] std::uint64_t backoff_us(std::uint32_t min_slots, std::uint32_t slots) noexcept;
  [[nodiscard]] std::uint64_t slot_us() const noexcept { return std::uint64_t{config_.net.slot_ms} * 1000U; }
  void tick() noexcept;
  void try_send() noexcept;
  [[nodiscard]] std::size_t build_tokens(std::uint64_t now, std::span<std::uint8_t> tokens, MessageType& type) noexcept;
  void schedule() noexcept;
  void drop(node::DropReason r) noexcept;
  [[nodiscard]] std::array<std::uint8_t, max_body>& body_of(const FloodSlot& slot) noexcept {
    return slot_bodies_[static_cast<std::size_t>(&slot - slots_.data())];
  }

  // Layout: the scalars read on every scheduling pass first, the buffers last, so a node
  // wakes with few cache lines touched (a simulator runs thousands of nodes).
  node::NodeId id_;
  MeshConfig config_;
  node::Platform& platform_;
  node::ChunkStore& store_;
  UplinkSink* sink_ = nullptr;
  RxOutcome* current_ = nullptr;  // outcome of the frame being received
  std::size_t rx_frame_size_ = 0;

  // Global time: the network layer counts slots; the beacon refines to microseconds.
  bool fine_synced_ = false;
  std::int64_t offset_us_ = 0;  // global = local + offset, once fine_synced_
  std::uint64_t adopt_at_us_ = 0;
  std::uint32_t adopt_slot_ = 0;
  bool adopt_pending_ = false;
  std::uint64_t next_sync_request_at_ = 0;
  std::uint64_t last_beacon_at_ = 0;
  std::uint64_t last_time_at_ = 0;       // local time a beacon's time was last taken
  std::uint32_t time_round_ = 0;         // the round whose time was taken last
  std::uint64_t beacon_times_refused_ = 0;
  std::uint64_t sync_frames_ = 0;
  std::uint32_t announcement_echoes_ = 0;
  std::size_t pending_raw_len_ = 0;  // a built sync frame waits in pending_raw_

  std::uint32_t round_ = 0;
  std::uint8_t hops_ = 0xFF;
  std::uint8_t claimed_hops_ = 0xFF;
  node::NodeId parent_ = node::no_node;
  std::uint64_t next_beacon_at_ = 0;
  bool beacon_pending_ = false;
  std::uint64_t beacon_due_us_ = 0;
  std::uint64_t beacon_last_call_us_ = 0;  // passed on by then whatever copy it holds
  std::uint32_t beacon_sent_round_ = 0;    // the round of the last copy this node sent
  std::uint8_t beacon_sent_hops_ = 0xFF;   // and the hops it showed
  // Watching for a farther neighbour to pass this node's copy on (watch_pass_on()): the
  // round watched, the local time of the next repeat (0: none due), the repeats made in
  // it, and the round of the last copy heard from a farther neighbour.
  std::uint32_t beacon_watch_round_ = 0;
  std::uint64_t beacon_repeat_at_us_ = 0;
  std::uint8_t beacon_repeats_made_ = 0;
  std::uint32_t farther_copy_round_ = 0;
  std::uint32_t beacon_repeats_ = 0;  // over the node's life, for the report
  std::uint16_t seq_ = 0;
  std::uint64_t tx_ready_at_ = 0;
  std::uint64_t routed_quiet_until_ = 0;  // local time; see build_tokens()
  std::array<FloodSlot, flood_slots> slots_{};
  std::size_t slot_limit_ = node_slots;  // flood_slots on the gateway

  bool commissioned_ = false;
  bool joined_ = false;
  std::uint64_t join_at_us_ = 0;  // 0: not yet drawn
  std::uint64_t last_join_us_ = 0;
  std::uint32_t joins_sent_ = 0;
  static constexpr std::uint64_t min_rejoin_interval_us = 60'000'000;
  // Uplink counters are reserved this many at a time: one durable write per block.
  static constexpr std::uint32_t record_counter_block = 64;
  std::uint32_t uplink_counter_ = 0;  // the last one sealed under
  node::RecordNvStore& record_nv_;
  node::RecordNvState records_nv_{};  // as last stored: reservation, downlink counters applied
  std::uint32_t acked_epoch_ = 0;
  std::uint32_t uplinks_abandoned_ = 0;
  LinkSurvey survey_{};                   // the newest link survey taken (survey 0: none)
  std::uint8_t probes_done_ = 0;          // of survey_'s rounds, those whose probe slot passed
  std::uint64_t report_count_due_us_ = 0;  // when the survey's last round ends (0: not due)
  LinkReports pending_reports_{};          // counted then, sent at link_report_due_us_
  std::uint64_t link_report_due_us_ = 0;   // 0: no link report to send
  std::uint64_t acks_due_us_ = 0;

  net::NetworkLayer net_;
  BeaconChainVerifier chain_;
  std::unique_ptr<BeaconChainSource> chain_source_;  // gateway only
  ChainCatchUp chain_catch_up_;
  ChainCatchUp::Send last_checkpoint_send_ = ChainCatchUp::Send::nothing;  // build_checkpoint_message()
  std::uint32_t chain_reanchored_ = 0;
  // Flood windows (flood_window.hpp).
  std::uint32_t network_id_ = 0;               // the chain's network, which the tags name
  std::uint32_t window_round_ = 0;             // latest round checked open
  std::uint32_t window_candidates_round_ = 0;  // the round the kept tags would open
  std::array<FloodWindowTag, 3> window_candidates_{};
  std::uint8_t window_candidate_count_ = 0;
  std::uint32_t window_demand_until_ = 0;      // gateway: opens the rounds up to this one
  std::uint32_t window_announced_round_ = 0;   // gateway: the round its last tag opens
  std::uint64_t floods_not_carried_ = 0;
  std::uint64_t floods_held_released_ = 0;
  std::uint32_t windows_opened_ = 0;
  NeighbourTable neighbours_;
  RouteTable routes_;
  DuplicateCache duplicates_;
  FloodDigest digest_;
  WaveEngine wave_;
  Disseminator disseminator_;
  node::RecordSealer sealer_;
  CoverRekey cover_;
  RekeyCatchUp catch_up_;
  std::uint32_t keys_caught_up_ = 0;
  // Frames under the next key's index were heard: ask for time (naming the epoch held)
  // without waiting for the beacons to go missing, so that a neighbour hands the key on.
  bool newer_key_heard_ = false;
  static constexpr std::uint64_t max_key_retry_us = 60'000'000;
  std::uint64_t behind_on_key_until_ = 0;  // local time; see on_wake()
  std::uint64_t key_retry_us_ = 0;  // 0: none asked yet; doubles with every request, up to the max
  std::uint32_t rekey_bodies_taken_ = 0;  // signed list parts and commitments new to this node
  node::DropCounters drops_;
  CommissionParams params_{};
  std::array<std::uint64_t, message_type_count> sent_{};
  // Gateway: uplinks taken and not yet acknowledged (MessageType::ack).
  AckBody acks_{};

  std::array<std::uint8_t, max_frame_size> pending_raw_{};
  std::array<std::array<std::uint8_t, max_body>, flood_slots> slot_bodies_{};
  std::array<std::uint8_t, net::NetworkLayer::max_radio_frame> rx_plain_{};
  std::array<std::uint8_t, max_frame_size> tx_frame_{};
};

}  // namespace meshsec::mesh
