// Mesh layer on attacker-chosen bytes (docs/dissemination.md, docs/simulator.md §Frames):
// every message parser, and a node following a firmware wave fed arbitrary wave
// fragments from its upstream, so the erasure decoder and the verifier behind it see
// forged data. Input: [selector] then the bytes.
//   selector 0: one mesh message (header, then the body parser of its type; a beacon's
//               chain value checked against a genuine chain: it never passes)
//   selector 1: the wave announcement body
//   selector 2: a run of wave fragments (item u16 ‖ number u8 ‖ 82 bytes) for a node
//               that holds the genuine header, so rebuilt chunks reach the Merkle check
//   selector 3: a run of repair fragments (length u8 ‖ index u16 ‖ number u8 ‖ data),
//               data and parity, for the same node
//   selector 4: the broadcast rekey floods (list of revoked nodes, commitment, sealed key),
//               kept and handed on byte for byte, and a sealed key tried on a node whose
//               list and commitment are in: it never opens
// No verification is bypassed: a forged item must be rejected, never stored.
#include <algorithm>
#include <array>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <span>

#include "mesh/beacon_chain.hpp"
#include "mesh/chain_checkpoint.hpp"
#include "mesh/cover_rekey.hpp"
#include "mesh/rekey_bundle.hpp"
#include "mesh/mesh_message.hpp"
#include "mesh/rekey_message.hpp"
#include "mesh/wave_engine.hpp"
#include "wire/bounded_writer.hpp"
#include "../tests/support/mesh_test_blob.hpp"

namespace {

using namespace meshsec;

using mesh_testing::MapStore;

// A gateway's chain of 64 rounds from a fixed secret end.
struct ChainFixture {
  static constexpr std::uint16_t net_id = 0xB123;
  mesh::BeaconChainSource source;
  ChainFixture() {
    mesh::ChainValue seed{};
    seed.fill(0x5E);
    if (!source.init(net_id, seed, 64)) std::abort();
  }
};

void parse_message(std::span<const std::uint8_t> bytes) {
  mesh::MeshHeader h;
  std::span<const std::uint8_t> body;
  if (!mesh::parse_header(bytes, h, body)) return;
  switch (h.type) {
    case mesh::MessageType::beacon: {
      mesh::BeaconBody b;
      if (!mesh::parse_beacon(body, b)) break;
      // Checked against a genuine chain: an attacker's value never passes (it would take a
      // preimage), whatever round and hops it claims. Rounds are kept small here: each
      // check hashes up to 64 steps a round.
      static const ChainFixture chain;
      mesh::BeaconChainVerifier node;
      if (!node.init(chain.net_id, chain.source.anchor())) std::abort();
      if (b.round < 64 && node.check(b.round, b.chain_hops, b.chain) == mesh::BeaconChainVerifier::Verdict::genuine)
        std::abort();
      break;
    }
    case mesh::MessageType::uplink:
    case mesh::MessageType::downlink: {
      mesh::AppBody b;
      (void)mesh::parse_app(body, b);
      break;
    }
    case mesh::MessageType::routed: {
      mesh::RoutedBody b;
      (void)mesh::parse_routed(body, b);
      break;
    }
    case mesh::MessageType::advert: {
      mesh::AdvertBody b;
      (void)mesh::parse_advert(body, b);
      break;
    }
    case mesh::MessageType::request: {
      mesh::RequestBody b;
      (void)mesh::parse_request(body, b);
      break;
    }
    case mesh::MessageType::fragment: {
      mesh::FragmentView f;
      (void)mesh::parse_fragment(body, f);
      break;
    }
    case mesh::MessageType::wave: {
      mesh::WaveView w;
      if (mesh::parse_wave(body, w) && w.data.size() != mesh::wave_payload_size) std::abort();
      break;
    }
    case mesh::MessageType::ack: {
      mesh::AckBody a;
      if (mesh::parse_ack(body, a) && (a.count == 0 || a.count > mesh::max_ack_entries)) std::abort();
      break;
    }
    case mesh::MessageType::probe: break;  // header only: a node drops a probe with a body
    case mesh::MessageType::checkpoint: {
      // A checkpoint or a request: what parses must encode back to the same bytes.
      mesh::ChainCheckpoint c;
      if (mesh::parse_chain_checkpoint(body, 7, c)) {
        std::array<std::uint8_t, mesh::chain_checkpoint_size> again{};
        if (c.round == 0 || mesh::encode_chain_checkpoint(c, again) != body.size() ||
            !std::equal(again.begin(), again.end(), body.begin()))
          std::abort();
      }
      std::uint32_t round = 0;
      if (mesh::parse_chain_request(body, round) && body.size() != mesh::chain_request_size) std::abort();
      break;
    }
  }
}

// A node that holds the genuine signed header (and no chunk), so whatever forged data
// rebuilds reaches the Merkle check.
struct NodeWithHeader {
  MapStore store;
  mesh::Disseminator d;
  mesh::DisseminationView view;
  NodeWithHeader() {
    static const mesh_testing::Blob genuine = mesh_testing::make_blob(0x42, 2, 1024, 4000);
    mesh::MeshConfig config;
    config.blob_policy.customer_id = 77;
    config.blob_policy.installed.security_counter = 1;
    d.init(config, genuine.vk, store, 3);
    view.self = 3;
    if (d.on_header(genuine.signed_header, view) != mesh::HeaderOutcome::accepted) std::abort();
  }
};

void follow_wave(std::span<const std::uint8_t> bytes) {
  NodeWithHeader node;
  auto& d = node.d;
  auto& view = node.view;
  auto& store = node.store;
  mesh::WaveEngine wave;
  mesh::WaveAssignment role;
  role.in_plan = true;
  role.level = 1;
  role.upstream = 1;
  mesh::WaveAnnouncement a;
  if (!mesh::WaveEngine::plan_announcement(d, 1000, 3, 4200, 800, a)) std::abort();
  role.blob_id = a.blob_id;
  wave.assign(role);
  if (!wave.announce(a)) std::abort();
  constexpr std::size_t record = 3 + mesh::wave_payload_size;
  for (std::size_t at = 0; at + record <= bytes.size(); at += record) {
    const auto body = bytes.subspan(at, record);
    mesh::WaveView f;
    if (!mesh::parse_wave(body, f)) continue;
    mesh::HeaderOutcome h{};
    const auto outcome = wave.on_fragment(1, f, d, view, h);
    // Forged data never verifies: nothing may be stored.
    if (outcome == mesh::ChunkOutcome::stored || !store.chunks.empty()) std::abort();
  }
}

// Repair fragments (data and Reed–Solomon parity) from a forger: whatever they rebuild
// never verifies, so nothing may be stored.
void repair_fragments(std::span<const std::uint8_t> bytes) {
  NodeWithHeader node;
  auto& d = node.d;
  auto& view = node.view;
  auto& store = node.store;
  std::size_t at = 0;
  while (at < bytes.size()) {
    const std::size_t length = bytes[at++];
    if (at + length > bytes.size()) break;
    mesh::FragmentView f;
    if (mesh::parse_fragment(bytes.subspan(at, length), f)) {
      mesh::HeaderOutcome h{};
      if (d.on_fragment(1, f, view, h) == mesh::ChunkOutcome::stored || !store.chunks.empty()) std::abort();
    }
    at += length;
  }
}

// The rekey floods: what parses encodes back to the same bytes; a forged sealed key for
// the subset of a node that knows its cover (here with all-zero path keys, which no
// sealed key under a real subset key opens) is refused.
void rekey_floods(std::span<const std::uint8_t> bytes) {
  (void)mesh::rekey_body_epoch(bytes);
  mesh::CoverAnnouncement list;
  const bool is_list = mesh::parse_cover_announcement(bytes, 7, list);
  if (is_list) {
    std::array<std::uint8_t, mesh::cover_announcement_max_size> again{};
    if (mesh::encode_cover_announcement(list, again) != bytes.size() || !std::equal(bytes.begin(), bytes.end(), again.begin()))
      std::abort();
  }
  mesh::CoverKeyCommitment commitment;
  const bool is_commitment = mesh::parse_cover_commitment(bytes, 7, commitment);
  if (is_commitment) {
    std::array<std::uint8_t, mesh::cover_commitment_flood_size> again{};
    if (mesh::encode_cover_commitment(commitment, again) != bytes.size() || !std::equal(bytes.begin(), bytes.end(), again.begin()))
      std::abort();
  }
  // What parses is kept as it came, and handed on byte for byte (wire-format.md §7.5).
  mesh::RekeyBundle bundle;
  auto kept_as_is = [&](std::span<const std::uint8_t> kept) {
    if (!std::equal(kept.begin(), kept.end(), bytes.begin(), bytes.end())) std::abort();
  };
  if (is_list) {
    bundle.keep_part(list.epoch, list.part, list.parts, bytes);
    kept_as_is(bundle.part(list.part));
  }
  if (is_commitment) {
    bundle.keep_commitment(commitment.epoch, bytes);
    kept_as_is(bundle.commitment());
  }
  mesh::CoverKeyView sealed;
  if (!mesh::parse_cover_key(bytes, sealed)) return;
  // Unchecked (no check key yet): kept, never handed on; any check key then drops it or
  // keeps it as it came.
  if (bundle.keep_sealed_key(bytes, sealed) != mesh::RekeyBundle::Kept::unchecked) std::abort();
  if (!bundle.sealed_key(sealed.subset).empty()) std::abort();
  static const std::array<std::uint8_t, 16> some_key{0x4B};
  if (!bundle.set_check_key(0x123, sealed.epoch, some_key)) std::abort();
  if (const auto kept = bundle.sealed_key(sealed.subset); !kept.empty()) kept_as_is(kept);
  if (sealed.sealed_key.size() != 16 && sealed.sealed_key.size() != 32) std::abort();
  static const keys::NodeKeySet path_keys = [] {
    keys::NodeKeySet set;
    set.key_size = keys::KeySize::bits128;
    return set;
  }();
  mesh::CoverRekey node;
  if (!node.init(static_cast<node::NodeId>(sealed.subset & 0xFFFFU), path_keys)) std::abort();
  mesh::CoverAnnouncement whole;
  whole.epoch = sealed.epoch;
  if (!node.take(whole)) std::abort();
  mesh::CoverKeyCommitment committed;  // to a key no forger knows
  committed.epoch = sealed.epoch;
  committed.commitment.fill(0xC3);
  if (!node.take(committed)) std::abort();
  std::array<std::uint8_t, 32> key{};
  if (node.open(7, sealed, std::span<std::uint8_t>(key).first(sealed.sealed_key.size())) == mesh::CoverOutcome::opened)
    std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size < 1) return 0;
  const auto bytes = std::span<const std::uint8_t>(data + 1, size - 1);
  switch (data[0] % 5) {
    case 0: parse_message(bytes); break;
    case 1: {
      mesh::WaveAnnouncement a;
      (void)mesh::parse_wave_announcement(bytes, a);
      // A wave part (a record's plaintext): what parses must encode back to the same bytes.
      mesh::WaveAssignment part;
      if (mesh::parse_wave_part(bytes, part)) {
        std::array<std::uint8_t, mesh::wave_part_size> again{};
        if (mesh::encode_wave_part(part, again) != bytes.size() || !std::equal(again.begin(), again.end(), bytes.begin()))
          std::abort();
      }
      // A link survey (a downlink body) and a link report (a record's plaintext): the same.
      mesh::LinkSurvey survey;
      if (mesh::parse_link_survey(bytes, survey)) {
        std::array<std::uint8_t, mesh::link_survey_size> again{};
        if (mesh::encode_link_survey(survey, again) != bytes.size() || !std::equal(again.begin(), again.end(), bytes.begin()))
          std::abort();
      }
      mesh::LinkReport report;
      if (mesh::parse_link_report(bytes, report)) {
        std::array<std::uint8_t, mesh::link_report_size(mesh::link_report_max_links)> again{};
        if (mesh::encode_link_report(report, again) != bytes.size() || !std::equal(bytes.begin(), bytes.end(), again.begin()))
          std::abort();
        for (const auto& l : report.entries())
          if (l.heard > report.rounds) std::abort();
      }
      break;
    }
    case 2: follow_wave(bytes); break;
    case 4: rekey_floods(bytes); break;
    default: repair_fragments(bytes); break;
  }
  return 0;
}
