// The discrete-event simulator (B3): it owns the clock (integer microseconds), the radio
// medium and one SimNode per device, each running the real mesh::MeshNode with its real
// net::NetworkLayer and firmware::BlobVerifier. Deterministic for a scenario and seed.
//
// Radio medium: broadcast within range; a receiver locks onto the first frame it hears and
// loses it when another overlaps (collision) or it starts sending (half duplex); frames
// that survive are lost with the link's loss rate; a jammer's burst corrupts the frame
// being received, which then reaches the node with bit errors (its CRC check drops it).
// Carrier sense and a 192 µs turnaround; per-node duty-cycle budget (token bucket).
#pragma once
#include <array>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <queue>
#include <string>
#include <vector>

#include "mesh/wave_plan.hpp"
#include "sim/back_office.hpp"
#include "sim/drop_tally.hpp"
#include "sim/firmware_release.hpp"
#include "sim/key_provisioning.hpp"
#include "sim/lane_worker.hpp"
#include "sim/run_report.hpp"
#include "sim/scenario.hpp"
#include "sim/shared_chunk_flash.hpp"
#include "sim/sim_node.hpp"
#include "sim/sim_rng.hpp"
#include "sim/topology.hpp"

namespace meshsec::sim {

// Per-node messages (commissioning, a key refresh) all cross the gateway's neighbourhood:
// routed, one gateway carries some 15–20 nodes' message and answer per second (3,000
// nodes: docs/simulator.md). Above this size a phase would take many minutes of simulated
// time through one gateway, so it is left out and the report says so; so are the join
// records that serve it (10,000 joins crowd one gateway's neighbourhood for minutes).
inline constexpr std::uint32_t per_node_limit = 3000;

enum class AttackKind : std::uint8_t {
  none = 0,
  eavesdropper,
  replayer,
  forger,
  bit_flipper,
  stolen_node_before_revocation,
  stolen_node_after_revocation,
  rogue_blob_injector,
  jammer,
  count_
};
[[nodiscard]] std::string attack_name(AttackKind kind);

class Simulator {
 public:
  using Progress = std::function<void(const std::string& phase, double fraction)>;
  // A radio's switch from receiving to sending: a frame goes on the air this long after
  // its node decided to send it.
  static constexpr std::uint32_t turnaround_us = 192;

  explicit Simulator(const Scenario& scenario);
  ~Simulator();
  Simulator(const Simulator&) = delete;
  Simulator& operator=(const Simulator&) = delete;

  void set_progress(Progress progress) { progress_ = std::move(progress); }
  // Every phase of the scenario; returns the report.
  RunReport run();

  // Building blocks (tests use them directly).
  void manufacture();                      // topology, keys, nodes
  void boot();                             // start every node
  void run_for(std::uint64_t duration_us);
  void run_until(const std::function<bool()>& done, std::uint64_t limit_us, std::uint64_t check_every_us);
  void fail_node(std::uint32_t station);
  // A node fail_node() silenced comes back with the state it had (it slept): its timer
  // fires at once.
  void wake_node(std::uint32_t station);
  // A node loses power and boots again (docs/wire-format.md §9): a new MeshNode from its
  // key set and what its flash kept (SimNode::nv), started as at boot.
  void reboot_node(std::uint32_t station);
  // The rollout in steps (phase_rollout() runs all three): the gateway accepts the blob
  // and starts the wave; run_for() until rollout_done(); finish_rollout() writes the report.
  void begin_rollout();
  [[nodiscard]] bool rollout_done() const;
  void finish_rollout();
  // Simulated time: the event's, inside an event; between events the time run_for() reached.
  [[nodiscard]] std::uint64_t now_us() const noexcept { return now(); }
  [[nodiscard]] const Topology& topology() const noexcept { return topology_; }
  [[nodiscard]] SimNode& node(std::uint32_t station) { return *nodes_[station]; }
  [[nodiscard]] std::uint32_t node_count() const noexcept { return topology_.node_count(); }
  [[nodiscard]] BackOffice& back_office() { return *back_office_; }
  [[nodiscard]] const KeyProvisioning& keys() const { return *keys_; }
  // The back office signs the floods it originates through the gateway (wave announcement,
  // link survey) with the blob signing key, whose public half every node holds. Throws
  // std::runtime_error if signing fails.
  void sign_as_back_office(mesh::WaveAnnouncement& announcement) const;
  void sign_as_back_office(mesh::LinkSurvey& survey) const;
  void sign_as_back_office(mesh::CoverAnnouncement& list) const;
  void sign_as_back_office(mesh::CoverKeyCommitment& commitment) const;
  void sign_as_back_office(mesh::ChainCheckpoint& checkpoint) const;
  // The back office signs the gateway's chain value when a checkpoint is due, and the
  // gateway sends it (docs/wire-format.md §6.5 "Checkpoints"); between windows.
  void offer_chain_checkpoint();
  // The rounds the network ran before the gateway boots (scenario mesh.network_age_days).
  [[nodiscard]] std::uint32_t network_age_rounds() const noexcept;
  // A broadcast rekey's downlink bodies in the order they go out: the list's parts and the
  // commitment, signed, then the sealed keys.
  [[nodiscard]] std::vector<std::vector<std::uint8_t>> signed_rekey_bodies(BackOffice::CoverRekeyFloods& floods) const;
  [[nodiscard]] const FirmwareRelease& release() const { return release_; }
  [[nodiscard]] const RunReport& report() const noexcept { return report_; }
  [[nodiscard]] std::uint32_t activated_count() const;
  [[nodiscard]] std::uint32_t reachable_alive_count() const;  // alive nodes connected to the gateway, gateway excluded
  [[nodiscard]] std::vector<bool> alive_stations() const;      // by station: the node is alive
  // By station: hops to the gateway over alive nodes (uint32 max: cut off, or failed).
  [[nodiscard]] std::vector<std::uint32_t> hops_over_alive() const;
  [[nodiscard]] std::uint64_t frames_sent() const noexcept;
  [[nodiscard]] std::uint64_t node_events() const noexcept;
  // Floods no relay can check that nodes did not carry on for want of a flood window.
  [[nodiscard]] std::uint64_t unchecked_floods_not_carried() const noexcept;
  // Such floods held until their round's beacon opened it, then released (MeshNode).
  [[nodiscard]] std::uint64_t unchecked_floods_held_released() const noexcept;
  // Lanes of the event loop (docs/simulator.md §Lanes): 1, or 2 above per_node_limit nodes.
  [[nodiscard]] std::size_t lane_count() const noexcept { return lanes_.size(); }
  // The lane that owns a station (assign_lanes()).
  [[nodiscard]] std::uint8_t lane_of_station(std::uint32_t station) const noexcept { return owner_[station]; }
  // Whether run() puts the lanes on two cores (the default) or lets them take turns on
  // one: the run is the same either way.
  void use_lane_threads(bool on) noexcept { lane_threads_ = on; }
  [[nodiscard]] const AttackResult& attack(AttackKind kind) const { return attacks_[static_cast<std::size_t>(kind)]; }

  // Medium interface for SimNode.
  [[nodiscard]] bool channel_clear(std::uint32_t station) const noexcept;
  bool start_transmission(std::uint32_t station, std::span<const std::uint8_t> frame, AttackKind tag);
  [[nodiscard]] bool radio_busy(std::uint32_t station) const noexcept { return radio_[station].busy; }
  void schedule_wake(std::uint32_t station, std::uint64_t at_us);

  // Phases (sim_phases.cpp).
  void phase_commission();
  // Per-node downlinks (per_node_downlinks.cpp): routed where the gateway has a route,
  // flooded otherwise; until `done` holds for every live node or `limit_us` passes.
  // Returns how many of the nodes pending at the start are done.
  // A node that answers none of its first floods: flooded for again and again (what a
  // revocation's key delivery must be, however much it costs), or less and less often and
  // then left (per_node_downlinks.cpp).
  enum class SilentNodes : std::uint8_t { keep_flooding, back_off };
  using BodiesFor = std::function<std::vector<std::vector<std::uint8_t>>(const std::vector<node::NodeId>&)>;
  std::uint32_t send_per_node(const std::string& phase, std::uint64_t limit_us, std::uint64_t join_wait_us,
                              const std::function<bool(node::NodeId)>& done, const BodiesFor& bodies_for,
                              SilentNodes silent = SilentNodes::back_off);
  // Time for per-node messages to every node: the join spread, 60 s, 100 ms per node.
  [[nodiscard]] std::uint64_t per_node_time_us() const;
  // mesh.join_spread_s, or by mesh size when 0.
  [[nodiscard]] double join_spread_s() const;
  void phase_operate(int window);
  // What the back office and the nodes have counted so far: a readings window adds the
  // difference over its span to report_.readings.
  struct ReadingsCount {
    std::uint64_t delivered = 0, uplink_frames = 0, uplinks_abandoned = 0;
  };
  [[nodiscard]] ReadingsCount readings_count() const;
  void add_readings_window(std::size_t window, const ReadingsCount& before);
  void phase_failures();
  void phase_rollout();
  // Plans the wave from the link table and sends every node its part (the gateway's node
  // does not hold the blob yet); announce_wave() then has the gateway announce it and
  // returns the simulated time at which the wave ends.
  void plan_wave();
  // The planner's input: the links the nodes report when surveyed (up to per_node_limit
  // nodes), above it the radio model's own table.
  void survey_links(mesh::WavePlanInput& input);
  // Links and live nodes from the back office's reports of the last survey.
  void plan_input_from_reports(mesh::WavePlanInput& input);
  [[nodiscard]] std::uint64_t per_node_frames() const;  // routed, downlink, uplink and ack frames sent
  std::uint64_t announce_wave();
  // Sends every node its part of the planned wave (index = node id) as a sealed record, or
  // hands the parts over above per_node_limit; reports what it took.
  void distribute_wave_parts(const std::vector<mesh::WaveAssignment>& parts);
  void phase_attacks(bool after_revocation);
  void phase_revocation();
  // Some nodes sleep through the revocation's broadcast and catch up after it.
  std::vector<std::uint32_t> put_to_sleep_for_revocation();
  // The revoked node tries every rekey body it heard handed on with all its extracted
  // keys, as the back office's receivers would and as a thief would; a key opened is a
  // success. Returns the bodies tried.
  std::size_t stolen_learned_key(AttackResult& stolen);
  // The revoked node, which still holds the network key the broadcast travels under, floods
  // a forged sealed key for every subset of the cover ahead of each pass (wire-format.md
  // §7.5): kept and handed on, the nodes asleep would be handed keys that never open.
  void race_forged_sealed_keys(const std::vector<std::vector<std::uint8_t>>& genuine);
  // Nodes that would hand one of those forged sealed keys on (a success of the attack).
  [[nodiscard]] std::uint32_t nodes_keeping_forged_sealed_keys() const;
  void catch_up_after_revocation(const std::vector<std::uint32_t>& asleep, std::uint32_t epoch);
  // Attackers (attack_campaign.cpp).
  void place_attackers();
  void attack_round(bool after_revocation);
  void start_jam(std::uint32_t station, std::uint64_t duration_us);
  // Readings from every live node (or from `only`, when given) within `seconds`.
  void schedule_readings(std::size_t window, double seconds, const std::vector<std::uint32_t>& only = {});
  // Nodes lose power and boot again (reboot_node()); their readings after it.
  void phase_reboots();

 private:
  // A per-node count summed over every node (their MeshNode's `count`).
  [[nodiscard]] std::uint64_t sum_over_nodes(const std::function<std::uint64_t(const mesh::MeshNode&)>& count) const;
  enum class EventKind : std::uint8_t { wake, tx_start, tx_end, reading, action };
  static constexpr std::uint64_t reading_cut_off = 0x100;  // or'ed into a reading's window
  struct Event {
    std::uint64_t time;
    std::uint64_t seq;
    EventKind kind;
    std::uint32_t a;
    std::uint64_t b;
    bool operator>(const Event& o) const noexcept { return time != o.time ? time > o.time : seq > o.seq; }
  };
  struct Transmission {
    std::uint32_t sender = 0;
    std::uint8_t channel = 0;  // mesh::control_channel, or a wave channel
    // A lane's copy of another lane's transmission, for its own stations that hear it:
    // the sender's side (its radio, its idle call) is the owning lane's.
    bool ghost = false;
    std::uint64_t start_us = 0, end_us = 0;
    std::vector<std::uint8_t> bytes;
    std::vector<Link> listeners;  // this lane's stations tuned to `channel` when it started
    // Per listener: it was sending itself when this frame started (half duplex: it never
    // heard the frame, even if its own frame ended first).
    std::vector<std::uint8_t> listener_was_sending;
    AttackKind tag = AttackKind::none;
    bool jam = false;
    bool forged_beacon = false;  // a stolen node's beacon of a round the gateway has not begun
    bool accepted_somewhere = false;
    bool harmful = false;  // an attack frame achieved its goal somewhere
    std::vector<std::uint32_t> accepted_by;  // stations whose network layer accepted it
    // Replays: when the original was captured, and who had accepted the original.
    std::uint64_t original_time = 0;
    std::vector<std::uint32_t> original_accepted_by;
  };
  // One lane of the event loop: the events, transmissions and tallies of the stations it
  // owns (docs/simulator.md §Lanes). A transmission reaches another lane's stations only
  // after the 192 µs turnaround, so lanes run a window of that length each and meet at
  // its end; two lanes on two cores give the same run as one after the other.
  struct alignas(64) Lane {
    Lane(std::uint8_t lane_index, SimRng rng) : index(lane_index), medium_rng(rng) {}
    std::uint8_t index;
    std::uint64_t now = 0;
    std::uint64_t seq = 0;
    std::priority_queue<Event, std::vector<Event>, std::greater<>> queue;
    std::vector<Transmission> transmissions;
    std::vector<std::uint32_t> free_tx;
    std::vector<std::uint32_t> outbox;  // own transmissions that other lanes' stations hear
    std::uint32_t last_tx = 0;
    SimRng medium_rng;
    std::uint64_t events = 0, node_events = 0, frames_sent = 0;
    std::uint32_t activated = 0;
    std::array<std::uint64_t, readings_windows> readings_sent{};
    std::array<std::uint64_t, readings_windows> readings_cut_off{};  // from nodes cut off from the gateway
    std::uint64_t readings_made = 0;
    std::array<std::uint64_t, static_cast<std::size_t>(AttackKind::count_)> attack_successes{};
    std::uint64_t unrevoked_acceptances = 0;
    DropTally drops;
    std::map<std::string, std::uint64_t> legit_defence_drops;
  };
  // One entry per station, one cache line each (two lanes never write the same line): the
  // medium's loops over a sender's links read only this, not the node objects.
  struct alignas(64) RadioState {
    // The channel the node's radio is tuned to, valid until tuned_until (sim time): asked
    // of the node again after that, or after the node received or woke.
    std::uint64_t tuned_until = 0;
    std::int64_t lock = -1;   // transmission being received
    std::int64_t left = -1;   // transmission the radio retuned away from mid-reception
    std::uint32_t heard = 0;  // overlapping signals on the air around this station
    bool busy = false;        // handed a frame, not yet finished
    bool on_air = false;
    bool corrupt = false;
    bool deafened = false;  // corrupt because the station began to send (half duplex)
    bool jammed = false;
    bool alive = true;  // mirrors SimNode::alive (fail_node() clears both)
    std::uint8_t tuned = 0;
    // `tuned` was read from the node right after it received or woke (while its state was
    // in cache) and has not been asked for since; see tuned_channel().
    bool tuned_ahead = false;
  };
  struct DutyState {
    double credit_us = 0;
    std::uint64_t updated_us = 0;
  };

  void push(Lane& lane, std::uint64_t time, EventKind kind, std::uint32_t a, std::uint64_t b);
  void dispatch(Lane& lane, const Event& e);
  // The lane running on this thread (inside an event), else none.
  static thread_local Lane* current_lane_;
  [[nodiscard]] std::uint64_t now() const noexcept { return current_lane_ != nullptr ? current_lane_->now : now_; }
  [[nodiscard]] Lane& lane_of(std::uint32_t station) noexcept { return *lanes_[owner_[station]]; }
  // Splits the stations between the lanes (by angle around the gateway: the wave spreads
  // out from it evenly in both) and notes which lanes hear each station.
  void assign_lanes();
  void note_lane_listeners();
  void run_one_lane(std::uint64_t end);
  void run_lanes(std::uint64_t end);
  void run_window(Lane& lane, std::uint64_t until);
  void set_time_between_windows(std::uint64_t t) noexcept;
  // A frame an attacker may pass again or alter without gaining anything (not a success).
  [[nodiscard]] static bool in_the_clear_by_design(const Transmission& t) noexcept;
  // Copies every lane's new transmissions into the lanes whose stations hear them.
  void hand_over();
  void merge_lane_tallies();
  // Lanes on two cores from here (nothing shared moves in the events but the lanes' own
  // tallies), or one after the other.
  void set_parallel(bool on);
  std::uint32_t new_transmission(Lane& lane);
  // The transmission start_transmission() allocated last for `station` (attackers annotate it).
  [[nodiscard]] Transmission& last_transmission_of(std::uint32_t station) noexcept {
    Lane& lane = lane_of(station);
    return lane.transmissions[lane.last_tx];
  }
  void on_tx_start(Lane& lane, std::uint32_t tx);
  [[nodiscard]] std::uint8_t tuned_channel(std::uint32_t station) noexcept;
  void retune(std::uint32_t station) noexcept {
    radio_[station].tuned_until = 0;
    radio_[station].tuned_ahead = false;
  }
  // retune() for a node that just received or woke: its channel is read now, ahead of the
  // first time a neighbour's transmission asks for it.
  void retune_ahead(std::uint32_t station) noexcept;
  void on_tx_end(Lane& lane, std::uint32_t tx);
  void deliver(Lane& lane, std::uint32_t station, Transmission& t, bool corrupted);
  void schedule_action(std::uint64_t at_us, std::function<void()> action);
  void sample_sync();
  // 99 % of live nodes fine-synchronised and with a parent.
  [[nodiscard]] bool network_ready() const;
  void record_activation(Lane& lane, std::uint32_t station);
  [[nodiscard]] std::uint64_t airtime_us(std::size_t bytes) const noexcept;
  [[nodiscard]] bool is_node(std::uint32_t station) const noexcept { return station < topology_.node_count(); }
  void progress(const std::string& phase, double fraction);
  void capture(std::uint32_t attacker, const Transmission& t);

  Scenario scenario_;
  SimRng rng_;
  std::uint16_t surveys_ = 0;  // link surveys sent
  Topology topology_;
  std::unique_ptr<KeyProvisioning> keys_;
  std::unique_ptr<BackOffice> back_office_;
  mesh::MeshConfig node_config_{};  // every node's but the gateway's (reboot_node())
  SharedChunkFlash flash_;
  std::vector<std::unique_ptr<SimNode>> nodes_;
  std::vector<RadioState> radio_;
  std::vector<DutyState> duty_;  // per station, used when the duty cycle is limited
  std::vector<std::unique_ptr<Lane>> lanes_;
  std::vector<std::uint8_t> owner_;           // per station: its lane
  std::vector<std::uint8_t> heard_in_lanes_;  // per station: bit per lane that has a station in its range
  // Actions run between windows when there are several lanes (in lane 0's queue otherwise).
  std::priority_queue<Event, std::vector<Event>, std::greater<>> action_queue_;
  std::uint64_t action_seq_ = 0;
  std::vector<std::function<void()>> actions_;
  // Lanes other than lane 0 run on this thread while `parallel_` (the rollout: no attack
  // frame is on the air and nothing else is shared).
  std::unique_ptr<LaneWorker> worker_;
  bool parallel_ = false;
  bool lane_threads_ = true;
  std::uint64_t now_ = 0;
  Progress progress_;
  RunReport report_;
  FirmwareRelease release_;
  std::uint64_t rollout_start_us_ = 0;
  struct RolloutCounters {
    std::uint64_t data = 0, control = 0, push = 0, repair = 0, rejected = 0;
  };
  [[nodiscard]] RolloutCounters rollout_counters() const;
  RolloutCounters rollout_baseline_{};
  std::uint64_t wave_end_us_ = 0;
  std::uint8_t wave_room_ = 0;         // parity fragments per period, from plan_wave()
  std::uint32_t wave_max_level_ = 0;
  bool rollout_active_ = false;
  std::array<AttackResult, static_cast<std::size_t>(AttackKind::count_)> attacks_{};
  // Attackers (attack_campaign.cpp).
  struct Attacker;
  std::vector<std::unique_ptr<Attacker>> attackers_;
  // An insider's mesh message, sealed by its own network layer on the mesh's time and put
  // on the air; false when it could not be sent.
  bool send_as_insider(Attacker& a, std::span<const std::uint8_t> mesh_message);
  // The stolen node's beacons (insider_beacons.cpp, docs/wire-format.md §6.5): a round the
  // gateway has not begun (the next, or `far` a hundred on) with a time of its own; and
  // the best genuine copy its neighbours pass on, repeated with one hop claimed.
  bool send_forged_beacon(Attacker& a, bool far);
  bool send_poisoned_beacon(Attacker& a);
  // Live nodes that send through the stolen node by a way shorter than any it has: one
  // hop shorter, or more.
  struct Misled {
    std::uint32_t by_one = 0, by_more = 0;
  };
  [[nodiscard]] Misled nodes_misled_through_stolen_node() const;
  // Summed over the nodes: MeshNode::flood_numbers_reused().
  [[nodiscard]] std::uint64_t flood_numbers_reused() const;
  std::uint32_t stolen_station_ = 0;
  static constexpr std::uint32_t revoked_epoch = 2;  // the network key that leaves the stolen node out
  std::vector<std::uint64_t> forged_flood_starts_;    // t0 of the stolen node's forged announcements and surveys
  std::uint64_t unrevoked_acceptances_ = 0;           // stolen-key frames accepted by nodes without it
  std::vector<std::vector<std::uint8_t>> forged_sealed_keys_;  // raced ahead of the rekey broadcast
  friend struct AttackerAccess;
  double sync_error_sum_ = 0;
  std::uint64_t sync_error_samples_ = 0;
  double sync_error_max_ = 0;
};

}  // namespace meshsec::sim
