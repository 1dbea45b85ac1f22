// The simulator running the real node code: determinism, time sync and gradient, flooding
// reaches every node and stops, self-healing, a full rollout with every chunk verified,
// attackers with zero successes, and the lower bounds on small known topologies.
#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <limits>
#include <map>
#include <memory>

#include "net/network_layer.hpp"
#include "node/nv_ram_store.hpp"
#include "firmware/blob_signer.hpp"
#include "mesh/chain_checkpoint.hpp"
#include "mesh/mesh_message.hpp"
#include "wire/net_token.hpp"
#include "sim/lower_bound.hpp"
#include "sim/plot_writer.hpp"
#include "sim/scenario.hpp"
#include "sim/simulator.hpp"
#include "wire/bounded_writer.hpp"
#include "wire/crc16.hpp"
#include "wire/key_delivery.hpp"
#include "wire/net_frame.hpp"

namespace {

using namespace meshsec;
using namespace meshsec::sim;

Scenario small(std::uint32_t nodes, std::uint64_t seed = 5) {
  Scenario s = default_scenario();
  s.seed = seed;
  s.topology.nodes = nodes;
  s.firmware.blob_kib = 4;
  s.firmware.chunk_size = 512;
  s.phases.boot_s = 35;
  s.phases.operate_s = 8;
  s.phases.readings_per_node = 1;
  s.phases.commission_timeout_s = 30;
  s.phases.rollout_timeout_s = 120;
  s.phases.attack_s = 6;
  s.attacks.attempts = 15;
  return s;
}

// Manufactured, booted and given 35 s to synchronise; the ids of every node but the gateway.
std::vector<node::NodeId> boot_and_settle(Simulator& sim) {
  sim.manufacture();
  sim.boot();
  sim.run_for(35'000'000);
  std::vector<node::NodeId> ids;
  for (std::uint32_t i = 1; i < sim.node_count(); ++i) ids.push_back(static_cast<node::NodeId>(i + 1));
  return ids;
}

// Floods `body` from the gateway (waiting for a free slot) and gives it 60 ms to spread.
void flood_from_gateway(Simulator& sim, std::span<const std::uint8_t> body) {
  auto& gateway = *sim.node(0).mesh;
  while (!gateway.send_downlink(body)) sim.run_for(5'000);
  sim.run_for(60'000);
}

// A node whose device is stolen: gone from the mesh (its keys are the attacker's now), and
// the mesh given 20 s to route around it.
node::NodeId steal_a_node(Simulator& sim, const std::vector<node::NodeId>& ids) {
  const node::NodeId stolen = ids[ids.size() / 3];
  sim.fail_node(stolen - 1U);
  sim.run_for(20'000'000);
  return stolen;
}

// A mesh message in an E1 frame sealed as `sender` (its own keys, at network slot `slot`,
// its `earlier`-th frame of the slot), as its radio would send it: what a holder of the
// network key can put on the air.
std::vector<std::uint8_t> sealed_as(Simulator& sim, node::NodeId sender, std::uint32_t slot,
                                    std::span<const std::uint8_t> message, std::uint32_t earlier = 0) {
  keys::NodeKeySet set;
  sim.keys().node_keys(sender, 1, false, set);
  net::NetConfig config;
  config.channel = 11;
  config.domain = 0x123;
  config.address = sender;
  node::NvRamStore nv;
  net::NetworkLayer net(config, nv);
  EXPECT_EQ(net.provision(1, set.key(keys::KeyPurpose::net), set.key(keys::KeyPurpose::enc)), net::SetupError::ok);
  net.set_global_time(slot);
  std::array<std::uint8_t, 97> tokens{};
  wire::BoundedWriter w(tokens);
  EXPECT_EQ(wire::write_token(w, mesh::mesh_token_type, message), wire::WireError::ok);
  std::vector<std::uint8_t> frame(128);
  std::size_t out = 0;
  for (std::uint32_t k = 0; k <= earlier; ++k)
    EXPECT_EQ(net.send(wire::NetLayout::broadcast, w.written(), frame, out, 1), net::SendError::ok);
  frame.resize(out);
  return frame;
}

// Up to `count` leaves (nodes no neighbour names its parent) other than `except`, as stations.
std::vector<std::uint32_t> leaves(Simulator& sim, const std::vector<node::NodeId>& ids, node::NodeId except,
                                  std::size_t count) {
  std::vector<std::uint32_t> out;
  for (const auto id : ids)
    if (id != except && !sim.node(id - 1U).mesh->backbone() && out.size() < count) out.push_back(id - 1U);
  return out;
}

// A booted mesh, the node to revoke (a third of the way in) and four leaves asleep from
// before the rekey (failed: they hear and send nothing until woken).
struct SleepersScene {
  std::vector<node::NodeId> ids;
  node::NodeId stolen = 0;
  std::vector<std::uint32_t> asleep;
};
SleepersScene sleepers_before_a_rekey(Simulator& sim) {
  SleepersScene scene;
  scene.ids = boot_and_settle(sim);
  scene.stolen = scene.ids[scene.ids.size() / 3];
  scene.asleep = leaves(sim, scene.ids, scene.stolen, 4);
  for (const auto s : scene.asleep) sim.fail_node(s);
  return scene;
}

// The back office revokes `revoked` and the gateway broadcasts epoch 2 to everyone else,
// twice, as the simulator's revocation does (docs/wire-format.md §7.4).
void broadcast_rekey(Simulator& sim, node::NodeId revoked) {
  sim.back_office().revoke(revoked);
  crypto::SecretArray<16> key;
  sim.keys().network_key(2, key);
  ASSERT_EQ(sim.node(0).mesh->gateway_stage_key(2, key.span()), net::KeyChange::installed);
  auto floods = sim.back_office().cover_rekey(2, key.span());
  const auto bodies = sim.signed_rekey_bodies(floods);
  for (int pass = 0; pass < 2; ++pass) {
    for (const auto& b : bodies) flood_from_gateway(sim, b);
    sim.run_for(3'000'000);
  }
}

// The gateway moves to epoch 2 (phase 2) or retires the older key (phase 3), and floods it twice.
void flood_key_phase(Simulator& sim, std::uint8_t phase) {
  auto& gateway = *sim.node(0).mesh;
  ASSERT_EQ(phase == 2 ? gateway.gateway_switch_key(2) : gateway.gateway_retire_key(2), net::KeyChange::installed);
  for (int k = 0; k < 2; ++k) flood_from_gateway(sim, BackOffice::key_phase_body(2, phase));
  sim.run_for(3'000'000);
}

TEST(Simulator, SameSeedSameReport) {
  Scenario s = small(40, 9);
  s.phases.attacks = false;
  Simulator a(s);
  Simulator b(s);
  const auto ra = a.run();
  const auto rb = b.run();
  EXPECT_EQ(ra.events, rb.events);
  EXPECT_EQ(ra.frames_sent, rb.frames_sent);
  EXPECT_EQ(ra.drops, rb.drops);
  EXPECT_EQ(ra.rollout.transmissions, rb.rollout.transmissions);
  EXPECT_EQ(ra.readings[0].delivered, rb.readings[0].delivered);
  Scenario other = s;
  other.seed = 10;
  Simulator c(other);
  EXPECT_NE(c.run().events, ra.events);
}

TEST(Simulator, TimeSyncAndGradientForm) {
  Simulator sim(small(60));
  sim.manufacture();
  sim.boot();
  // Time requests spread hop by hop, then a beacon round (10 s) refines it.
  sim.run_for(55'000'000);
  const auto hops = sim.topology().hop_distances();
  for (std::uint32_t i = 1; i < sim.node_count(); ++i) {
    auto& n = *sim.node(i).mesh;
    EXPECT_TRUE(n.synced()) << i;
    EXPECT_TRUE(n.fine_synced()) << i;
    // Global time within a millisecond of the gateway's.
    const double err = std::fabs(static_cast<double>(n.global_us()) - static_cast<double>(sim.node(0).mesh->global_us()));
    EXPECT_LT(err, 1000.0) << i;
    EXPECT_GE(n.hops(), hops[i]) << i;  // never shorter than the true distance
    EXPECT_NE(n.parent(), node::no_node) << i;
  }
}

TEST(Simulator, DownlinkFloodReachesEveryNodeAndStops) {
  Scenario s = small(80);
  Simulator sim(s);
  const auto all = boot_and_settle(sim);
  std::size_t total_bodies = 0;
  // Three passes, each re-sending what was not acknowledged (as the commissioning phase does).
  for (int pass = 0; pass < 3; ++pass) {
    std::vector<node::NodeId> pending;
    for (auto id : all)
      if (!sim.back_office().commissioned(id)) pending.push_back(id);
    const auto bodies = sim.back_office().commission_bodies(pending);
    total_bodies += bodies.size();
    for (const auto& b : bodies) {
      while (!sim.node(0).mesh->send_downlink(b)) sim.run_for(20'000);
      sim.run_for(40'000);
    }
    sim.run_for(4'000'000);
  }
  std::uint32_t commissioned = 0;
  for (std::uint32_t i = 1; i < sim.node_count(); ++i) commissioned += sim.node(i).mesh->commissioned() ? 1u : 0u;
  // Lossy radio, three passes: most nodes (the full run keeps retrying until all are done).
  EXPECT_GE(commissioned, (sim.node_count() - 1) * 85 / 100);
  // The flood stops: with no new downlinks, no more downlink frames are sent.
  std::uint64_t before = 0;
  for (std::uint32_t i = 0; i < sim.node_count(); ++i) before += sim.node(i).mesh->sent_of(mesh::MessageType::downlink);
  sim.run_for(5'000'000);
  std::uint64_t after = 0;
  for (std::uint32_t i = 0; i < sim.node_count(); ++i) after += sim.node(i).mesh->sent_of(mesh::MessageType::downlink);
  EXPECT_EQ(before, after);
  // Each node forwarded each downlink at most once (duplicate suppression).
  for (std::uint32_t i = 1; i < sim.node_count(); ++i)
    EXPECT_LE(sim.node(i).mesh->sent_of(mesh::MessageType::downlink), total_bodies);
}

TEST(Simulator, OneDownlinkFloodReachesNearlyEveryNode) {
  // Counter-based relaying: a node off the backbone carries a flood on when it heard too
  // few copies, so a single lost backbone link does not cut the nodes behind it off.
  for (std::uint64_t seed : {5U, 6U, 7U}) {
    Scenario s = small(120, seed);
    Simulator sim(s);
    const auto all = boot_and_settle(sim);
    for (const auto& b : sim.back_office().commission_bodies(all)) {
      while (!sim.node(0).mesh->send_downlink(b)) sim.run_for(20'000);
      sim.run_for(300'000);  // floods apart, so each shows its own reach
    }
    sim.run_for(4'000'000);
    std::uint32_t commissioned = 0;
    for (std::uint32_t i = 1; i < sim.node_count(); ++i) commissioned += sim.node(i).mesh->commissioned() ? 1U : 0U;
    // Backbone-only flooding reached 78–93 % of these meshes in one pass; now 95–99 %.
    EXPECT_GE(commissioned, (sim.node_count() - 1) * 93 / 100) << seed;
  }
}

TEST(Simulator, KeyRefreshReachesEveryNodeOfTheDefaultMesh) {
  // Seed 5 of the default scenario has a thin backbone around the stolen node's place:
  // with backbone-only flooding two nodes never got the new network key, and they then
  // accepted the revoked node's frames.
  Scenario s = default_scenario();
  s.seed = 5;
  s.phases.rollout = false;
  Simulator sim(s);
  const auto r = sim.run();
  for (const auto& [name, a] : r.attacks) EXPECT_EQ(a.succeeded, 0U) << name;
  ASSERT_TRUE(r.revocation_ran);
  for (std::uint32_t i = 1; i < sim.node_count(); ++i) {
    const auto& n = sim.node(i);
    if (!n.alive) continue;
    EXPECT_GE(n.mesh->network().keys().newest_epoch(), 2U) << "node " << i + 1;
  }
}

// Revocation as one broadcast (docs/wire-format.md §7.4): every node but the revoked one
// gets the next key from a few dozen frames, and what the revoked node can send with its
// extracted keys — a list of its own, a key sealed under the subsets above it, claimed for
// another node's subset, or the genuine sealed key moved to another epoch — changes no
// node's key; nor does a key a node that is not revoked seals for its own subset.
TEST(Simulator, OneBroadcastRekeysEveryoneButTheRevoked) {
  Simulator sim(small(150, 4));
  const auto ids = boot_and_settle(sim);
  auto& gateway = *sim.node(0).mesh;
  auto& office = sim.back_office();
  const node::NodeId stolen = ids[ids.size() / 2];
  office.revoke(stolen);
  crypto::SecretArray<16> key;
  sim.keys().network_key(2, key);
  ASSERT_EQ(gateway.gateway_stage_key(2, key.span()), net::KeyChange::installed);
  auto flood = [&](std::span<const std::uint8_t> body) { flood_from_gateway(sim, body); };
  auto drops = [&](node::DropReason reason) {
    std::uint64_t n = 0;
    for (const auto id : ids) n += sim.node(id - 1U).mesh->drops().get(reason);
    return n;
  };
  auto holding_epoch_2 = [&] {
    std::uint32_t n = 0;
    for (const auto id : ids) n += sim.node(id - 1U).mesh->network().keys().holds_epoch(2) ? 1U : 0U;
    return n;
  };
  auto floods = office.cover_rekey(2, key.span());
  ASSERT_EQ(floods.parts.size(), 1U);
  EXPECT_LE(floods.sealed_keys.size(), 8U) << "150 nodes, one revoked: at most log2(150) + 1 subsets";

  // The stolen node's own list, naming a node it wants cut off, signed with nothing valid.
  mesh::CoverAnnouncement forged_list = floods.parts[0];
  forged_list.revoked[forged_list.count++] = ids[0];
  std::array<std::uint8_t, mesh::cover_announcement_max_size> list_body{};
  const auto bad_signatures = drops(node::DropReason::bad_signature);
  flood(std::span<const std::uint8_t>(list_body).first(mesh::encode_cover_announcement(forged_list, list_body)));
  sim.run_for(3'000'000);
  EXPECT_GT(drops(node::DropReason::bad_signature), bad_signatures);

  // The genuine list and commitment, then the stolen node's sealed keys before the
  // genuine ones: under each of its 17 path keys, for its own subsets and for the first
  // node's; and a key of its own from a node that is not revoked, for its own subset.
  sim.sign_as_back_office(floods.parts[0]);
  const std::size_t list_size = mesh::encode_cover_announcement(floods.parts[0], list_body);
  flood(std::span<const std::uint8_t>(list_body).first(list_size));
  sim.sign_as_back_office(floods.commitment);
  std::array<std::uint8_t, mesh::cover_commitment_flood_size> commitment_body{};
  ASSERT_EQ(mesh::encode_cover_commitment(floods.commitment, commitment_body), commitment_body.size());
  flood(commitment_body);
  sim.run_for(3'000'000);
  {
    keys::NodeKeySet insider;
    sim.keys().node_keys(ids[1], 1, false, insider);
    const auto own = keys::covering_subtree(ids[1], std::array<node::NodeId, 1>{stolen});
    crypto::AesAead aead;
    ASSERT_EQ(mesh::init_cover_key(aead, insider.cover_key(keys::cover_level(own))), crypto::Status::ok);
    std::vector<std::uint8_t> body(mesh::cover_key_max_size);
    body.resize(mesh::seal_cover_key(aead, gateway.network().net_id(), 2, own, std::array<std::uint8_t, 16>{0x1D}, body));
    flood(body);
  }
  keys::NodeKeySet extracted;
  sim.keys().node_keys(stolen, 1, false, extracted);
  const std::array<std::uint8_t, 16> attacker_key = {0xA7};
  const auto victims_subset = keys::covering_subtree(ids[0], std::array<node::NodeId, 1>{stolen});
  const auto bad_keys = drops(node::DropReason::bad_cover_key);
  for (unsigned level = 0; level <= keys::cover_depth; ++level) {
    crypto::AesAead aead;
    ASSERT_EQ(mesh::init_cover_key(aead, extracted.cover_key(level)), crypto::Status::ok);
    for (const auto subset : {keys::cover_ancestor(stolen, level), victims_subset}) {
      std::vector<std::uint8_t> body(mesh::cover_key_max_size);
      body.resize(mesh::seal_cover_key(aead, gateway.network().net_id(), 2, subset, attacker_key, body));
      flood(body);
    }
  }
  // Epoch 2's genuine sealed key for the first node's subset, moved to epoch 3.
  const auto genuine = std::find_if(floods.sealed_keys.begin(), floods.sealed_keys.end(), [&](const auto& b) {
    mesh::CoverKeyView v;
    return mesh::parse_cover_key(b, v) && v.subset == victims_subset;
  });
  ASSERT_NE(genuine, floods.sealed_keys.end());
  auto moved = *genuine;
  moved[4] = 3;
  flood(moved);
  sim.run_for(3'000'000);
  EXPECT_EQ(holding_epoch_2(), 0U) << "no node took a key the back office did not seal";
  EXPECT_GT(drops(node::DropReason::bad_cover_key), bad_keys);
  EXPECT_EQ(sim.node(ids[0] - 1U).mesh->network().keys().newest_epoch(), 1U);

  // The genuine sealed keys: every node but the stolen one holds the new key (further
  // passes, as the simulator's revocation makes them, for the few a lossy link kept it
  // from), and acknowledges it within the spread.
  for (int pass = 0; pass < 3; ++pass) {
    if (pass > 0) {
      flood(std::span<const std::uint8_t>(list_body).first(list_size));
      flood(commitment_body);
    }
    for (const auto& body : floods.sealed_keys) flood(body);
    sim.run_for(3'000'000);
  }
  sim.run_for(45'000'000);  // the acknowledgements' wait and spread (mesh_config.hpp)
  EXPECT_EQ(holding_epoch_2(), ids.size() - 1);
  EXPECT_FALSE(sim.node(stolen - 1U).mesh->network().keys().holds_epoch(2));
  std::size_t acked = 0;
  for (const auto id : ids) acked += office.key_acked_epoch(id) >= 2 ? 1U : 0U;
  EXPECT_GE(acked * 10, (ids.size() - 1) * 9);
  // Moving the network onto the key works for every holder: the switch flood is sealed
  // under it, and only a holder can open it.
  ASSERT_EQ(gateway.gateway_switch_key(2), net::KeyChange::installed);
  for (int k = 0; k < 2; ++k) flood(BackOffice::key_phase_body(2, 2));
  sim.run_for(5'000'000);
  std::size_t switched = 0;
  for (const auto id : ids) switched += sim.node(id - 1U).mesh->network().keys().send_epoch() == 2 ? 1U : 0U;
  EXPECT_GE(switched * 10, (ids.size() - 1) * 9);
  EXPECT_NE(sim.node(stolen - 1U).mesh->network().keys().send_epoch(), 2U);
}

// wire-format.md §7.5: the revoked node still holds the network key the broadcast travels
// under, so it can race forged sealed keys ahead of it, for the very subsets of the nodes
// asleep. Every node keeps the first copy it hears to hand on; before the check, the
// forged copy was what the sleepers were handed, again and again. Now a node drops it
// when it opens its own key, takes the genuine copy of the next pass, and hands on only
// copies it checked: the sleepers catch up as if nothing had been sent.
TEST(Simulator, ARevokedNodesForgedSealedKeysAreNeverHandedOn) {
  Simulator sim(small(120, 7));
  const SleepersScene scene = sleepers_before_a_rekey(sim);
  ASSERT_EQ(scene.asleep.size(), 4U);
  const std::array<node::NodeId, 1> revoked{scene.stolen};
  keys::NodeKeySet extracted;
  sim.keys().node_keys(scene.stolen, 1, false, extracted);
  const auto net_id = sim.node(0).mesh->network().net_id();
  std::set<keys::SubtreeIndex> targets;
  for (const auto s : scene.asleep) targets.insert(keys::covering_subtree(static_cast<node::NodeId>(s + 1), revoked));
  std::vector<std::vector<std::uint8_t>> forged;
  for (const auto subset : targets) {
    crypto::AesAead aead;
    ASSERT_EQ(mesh::init_cover_key(aead, extracted.cover_key(0)), crypto::Status::ok);
    std::vector<std::uint8_t> body(mesh::cover_key_max_size);
    body.resize(mesh::seal_cover_key(aead, net_id, 2, subset, std::array<std::uint8_t, 16>{0xA7}, body));
    forged.push_back(body);
    flood_from_gateway(sim, body);  // ahead of the broadcast: every node's first copy
  }
  broadcast_rekey(sim, scene.stolen);
  flood_key_phase(sim, 2);
  flood_key_phase(sim, 3);
  std::size_t holding_forged = 0;
  std::size_t holding_targets = 0;
  for (const auto id : scene.ids) {
    const auto& bundle = sim.node(id - 1U).mesh->rekey_bundle();
    for (const auto subset : targets) {
      const auto kept = bundle.sealed_key(subset);
      holding_targets += kept.empty() ? 0U : 1U;
      for (const auto& f : forged) holding_forged += std::equal(kept.begin(), kept.end(), f.begin(), f.end()) ? 1U : 0U;
    }
  }
  EXPECT_EQ(holding_forged, 0U) << "no node would hand a forged sealed key on";
  EXPECT_GE(holding_targets * 10, targets.size() * scene.ids.size() * 8)
      << "the genuine copies of the next pass took their place, in most nodes";
  for (const auto s : scene.asleep) sim.wake_node(s);
  sim.run_for(10'000'000);
  for (const auto s : scene.asleep) {
    EXPECT_EQ(sim.node(s).mesh->network().keys().send_epoch(), 2U) << "node " << s + 1;
    EXPECT_EQ(sim.node(s).mesh->keys_caught_up(), 1U) << "node " << s + 1;
  }
}

// wire-format.md §7.5: nodes scene.asleep through the whole rekey (broadcast, switch and
// retirement) wake holding only the retired key and take the new one from their
// neighbours, with nothing from the gateway. The revoked node, still running and asking
// all along, is handed nothing.
TEST(Simulator, NodesAsleepThroughTheRekeyTakeItFromTheirNeighbours) {
  Simulator sim(small(120, 7));
  const SleepersScene scene = sleepers_before_a_rekey(sim);
  ASSERT_EQ(scene.asleep.size(), 4U);
  auto answers = [&] {
    std::uint32_t n = 0;
    for (std::uint32_t i = 0; i < sim.node_count(); ++i) n += sim.node(i).mesh->rekey_answers();
    return n;
  };
  broadcast_rekey(sim, scene.stolen);
  flood_key_phase(sim, 2);
  flood_key_phase(sim, 3);
  sim.run_for(7'000'000);
  std::size_t normal_on_2 = 0;
  for (const auto id : scene.ids) {
    const auto& keys = sim.node(id - 1U).mesh->network().keys();
    normal_on_2 += keys.send_epoch() == 2 && keys.phase() == net::KeyPhase::normal ? 1U : 0U;
  }
  EXPECT_GE(normal_on_2 + 8, scene.ids.size() - 1 - scene.asleep.size()) << "the rest of the mesh retired the old key";
  // All this while the revoked node, awake, heard frames under a key it lacks and asked.
  EXPECT_GT(sim.node(scene.stolen - 1U).mesh->network().counters().sync_requests_sent, 0U);
  // A revoked node lies in no subset: nobody hands it anything. What was handed on went
  // to the few awake nodes that missed the broadcast over lossy links.
  std::uint32_t caught_awake = 0;
  for (const auto id : scene.ids) caught_awake += sim.node(id - 1U).mesh->keys_caught_up();
  const std::uint32_t answers_before = answers();
  EXPECT_LE(answers_before, 4 * caught_awake);
  EXPECT_FALSE(sim.node(scene.stolen - 1U).mesh->network().keys().holds_epoch(2));

  for (const auto s : scene.asleep) {
    EXPECT_FALSE(sim.node(s).mesh->network().keys().holds_epoch(2));
    sim.wake_node(s);
  }
  sim.run_for(10'000'000);
  for (const auto s : scene.asleep) {
    const auto& m = *sim.node(s).mesh;
    EXPECT_EQ(m.network().keys().send_epoch(), 2U) << "node " << s + 1;
    EXPECT_EQ(m.network().keys().phase(), net::KeyPhase::normal) << "node " << s + 1;
    EXPECT_FALSE(m.network().keys().holds_epoch(1)) << "node " << s + 1;
    EXPECT_EQ(m.keys_caught_up(), 1U) << "node " << s + 1;
  }
  EXPECT_GE(answers() - answers_before, scene.asleep.size());
  EXPECT_LE(answers() - answers_before, 4 * scene.asleep.size()) << "neighbours stand down when one answers";
  EXPECT_FALSE(sim.node(scene.stolen - 1U).mesh->network().keys().holds_epoch(2));

  // Asked for and come, the requests stop; the revoked node, never answered, backs off to
  // one a minute instead of asking every second and a half.
  auto requests = [&](std::uint32_t s) { return sim.node(s).mesh->network().counters().sync_requests_sent; };
  std::vector<std::uint32_t> before;
  for (const auto s : scene.asleep) before.push_back(requests(s));
  const auto stolen_before = requests(scene.stolen - 1U);
  sim.run_for(180'000'000);
  for (std::size_t i = 0; i < scene.asleep.size(); ++i) EXPECT_LE(requests(scene.asleep[i]) - before[i], 1U);
  EXPECT_LE(requests(scene.stolen - 1U) - stolen_before, 6U);

  // A header under the next key's index needs no key to forge: it buys one request, and
  // the node does not go on asking for a key that never comes.
  const auto target = scene.asleep[0];
  const auto& config = sim.node(target).mesh->network().config();
  wire::NetHeader h;
  h.key_index = wire::key_index_of_epoch(3);
  h.channel = config.channel;
  h.domain = config.domain;
  h.mic_code = wire::mic_code_for(config.mic_length);
  h.src = scene.ids[1];
  h.dst = wire::NetLayout::broadcast;
  h.time = sim.node(target).mesh->network().clock().now();
  h.ttl = 1;
  std::array<std::uint8_t, 64> forged{};
  wire::BoundedWriter w(forged);
  ASSERT_EQ(wire::write_net_header(w, h), wire::WireError::ok);
  for (int i = 0; i < 24; ++i) w.u8(0x5A);
  const std::size_t body = w.size();
  ASSERT_TRUE(wire::append_crc16(forged, body));
  const auto forged_before = requests(target);
  EXPECT_EQ(sim.node(target).mesh->receive(std::span<const std::uint8_t>(forged).first(body + wire::kCrc16Size)).net_reason,
            net::DropReason::unknown_key_index);
  sim.run_for(180'000'000);
  EXPECT_LE(requests(target) - forged_before, 1U);
}

// wire-format.md §7.2: a node scene.asleep through the retirement flood wakes switched, sending
// under the new key, and nobody has a reason to tell it anything; holding the retired key
// still, it would take the revoked node's frames. Its neighbours' messages, under the new
// key and flagged settled, move it on: it retires too, and the revoked node's frames die.
TEST(Simulator, ANodeThatMissedTheRetirementFollowsItsNeighbours) {
  Simulator sim(small(100, 8));
  const auto ids = boot_and_settle(sim);
  const node::NodeId stolen = ids[ids.size() / 4];
  const auto asleep = leaves(sim, ids, stolen, 3);
  ASSERT_EQ(asleep.size(), 3U);
  broadcast_rekey(sim, stolen);
  flood_key_phase(sim, 2);
  for (const auto s : asleep) {
    ASSERT_EQ(sim.node(s).mesh->network().keys().phase(), net::KeyPhase::switched) << "node " << s + 1;
    sim.fail_node(s);
  }
  flood_key_phase(sim, 3);
  sim.run_for(2'000'000);
  for (const auto s : asleep) {
    EXPECT_TRUE(sim.node(s).mesh->network().keys().holds_epoch(1)) << "asleep, it missed the retirement";
    sim.wake_node(s);
  }
  sim.run_for(25'000'000);  // two beacon rounds
  for (const auto s : asleep) {
    const auto& keys = sim.node(s).mesh->network().keys();
    EXPECT_EQ(keys.phase(), net::KeyPhase::normal) << "node " << s + 1;
    EXPECT_FALSE(keys.holds_epoch(1)) << "node " << s + 1 << " would still take the revoked node's frames";
    EXPECT_EQ(keys.send_epoch(), 2U);
  }
}

TEST(Simulator, GatewayAcknowledgesTheLastHop) {
  // The gateway carries nothing on, so the nodes next to it cannot overhear their uplinks
  // being carried: the gateway acknowledges what it took, and they retry until it does.
  std::uint64_t sent = 0, delivered = 0;
  for (std::uint64_t seed : {21U, 22U, 23U, 24U}) {
    Scenario s = small(60, seed);
    s.phases.rollout = false;
    s.phases.attacks = false;
    s.phases.readings_per_node = 4;
    Simulator sim(s);
    const auto r = sim.run();
    EXPECT_GT(sim.node(0).mesh->sent_of(mesh::MessageType::ack), 0U) << seed;
    sent += r.readings[0].sent + r.readings[1].sent;
    delivered += r.readings[0].delivered + r.readings[1].delivered;
  }
  // 1,263 of 1,280 here. (When each node next to the gateway sent twice, blind, the default
  // scenario delivered 90–97 % over seeds 1–6; now 97–99.8 %.)
  EXPECT_GE(delivered * 100, sent * 98);
}

// Two lanes (each half of the mesh with its own events) give one run whether they share a
// core or run on two, and it is a whole run: every phase, no attack succeeds.
TEST(Simulator, TwoLanesGiveTheSameRunOnOneCoreAsOnTwo) {
  Scenario s = small(60, 21);
  s.lanes = 2;
  Simulator on_two(s);
  Simulator on_one(s);
  on_one.use_lane_threads(false);
  const auto a = on_two.run();
  const auto b = on_one.run();
  ASSERT_EQ(on_two.lane_count(), 2U);
  EXPECT_EQ(a.lanes, 2U);
  auto without_wall_time = [](const RunReport& r) {
    auto j = to_json(r);
    j.erase("phase_wall_seconds");
    j["engine"].erase("wall_seconds");
    j["engine"].erase("node_events_per_second");
    return j.dump(1);
  };
  EXPECT_EQ(without_wall_time(a), without_wall_time(b));
  EXPECT_TRUE(a.commission_ran);
  EXPECT_GE(a.commissioned, a.commission_targets * 9 / 10);
  EXPECT_GT(a.readings[0].delivered, a.readings[0].sent * 8 / 10);
  EXPECT_DOUBLE_EQ(a.rollout.coverage, 1.0);
  for (const auto& [name, result] : a.attacks) {
    EXPECT_GT(result.attempts, 0U) << name;
    EXPECT_EQ(result.succeeded, 0U) << name;
  }
  EXPECT_EQ(a.attacks.size(), 8U);
  EXPECT_TRUE(a.legit_defence_drops.empty());
  // Readings go on under attack, and the report says how many got through.
  const auto& attacked = a.readings[attack_window];
  ASSERT_GT(attacked.sent, 0U);
  EXPECT_GE(attacked.delivered * 100, attacked.sent * 80);
  const auto window = to_json(a)["operate"][attack_window];
  EXPECT_EQ(window["window"], "during_attacks");
  EXPECT_EQ(window["readings_delivered"], attacked.delivered);
  // One lane is another run (other random streams), of the same kind.
  Scenario one = s;
  one.lanes = 1;
  Simulator single(one);
  const auto c = single.run();
  EXPECT_EQ(c.lanes, 1U);
  EXPECT_DOUBLE_EQ(c.rollout.coverage, 1.0);
  EXPECT_NE(c.events, a.events);
}

// Each lane holds half of every ring of hops around the gateway: the wave crosses the mesh
// ring by ring and the lanes meet at every window, so a ring shared unevenly keeps one
// lane waiting for the other. (One cut at the median angle of the whole mesh did not do
// this for the default mesh, whose gateway is off the centre.)
TEST(Simulator, LanesShareEveryRingOfHopsEvenly) {
  Scenario s = default_scenario();
  s.lanes = 2;
  Simulator sim(s);
  sim.manufacture();
  ASSERT_EQ(sim.lane_count(), 2U);
  const auto hops = sim.topology().hop_distances();
  std::map<std::uint32_t, std::array<std::uint32_t, 2>> rings;
  for (std::uint32_t i = 0; i < sim.node_count(); ++i) ++rings[hops[i]][sim.lane_of_station(i)];
  ASSERT_GT(rings.size(), 5U);
  for (const auto& [hop, count] : rings) {
    const std::uint32_t apart = count[0] > count[1] ? count[0] - count[1] : count[1] - count[0];
    EXPECT_LE(apart, 1U) << "ring " << hop << ": " << count[0] << " and " << count[1];
  }
}

TEST(Simulator, FullRunAllPhasesNoAttackSucceeds) {
  Simulator sim(small(60, 21));
  const auto r = sim.run();
  EXPECT_TRUE(r.commission_ran);
  EXPECT_GE(r.commissioned, r.commission_targets * 9 / 10);
  EXPECT_GT(r.readings[0].delivered, r.readings[0].sent * 8 / 10);
  // Self-healing: after node failures readings still arrive.
  EXPECT_GT(r.failed_nodes, 0U);
  EXPECT_GT(r.readings[1].delivered, r.readings[1].sent * 7 / 10);
  // Nodes rebooted at the end go on: their readings arrive under counters not used before.
  EXPECT_GT(r.rebooted_nodes, 0U);
  EXPECT_GT(r.readings[reboot_window].sent, 0U);
  EXPECT_GE(r.readings[reboot_window].delivered, r.readings[reboot_window].sent * 8 / 10);
  // The run's totals are taken before the reboots, which start a node's counts again.
  EXPECT_GE(r.unchecked_floods_not_carried, r.unchecked_floods_not_carried_attacks);
  // Rollout: every reachable node verified every chunk and activated.
  EXPECT_DOUBLE_EQ(r.rollout.coverage, 1.0);
  EXPECT_GT(r.rollout.lower_bound, 0U);
  // Every attacker tried and none succeeded.
  for (const char* name : {"eavesdropper", "replayer", "forger", "bit_flipper", "stolen_node_before_revocation",
                           "stolen_node_after_revocation", "rogue_blob_injector", "jammer"}) {
    ASSERT_TRUE(r.attacks.count(name)) << name;
    EXPECT_GT(r.attacks.at(name).attempts, 0U) << name;
    EXPECT_EQ(r.attacks.at(name).succeeded, 0U) << name;
  }
  // Among the stolen node's attempts, wave announcements on a schedule of its own: the
  // network key it holds lets them through the network layer, and the nodes in the plan
  // refuse them for their signature (before it, every node of this mesh followed them).
  ASSERT_TRUE(r.drops.count("bad_flood_signature"));
  EXPECT_GT(r.drops.at("bad_flood_signature"), 0U);
  EXPECT_TRUE(r.revocation_ran);
  EXPECT_EQ(r.revocation_acked, r.revocation_targets);
  // Legitimate traffic is not lost to the defences.
  for (const auto& [reason, count] : r.legit_defence_drops) ADD_FAILURE() << reason << ": " << count;
}

// After the broadcast the back office sends a delivery of their own only to the nodes the
// list asked to acknowledge and that did not: the others were never to answer, and a
// delivery to each of them cost a mesh of 3,000 nodes 1.36 million frames.
TEST(Simulator, PerNodeKeyDeliveriesGoOnlyToAskedNodesThatDidNotAnswer) {
  Scenario s = small(60, 21);
  s.phases.rollout = false;
  s.phases.max_readings_per_s = 1;  // the gateway hears 20 acknowledgements: one node in 3 is asked
  Simulator sim(s);
  const auto r = sim.run();
  ASSERT_TRUE(r.revocation_ran);
  ASSERT_GE(r.revocation_ack_one_in, 2U);
  EXPECT_LE(r.revocation_targets, (r.revocation_audience + r.revocation_ack_one_in - 1) / r.revocation_ack_one_in + 1);
  EXPECT_EQ(r.revocation_per_node, r.revocation_targets - r.revocation_broadcast_acked);
  EXPECT_EQ(r.revocation_acked, r.revocation_targets);
  EXPECT_EQ(r.revocation_holding, r.revocation_audience);
}

TEST(Simulator, SelfHealingAfterParentFails) {
  Scenario s = small(50, 33);
  s.topology.kind = TopologyKind::grid;
  Simulator sim(s);
  sim.manufacture();
  sim.boot();
  sim.run_for(35'000'000);
  // Kill the parent of the farthest node, then check it finds another way.
  std::uint32_t far = 1;
  for (std::uint32_t i = 1; i < sim.node_count(); ++i) {
    const auto h = sim.node(i).mesh->hops();
    if (h != 0xFF && (sim.node(far).mesh->hops() == 0xFF || h > sim.node(far).mesh->hops())) far = i;
  }
  ASSERT_GE(sim.node(far).mesh->hops(), 2);
  const auto parent = sim.node(far).mesh->parent();
  ASSERT_NE(parent, node::no_node);
  sim.fail_node(parent - 1u);
  sim.run_for(35'000'000);
  EXPECT_NE(sim.node(far).mesh->parent(), parent);
  EXPECT_NE(sim.node(far).mesh->parent(), node::no_node);
  const auto before = sim.back_office().readings_from(static_cast<node::NodeId>(far + 1));
  for (unsigned k = 0; k < 3; ++k) {
    ASSERT_TRUE(sim.node(far).mesh->send_reading(BackOffice::reading_plaintext(static_cast<node::NodeId>(far + 1), 100u + k)));
    sim.run_for(2'000'000);
  }
  EXPECT_GE(sim.back_office().readings_from(static_cast<node::NodeId>(far + 1)), before + 2);
}

// docs/simulator.md §Gradient: a frame from a node's parent that counts no fewer hops than
// the node itself (the parent's own way grew, or runs back through the node after a
// failure) makes the node look for its way again at once, not at the next beacon round.
// Around the largest hole at 10,000 nodes (seed 3) counts chased each other through loops
// for minutes: 93.3 % of the readings after the failures arrived before, 99.7 % with it.
TEST(Simulator, ANodeWhoseParentNoLongerLeadsCloserLooksAgainAtOnce) {
  Simulator sim(small(120, 7));
  const auto ids = boot_and_settle(sim);
  std::uint32_t x = 0;
  for (const auto id : ids) {
    const auto& m = *sim.node(id - 1U).mesh;
    if (m.hops() >= 2 && m.hops() != 0xFF && m.parent() != node::no_node && m.parent() != 1) {
      x = id - 1U;
      break;
    }
  }
  ASSERT_NE(x, 0U);
  auto& node = *sim.node(x).mesh;
  const node::NodeId parent = node.parent();
  const std::uint8_t hops = node.hops();
  // A frame sealed as the parent (its own keys), as its radio would send it.
  auto frame_from = [&](node::NodeId sender, std::uint8_t claimed_hops) {
    mesh::MeshHeader h;
    h.type = mesh::MessageType::advert;
    h.origin = sender;
    h.hops = claimed_hops;
    h.parent = 1;
    std::array<std::uint8_t, mesh::max_message_size> message{};
    const std::size_t len = mesh::encode_advert(h, mesh::AdvertBody{}, message);
    return sealed_as(sim, sender, node.network().clock().now() + 1, std::span<const std::uint8_t>(message).first(len));
  };
  // Another neighbour counting as many hops as this node: nothing to look at.
  node::NodeId other = 2;
  while (other == parent || other - 1U == x) ++other;
  (void)node.receive(frame_from(other, hops));
  EXPECT_EQ(node.parent(), parent);
  EXPECT_EQ(node.hops(), hops);
  // The parent now counts as many hops as this node: it looks again before any beacon,
  // and either finds another way as short or counts one more through the parent.
  const auto rx = node.receive(frame_from(parent, hops));
  ASSERT_EQ(rx.net_reason, net::DropReason::none);
  EXPECT_TRUE(node.parent() != parent || node.hops() == hops + 1)
      << "parent " << node.parent() << " hops " << int(node.hops());
  EXPECT_NE(node.parent(), node::no_node);
}

// wire-format.md §6.5: a holder of the network key (a stolen node before its revocation)
// floods beacons of its own. A later round with a time an hour on, taken, would have moved
// every node's clock and left the gateway's own rounds behind as old ones (measured before
// the chain: 3,600 s of clock error, 7 % of the readings under attack and none of the
// rekey delivered). The chain refuses the round; a genuine copy repeated under a time of
// its own moves no clock that beacons have set, and claiming one hop in its header draws no
// node nearer than the copy showed.
TEST(Simulator, AStolenNodesBeaconsMoveNeitherRoundNorClock) {
  Simulator sim(small(120, 7));
  const auto ids = boot_and_settle(sim);
  const auto& gateway = *sim.node(0).mesh;
  const node::NodeId stolen = ids[ids.size() / 3];
  // The device is gone from the mesh (its keys extracted); its own frames age out of the
  // window, so the attacker's frames are no replays of them.
  sim.fail_node(stolen - 1U);
  sim.run_for(20'000'000);
  std::uint32_t x = 0;  // a node some hops out, not the stolen one
  for (const auto id : ids)
    if (id != stolen && sim.node(id - 1U).mesh->hops() >= 2 && sim.node(id - 1U).mesh->fine_synced()) {
      x = id - 1U;
      break;
    }
  ASSERT_NE(x, 0U);
  auto& node = *sim.node(x).mesh;
  std::uint32_t sent = 0;
  auto beacon = [&](std::uint32_t round, std::uint64_t global_us, std::uint8_t chain_hops, const mesh::ChainValue& v) {
    mesh::MeshHeader h;
    h.type = mesh::MessageType::beacon;
    h.origin = 0;
    h.seq = static_cast<std::uint16_t>(round);
    h.hops = 1;
    h.parent = 1;
    mesh::BeaconBody b;
    b.round = round;
    b.global_us = global_us;
    b.degree = 30;
    b.chain_hops = chain_hops;
    b.chain = v;
    std::array<std::uint8_t, mesh::max_message_size> message{};
    const std::size_t len = mesh::encode_beacon(h, b, message);
    // Each frame the next of its slot: the same sender, sequence and slot twice is a replay.
    return sealed_as(sim, stolen, node.network().clock().now(), std::span<const std::uint8_t>(message).first(len), sent++);
  };
  auto clock_error_us = [&] {
    return std::llabs(static_cast<long long>(node.global_us()) - static_cast<long long>(gateway.global_us()));
  };
  const std::uint32_t round = node.round();
  ASSERT_EQ(round, gateway.round());
  const auto bad_before = node.drops().get(node::DropReason::bad_beacon);
  // The next round and a hundred rounds on, an hour ahead, with values of its own; and the
  // current round's trusted value passed off as the next round's.
  mesh::ChainValue made_up{};
  made_up.fill(0x6D);
  for (const auto& [r, v] : {std::pair{round + 1, made_up}, std::pair{round + 100, made_up},
                             std::pair{round + 1, node.beacon_chain().trusted()}}) {
    const auto rx = node.receive(beacon(r, gateway.global_us() + 3'600'000'000ULL, 0, v));
    ASSERT_EQ(rx.net_reason, net::DropReason::none) << "it holds the network key: the frame itself passes";
    EXPECT_FALSE(rx.beacon_taken);
    EXPECT_EQ(rx.mesh_reason, node::DropReason::bad_beacon);
  }
  EXPECT_EQ(node.drops().get(node::DropReason::bad_beacon), bad_before + 3);
  EXPECT_EQ(node.round(), round);
  EXPECT_LT(clock_error_us(), 5'000);

  // The next round, genuine, heard by the stolen node from a neighbour and repeated to a node
  // that has not heard it yet (asleep through it), 400 ms ahead: the round is taken, the
  // time is not.
  sim.fail_node(x);
  while (gateway.round() == round) sim.run_for(100'000);
  sim.run_for(3'000'000);
  const mesh::BeaconChainVerifier* heard = nullptr;
  for (const auto id : ids) {
    const auto& m = *sim.node(id - 1U).mesh;
    if (id - 1U != x && m.round() == round + 1 && m.hops() >= 1) {
      heard = &m.beacon_chain();
      break;
    }
  }
  ASSERT_NE(heard, nullptr);
  const auto hops = static_cast<std::uint8_t>(mesh::chain_position(round + 1, 0) - heard->trusted_position());
  const auto shifted = node.receive(beacon(round + 1, gateway.global_us() + 400'000, hops, heard->trusted()));
  EXPECT_TRUE(shifted.beacon_taken) << "the round is genuine";
  EXPECT_FALSE(shifted.beacon_time_taken) << "a clock beacons set moves by at most the tolerance";
  EXPECT_EQ(node.beacon_times_refused(), 1U);
  EXPECT_LT(clock_error_us(), 5'000);
  // The same copy with the true time sets the clock.
  sim.wake_node(x);
  const auto honest = node.receive(beacon(round + 1, gateway.global_us(), hops, heard->trusted()));
  EXPECT_FALSE(honest.beacon_taken) << "the round is taken already";
  EXPECT_TRUE(honest.beacon_time_taken);
  EXPECT_LT(clock_error_us(), 5'000);
  // Every copy it sent claimed one hop in its header: it counts as many as the copy showed.
  const auto* entry = node.neighbours().find(stolen);
  ASSERT_NE(entry, nullptr);
  EXPECT_EQ(entry->hops, 1);
  EXPECT_EQ(entry->counted_hops(), hops);
  if (node.parent() == stolen) {
    EXPECT_GE(node.hops(), hops + 1);
  }
}

TEST(Simulator, AStolenNodeCannotTakeTheNumbersOthersUseNext) {
  // Sequence numbers are public, and a stolen node holds the network key: it sends a
  // message of its own under each number the gateway floods with next, and under the
  // numbers a node's next uplinks take. Keyed on the number alone, every node would drop
  // the genuine messages as copies of the forged ones (and the gateway would acknowledge
  // the genuine reading it dropped).
  Simulator sim(small(80, 5));
  const auto ids = boot_and_settle(sim);
  auto& gateway = *sim.node(0).mesh;
  const node::NodeId stolen = steal_a_node(sim, ids);
  std::uint32_t x = 0;  // a node some hops out, not commissioned yet
  for (const auto id : ids)
    if (id != stolen && sim.node(id - 1U).mesh->hops() >= 2 && !sim.node(id - 1U).mesh->commissioned()) {
      x = id - 1U;
      break;
    }
  ASSERT_NE(x, 0U);
  auto& node = *sim.node(x).mesh;
  const auto x_id = static_cast<node::NodeId>(x + 1);
  std::uint32_t sent = 0;
  auto forged = [&](mesh::MessageType type, node::NodeId origin, std::uint16_t seq, mesh::MeshNode& to) {
    mesh::MeshHeader h;
    h.type = type;
    h.origin = origin;
    h.seq = seq;
    h.ttl = 20;
    h.hops = 1;
    h.parent = 1;
    h.flags = type == mesh::MessageType::uplink ? mesh::flag_retry : 0;
    mesh::AppBody app;
    app.destination = type == mesh::MessageType::uplink ? 0 : node::broadcast_id;
    app.payload[0] = type == mesh::MessageType::uplink ? static_cast<std::uint8_t>(node::RecordKind::reading)
                                                        : static_cast<std::uint8_t>(mesh::DownlinkKind::records);
    for (std::size_t i = 1; i < 40; ++i) app.payload[i] = static_cast<std::uint8_t>(0xA5 ^ i);
    app.length = 40;
    std::array<std::uint8_t, mesh::max_message_size> message{};
    const std::size_t len = mesh::encode_app(h, app, message);
    const auto rx = to.receive(sealed_as(sim, stolen, to.network().clock().now(),
                                         std::span<const std::uint8_t>(message).first(len), sent++));
    EXPECT_EQ(rx.net_reason, net::DropReason::none) << "it holds the network key: the frame itself passes";
  };
  // The gateway's next three flood numbers, taken at x first.
  for (std::uint16_t k = 1; k <= 3; ++k)
    forged(mesh::MessageType::downlink, 1, static_cast<std::uint16_t>(gateway.last_seq() + k), node);
  for (const auto& b : sim.back_office().commission_bodies({x_id})) flood_from_gateway(sim, b);
  sim.run_for(2'000'000);
  EXPECT_TRUE(node.commissioned()) << "the genuine record, under a number the stolen node used first";
  EXPECT_GE(node.flood_numbers_reused(), 1U);

  // x's next three uplink numbers, taken at the gateway first.
  const auto readings_before = sim.back_office().readings_from(x_id);
  for (std::uint16_t k = 1; k <= 3; ++k)
    forged(mesh::MessageType::uplink, x_id, static_cast<std::uint16_t>(node.last_seq() + k), gateway);
  ASSERT_TRUE(node.send_reading(BackOffice::reading_plaintext(x_id, 9'001)));
  sim.run_for(3'000'000);
  EXPECT_EQ(sim.back_office().readings_from(x_id), readings_before + 1) << "the genuine reading arrives";
  EXPECT_GE(gateway.flood_numbers_reused(), 1U);
}

// A records flood in the gateway's name (origin 1) numbered `seq`, as a mesh message: what
// a holder of the network key can send, and no relay can check.
std::vector<std::uint8_t> records_flood(std::uint16_t seq) {
  mesh::MeshHeader h;
  h.type = mesh::MessageType::downlink;
  h.origin = 1;
  h.seq = seq;
  h.ttl = 20;
  h.hops = 1;
  h.parent = 1;
  mesh::AppBody app;
  app.destination = node::broadcast_id;
  app.payload[0] = static_cast<std::uint8_t>(mesh::DownlinkKind::records);
  for (std::size_t i = 1; i < 40; ++i) app.payload[i] = static_cast<std::uint8_t>(0xA5 ^ i);
  app.length = 40;
  std::vector<std::uint8_t> message(mesh::max_message_size);
  message.resize(mesh::encode_app(h, app, message));
  return message;
}

// A genuine copy of the current round's beacon (the copy `holder` would pass on) carrying a
// tag of an attacker's own for the next round, as a mesh message.
std::vector<std::uint8_t> beacon_with_forged_tag(Simulator& sim, std::uint32_t holder) {
  const auto& m = *sim.node(holder).mesh;
  mesh::BeaconBody beacon;
  beacon.round = m.round();
  beacon.global_us = m.global_us();
  beacon.degree = 10;
  EXPECT_TRUE(m.beacon_chain().pass_on(beacon.round, beacon.chain_hops, beacon.chain));
  beacon.opens_next = true;
  beacon.next_window.fill(0x5A);
  mesh::MeshHeader bh;
  bh.type = mesh::MessageType::beacon;
  bh.seq = static_cast<std::uint16_t>(beacon.round);
  bh.hops = 1;
  bh.parent = 1;
  std::vector<std::uint8_t> message(mesh::max_message_size);
  message.resize(mesh::encode_beacon(bh, beacon, message));
  return message;
}

TEST(Simulator, AStolenNodesRecordsFloodGoesNoFurtherThanItsNeighbours) {
  // A records flood can be checked only by the node it names. A stolen node floods one in
  // the gateway's name: its neighbours take it, and before flood windows every node carried
  // it on. Now it is carried on only in a round the gateway opened for such floods, and a
  // tag of the stolen node's own opens none; the gateway's own records flood still crosses
  // the mesh once it has opened a round.
  Simulator sim(small(80, 5));
  const auto ids = boot_and_settle(sim);
  auto& gateway = *sim.node(0).mesh;
  const node::NodeId stolen = steal_a_node(sim, ids);
  auto downlink_frames = [&] {
    std::uint64_t n = 0;
    for (std::uint32_t i = 0; i < sim.node_count(); ++i) n += sim.node(i).mesh->sent_of(mesh::MessageType::downlink);
    return n;
  };
  std::vector<std::uint32_t> neighbours;
  for (const auto& l : sim.topology().links(stolen - 1U))
    if (l.peer < sim.node_count() && sim.node(l.peer).alive) neighbours.push_back(l.peer);
  ASSERT_GE(neighbours.size(), 2U);
  std::uint32_t sent = 0;
  auto send_to_neighbours = [&](std::span<const std::uint8_t> message) {
    for (const auto peer : neighbours) {
      auto& m = *sim.node(peer).mesh;
      const auto rx = m.receive(sealed_as(sim, stolen, m.network().clock().now(), message, sent++ % 200));
      EXPECT_EQ(rx.net_reason, net::DropReason::none) << "it holds the network key: the frame itself passes";
    }
  };

  // Its tag for the next round, in a genuine copy of this round's beacon, early enough in
  // the round to be kept.
  for (const auto r0 = gateway.round(); gateway.round() == r0;) sim.run_for(100'000);
  sim.run_for(1'500'000);  // the round's beacon has crossed the mesh
  const std::uint32_t round = gateway.round();
  send_to_neighbours(beacon_with_forged_tag(sim, neighbours[0]));
  while (gateway.round() == round) sim.run_for(100'000);
  sim.run_for(1'500'000);  // the next round's beacon, which shows the key of the tag
  ASSERT_GT(sim.node(neighbours[0]).mesh->round(), round);
  for (const auto peer : neighbours)
    EXPECT_LE(sim.node(peer).mesh->window_round(), gateway.window_round()) << "a forged tag opened a round";

  // Its records flood, under the gateway's next number.
  const auto frames_before = downlink_frames();
  std::uint64_t not_carried_before = 0;
  for (const auto peer : neighbours) not_carried_before += sim.node(peer).mesh->floods_not_carried();
  send_to_neighbours(records_flood(static_cast<std::uint16_t>(gateway.last_seq() + 1)));
  sim.run_for(3'000'000);
  EXPECT_EQ(downlink_frames(), frames_before) << "no node carried the forged flood on";
  std::uint64_t not_carried = 0;
  for (const auto peer : neighbours) not_carried += sim.node(peer).mesh->floods_not_carried();
  EXPECT_EQ(not_carried - not_carried_before, neighbours.size());

  // The gateway's own records: sent once it has opened a round, and carried mesh-wide.
  std::vector<node::NodeId> targets;
  for (const auto id : ids)
    if (id != stolen && sim.node(id - 1U).alive && !sim.node(id - 1U).mesh->commissioned()) targets.push_back(id);
  ASSERT_GE(targets.size(), 40U);
  const auto opened_before = gateway.windows_opened();
  for (const auto& b : sim.back_office().commission_bodies(targets)) {
    while (!gateway.send_downlink(b)) sim.run_for(20'000);  // waits for the window it opens
    sim.run_for(300'000);  // floods apart, as in OneDownlinkFloodReachesNearlyEveryNode
  }
  sim.run_for(4'000'000);
  EXPECT_GT(gateway.windows_opened(), opened_before);
  std::uint32_t commissioned = 0;
  for (const auto id : targets) commissioned += sim.node(id - 1U).mesh->commissioned() ? 1U : 0U;
  EXPECT_GE(commissioned, targets.size() * 93 / 100);
}

TEST(Simulator, AFloodThatOutrunsItsRoundsBeaconWaitsForIt) {
  // The gateway's flood does not wait at every hop as its beacon does, and far out it
  // arrives first: such a node used to leave it uncarried (13,841 copies at 3,000 nodes).
  // A node holding a tag for the round its clock says has begun now holds the flood until
  // the round's beacon comes: carried on if the tag opens the round, dropped if the tag was
  // an attacker's.
  Simulator sim(small(80, 5));
  const auto ids = boot_and_settle(sim);
  auto& gateway = *sim.node(0).mesh;
  const node::NodeId stolen = steal_a_node(sim, ids);
  std::uint32_t far = 1;
  for (std::uint32_t i = 1; i < sim.node_count(); ++i)
    if (sim.node(i).alive && sim.node(i).mesh->hops() > sim.node(far).mesh->hops()) far = i;
  auto& node = *sim.node(far).mesh;
  ASSERT_GE(node.hops(), 3);
  std::uint32_t sent = 0;
  auto hand = [&](std::span<const std::uint8_t> message) {
    const auto rx = node.receive(sealed_as(sim, stolen, node.network().clock().now(), message, sent++ % 200));
    EXPECT_EQ(rx.net_reason, net::DropReason::none);
  };
  auto next_round = [&] {
    for (const auto r0 = gateway.round(); gateway.round() == r0;) sim.run_for(1'000);
    return gateway.round();
  };
  // Hands `far` a records flood as the gateway's next round begins, before that round's
  // beacon reaches it, and waits for the beacon.
  auto flood_as_the_round_begins = [&](std::uint16_t seq) {
    const std::uint32_t round = next_round();
    ASSERT_LT(node.round(), round) << "the round's beacon is still on its way";
    const auto downlinks = node.sent_of(mesh::MessageType::downlink);
    const auto not_carried = node.floods_not_carried();
    hand(records_flood(seq));
    EXPECT_EQ(node.floods_not_carried(), not_carried) << "held, not refused";
    EXPECT_EQ(node.sent_of(mesh::MessageType::downlink), downlinks);
    sim.run_for(3'000'000);
    ASSERT_EQ(node.round(), round);
  };

  // A round the gateway opened: held, then carried on.
  gateway.expect_unchecked_floods(3);
  const std::uint32_t opened = next_round() + 1;  // this round's beacon opens the next
  const auto held_before = node.floods_held_released();
  const auto downlinks_before = node.sent_of(mesh::MessageType::downlink);
  flood_as_the_round_begins(static_cast<std::uint16_t>(gateway.last_seq() + 100));
  EXPECT_EQ(node.window_round(), opened);
  EXPECT_EQ(node.floods_held_released(), held_before + 1);
  EXPECT_GT(node.sent_of(mesh::MessageType::downlink), downlinks_before) << "carried on once the round opened";

  // A round only the attacker's tag claims: held, then dropped.
  gateway.close_flood_windows();
  for (int i = 0; i < 3; ++i) next_round();
  sim.run_for(1'500'000);  // this round's beacon has reached `far`
  ASSERT_EQ(node.round(), gateway.round());
  hand(beacon_with_forged_tag(sim, far));
  const auto not_carried_before = node.floods_not_carried();
  const auto downlinks_then = node.sent_of(mesh::MessageType::downlink);
  flood_as_the_round_begins(static_cast<std::uint16_t>(gateway.last_seq() + 101));
  EXPECT_LT(node.window_round(), node.round()) << "a forged tag opened a round";
  EXPECT_EQ(node.floods_not_carried(), not_carried_before + 1);
  EXPECT_EQ(node.floods_held_released(), held_before + 1);
  EXPECT_EQ(node.sent_of(mesh::MessageType::downlink), downlinks_then) << "the forgery went no further";
}

TEST(Simulator, AStolenNodesAcknowledgementsCancelNoNeighboursRetries) {
  // An acknowledgement says "carried on": the node drops its copy. Taken from any closer
  // node, a stolen node that acknowledged every uplink it heard cancelled its neighbours'
  // repeats to their own parents, and with them the readings those parents missed. For a
  // node's own uplink it now counts only from the gateway, the parent the node last named,
  // or, once the uplink went out as a retry open to every closer node, from any of those
  // (which heard it too). The gateway is the neighbour whose beacon copies showed the
  // chain's value of hop 0: a header claiming 0 hops is not enough.
  for (const std::uint8_t claimed_hops : {std::uint8_t{1}, std::uint8_t{0}}) {
  SCOPED_TRACE(int{claimed_hops});
  Simulator sim(small(80, 5));
  const auto ids = boot_and_settle(sim);
  const node::NodeId stolen = steal_a_node(sim, ids);
  // A neighbour of the stolen node that counts it closer to the gateway and sends through
  // another parent, with a third neighbour closer still for its retry.
  std::uint32_t x = 0;
  for (const auto& l : sim.topology().links(stolen - 1U)) {
    if (l.peer >= sim.node_count() || !sim.node(l.peer).alive) continue;
    const auto& m = *sim.node(l.peer).mesh;
    const auto* thief = m.neighbours().find(stolen);
    if (thief == nullptr || thief->counted_hops() >= m.hops() || m.parent() == stolen || m.hops() < 2) continue;
    std::uint32_t others = 0;
    for (const auto& k : sim.topology().links(l.peer))
      if (k.peer < sim.node_count() && sim.node(k.peer).alive && k.peer + 1U != stolen && k.peer + 1U != m.parent() &&
          sim.node(k.peer).mesh->hops() < m.hops())
        ++others;
    if (others > 0) {
      x = l.peer;
      break;
    }
  }
  ASSERT_NE(x, 0U) << "no neighbour of the stolen node fits";
  auto& node = *sim.node(x).mesh;
  const auto x_id = static_cast<node::NodeId>(x + 1);
  // Its parent fails just now: the reading goes out naming it, and nobody carries it on.
  sim.fail_node(node.parent() - 1U);
  const auto readings_before = sim.back_office().readings_from(x_id);
  ASSERT_TRUE(node.send_reading(BackOffice::reading_plaintext(x_id, 9'002)));
  mesh::MeshHeader h;
  h.type = mesh::MessageType::ack;
  h.hops = claimed_hops;
  h.parent = 1;
  mesh::AckBody ack;
  ack.count = 1;
  ack.entries[0] = mesh::AckEntry{x_id, node.last_seq()};
  std::array<std::uint8_t, mesh::max_message_size> message{};
  const auto forged = std::span<const std::uint8_t>(message).first(mesh::encode_ack(h, ack, message));
  for (std::uint32_t k = 0; k < 40; ++k) {
    const auto rx = node.receive(sealed_as(sim, stolen, node.network().clock().now(), forged, k));
    EXPECT_EQ(rx.net_reason, net::DropReason::none) << "it holds the network key: the frame itself passes";
    sim.run_for(10'000);
  }
  sim.run_for(3'000'000);
  EXPECT_EQ(sim.back_office().readings_from(x_id), readings_before + 1) << "the reading arrives by another way";
  }
}

TEST(Simulator, NodesThatAnswerNoFloodAreFloodedForEightTimesAndLeft) {
  // A leaf whose every neighbour failed lives on but hears nothing: the back office floods
  // for it four rounds running, then after 10, 20, 40 and 40 s, and then leaves it; before,
  // it was flooded for every round (about 5 s) until the phase's time ran out.
  Scenario s = small(60, 5);
  s.phases.commission_timeout_s = 400;
  Simulator sim(s);
  const auto ids = boot_and_settle(sim);
  std::uint32_t cut = 0;
  for (const auto id : ids) {
    const auto& links = sim.topology().links(id - 1U);
    const bool next_to_gateway =
        std::any_of(links.begin(), links.end(), [](const auto& l) { return l.peer == 0; });
    if (!next_to_gateway && links.size() <= 3) {
      cut = id - 1U;
      break;
    }
  }
  ASSERT_NE(cut, 0U);
  for (const auto& l : sim.topology().links(cut))
    if (l.peer < sim.node_count()) sim.fail_node(l.peer);
  const auto floods_before = sim.node(0).mesh->sent_of(mesh::MessageType::downlink);
  sim.phase_commission();
  EXPECT_FALSE(sim.back_office().commissioned(static_cast<node::NodeId>(cut + 1)));
  const auto floods = sim.node(0).mesh->sent_of(mesh::MessageType::downlink) - floods_before;
  EXPECT_LE(floods, 20U) << "a body per round for the silent nodes would be 60 or more";
  EXPECT_LT(sim.report().commission_seconds, 250.0) << "the phase ends once only silent nodes are left";
}

TEST(LowerBound, KnownTopologies) {
  SimRng rng(1);
  // 3 × 3 grid with range 1.5, gateway in the middle: it alone dominates everything.
  TopologySpec grid;
  grid.kind = TopologyKind::grid;
  grid.nodes = 9;
  grid.grid_range = 1.5;
  const Topology g = Topology::generate(grid, rng);
  EXPECT_EQ(greedy_connected_dominating_set(g, {}).size(), 1U);
  const auto gb = dissemination_bound(g, {}, 10, 4000);
  EXPECT_EQ(gb.eccentricity, 1U);
  EXPECT_EQ(gb.transmissions, 10U);
  EXPECT_DOUBLE_EQ(gb.seconds, 10 * 0.004);
  // A line of 6 with the gateway at one end: every node but the last must send.
  TopologySpec line;
  line.kind = TopologyKind::line;
  line.nodes = 6;
  line.grid_range = 1.2;
  const Topology l = Topology::generate(line, rng);
  EXPECT_EQ(greedy_connected_dominating_set(l, {}).size(), 5U);
  const auto lb = dissemination_bound(l, {}, 100, 1000);
  EXPECT_EQ(lb.eccentricity, 5U);
  EXPECT_EQ(lb.transmissions, 500U);
  EXPECT_DOUBLE_EQ(lb.seconds, (100 + 5 - 1) * 0.001);
  // Range 2.2: every other node suffices.
  line.grid_range = 2.2;
  const Topology l2 = Topology::generate(line, rng);
  EXPECT_EQ(greedy_connected_dominating_set(l2, {}).size(), 3U);  // 0, 2, 4
  // A failed node splits the line: only the part still connected counts.
  std::vector<bool> alive(6, true);
  alive[3] = false;
  const auto cut = dissemination_bound(l, alive, 1, 1000);
  EXPECT_EQ(cut.eccentricity, 2U);
}

TEST(Scenario, TomlOverridesAndValidation) {
  const auto s = parse_scenario("[topology]\nkind = \"grid\"\nnodes = 25\n[firmware]\nblob_kib = 8\n", "inline");
  EXPECT_EQ(s.topology.kind, TopologyKind::grid);
  EXPECT_EQ(s.topology.nodes, 25U);
  EXPECT_EQ(s.firmware.blob_kib, 8U);
  EXPECT_EQ(s.phases.boot_s, default_scenario().phases.boot_s);
  EXPECT_THROW((void)parse_scenario("[topology]\nkind = \"torus\"\n", "inline"), std::runtime_error);
  EXPECT_THROW((void)parse_scenario("[topology]\nnodes = 1\n", "inline"), std::runtime_error);
  EXPECT_THROW((void)parse_scenario("[topology\n", "inline"), std::runtime_error);
  const auto w = parse_scenario("[mesh]\nwave_parity = 5\nwave_good_link_loss = 0.1\n", "inline");
  EXPECT_EQ(w.mesh.wave_parity, 5U);
  EXPECT_DOUBLE_EQ(w.mesh.wave_good_link_loss, 0.1);
  EXPECT_EQ(parse_scenario("[mesh]\nwave_parity = 0\n", "inline").mesh.wave_parity, 0U);  // from the plan
  EXPECT_THROW((void)parse_scenario("[mesh]\nwave_parity = 17\n", "inline"), std::runtime_error);
  // The wave keeps relays on the air half the time: not under a duty-cycle limit.
  EXPECT_THROW((void)parse_scenario("[radio]\nduty_cycle = 0.1\n", "inline"), std::runtime_error);
  EXPECT_NO_THROW((void)parse_scenario("[radio]\nduty_cycle = 0.1\n[mesh]\nwave = false\n", "inline"));
  for (const char* file : {"default.toml", "grid_rollout.toml", "line_self_healing.toml", "clusters_attacks.toml",
                           "large_10k.toml", "lossless.toml"})
    EXPECT_NO_THROW((void)load_scenario(std::string(MESHSEC_SOURCE_DIR) + "/scenarios/" + file)) << file;
}

// 150 nodes whose join records all go out within 30 s.
Scenario joining_scenario() {
  Scenario s = small(150, 5);
  s.mesh.join_spread_s = 30;
  return s;
}

// boot_and_settle(), then the join spread and 10 s more: the gateway has its routes.
std::vector<node::NodeId> boot_settle_and_join(Simulator& sim) {
  const auto all = boot_and_settle(sim);
  sim.run_for(static_cast<std::uint64_t>((joining_scenario().mesh.join_spread_s + 10) * 1e6));
  return all;
}


// A mesh whose network ran `days` before its gateway boots: every node trusts the beacon
// chain at the anchor it was made with.
Scenario aged(std::uint32_t nodes, double days, bool checkpoints) {
  Scenario s = small(nodes, 3);
  s.mesh.network_age_days = days;
  s.mesh.chain_checkpoints = checkpoints;
  return s;
}

struct ChainStanding {
  std::uint32_t live = 0, synced = 0, reanchored = 0;
};
ChainStanding chain_standing(Simulator& sim) {
  ChainStanding c;
  for (std::uint32_t i = 1; i < sim.node_count(); ++i) {
    if (!sim.node(i).alive) continue;
    ++c.live;
    c.synced += sim.node(i).mesh->fine_synced() ? 1U : 0U;
    c.reanchored += sim.node(i).mesh->chain_reanchored() > 0 ? 1U : 0U;
  }
  return c;
}

TEST(Simulator, NodesOfANetworkOlderThanTheirChainCheckJoinThroughTheSignedCheckpoint) {
  // A node checks a beacon by hashing it down to the value it trusts, 65,536 rounds (7.6
  // days) at most, and a node made for a network trusts its anchor. Twelve days on, no
  // node took a beacon: no time, no parent, no reading. With the back office's signed
  // checkpoint, every node does.
  for (const bool checkpoints : {false, true}) {
    SCOPED_TRACE(checkpoints ? "with checkpoints" : "without");
    Simulator sim(aged(60, 12, checkpoints));
    const auto ids = boot_and_settle(sim);
    auto& gateway = *sim.node(0).mesh;
    EXPECT_GT(gateway.round(), sim.network_age_rounds());
    const ChainStanding c = chain_standing(sim);
    if (!checkpoints) {
      EXPECT_EQ(c.synced, 0U);
      EXPECT_EQ(c.reanchored, 0U);
      continue;
    }
    EXPECT_EQ(sim.report().chain_checkpoints_sent, 1U);
    EXPECT_GE(gateway.chain_catch_up().held().round, sim.network_age_rounds()) << "the round its time fell in, or later";
    EXPECT_EQ(c.reanchored, c.live);
    EXPECT_GE(c.synced, c.live * 98 / 100);
    // And carries traffic: a reading from the farthest node arrives.
    std::uint32_t far = 1;
    for (std::uint32_t i = 1; i < sim.node_count(); ++i)
      if (sim.node(i).mesh->hops() != 0xFF && sim.node(i).mesh->hops() > sim.node(far).mesh->hops()) far = i;
    const auto far_id = static_cast<node::NodeId>(far + 1);
    const auto before = sim.back_office().readings_from(far_id);
    ASSERT_TRUE(sim.node(far).mesh->send_reading(BackOffice::reading_plaintext(far_id, 4'242)));
    sim.run_for(5'000'000);
    EXPECT_EQ(sim.back_office().readings_from(far_id), before + 1) << "from " << int(sim.node(far).mesh->hops()) << " hops";
    // It kept the checkpoint's value in its flash: rebooted, it checks the next beacons
    // from there, asks for no checkpoint and settles its time.
    EXPECT_EQ(sim.node(far).nv.records().chain_position, gateway.chain_catch_up().held().position());
    sim.reboot_node(far);
    std::uint32_t waited_s = 0;
    for (; waited_s < 120 && !sim.node(far).mesh->time_settled(); ++waited_s) sim.run_for(1'000'000);
    std::printf("rebooted node settled after %u s\n", waited_s);
    EXPECT_LE(waited_s, 30U);
    EXPECT_EQ(sim.node(far).mesh->chain_reanchored(), 0U);
    EXPECT_EQ(sim.node(far).mesh->chain_catch_up().requests(), 0U);
  }
}

TEST(Simulator, AStolenNodesCheckpointsMoveNoChainCheck) {
  // Twelve days on and no checkpoint sent: every node is asking for one. A stolen node
  // (the network key, not the back office's signing key) answers with checkpoints of its
  // own: the round's genuine value signed with a key of its own, a far round it made up,
  // and a genuine checkpoint of another network. None moves a chain check on; the back
  // office's own, handed the same way, does.
  Simulator sim(aged(60, 12, false));
  const auto ids = boot_and_settle(sim);
  auto& gateway = *sim.node(0).mesh;
  const node::NodeId stolen = ids[ids.size() / 3];
  sim.fail_node(stolen - 1U);
  std::vector<std::uint32_t> neighbours;
  for (const auto& l : sim.topology().links(stolen - 1U))
    if (l.peer != 0 && l.peer < sim.node_count() && sim.node(l.peer).alive) neighbours.push_back(l.peer);
  ASSERT_GE(neighbours.size(), 2U);
  std::uint32_t sent = 0;
  auto hand = [&](const mesh::ChainCheckpoint& c) {
    std::array<std::uint8_t, mesh::chain_checkpoint_size> body{};
    ASSERT_EQ(mesh::encode_chain_checkpoint(c, body), body.size());
    mesh::MeshHeader h;
    h.type = mesh::MessageType::checkpoint;
    h.origin = stolen;
    h.seq = static_cast<std::uint16_t>(900 + sent);
    std::vector<std::uint8_t> message(mesh::max_message_size);
    message.resize(mesh::encode_raw(h, body, message));
    for (const auto peer : neighbours) {
      auto& m = *sim.node(peer).mesh;
      ASSERT_TRUE(m.synced()) << "coarse time from its neighbours' answers";
      const auto rx = m.receive(sealed_as(sim, stolen, m.network().clock().now(), message, sent++ % 200));
      EXPECT_EQ(rx.net_reason, net::DropReason::none) << "it holds the network key: the frame itself passes";
    }
  };
  auto dropped = [&](node::DropReason reason) {
    std::uint64_t n = 0;
    for (const auto peer : neighbours) n += sim.node(peer).mesh->drops().get(reason);
    return n;
  };

  mesh::ChainCheckpoint genuine;
  genuine.network_id = sim_network_id;
  genuine.round = gateway.round();
  ASSERT_TRUE(gateway.gateway_chain_value(genuine.round, genuine.value));
  firmware::SoftwareBlobSigner thief;
  std::array<std::uint8_t, 32> thief_seed{};
  thief_seed.fill(0x7F);
  ASSERT_EQ(thief.init(thief_seed), crypto::Status::ok);
  auto signed_by_thief = [&](mesh::ChainCheckpoint c) {
    std::array<std::uint8_t, mesh::chain_checkpoint_signed_size> m{};
    EXPECT_EQ(mesh::chain_checkpoint_signed_message(c, m), m.size());
    EXPECT_EQ(thief.sign(m, c.signature), crypto::Status::ok);
    return c;
  };
  const auto bad_before = dropped(node::DropReason::bad_signature);
  const auto quiet_before = dropped(node::DropReason::signature_quiet);
  hand(signed_by_thief(genuine));
  mesh::ChainCheckpoint made_up = genuine;
  made_up.round += 1'000;
  made_up.value.fill(0x42);
  hand(signed_by_thief(made_up));
  mesh::ChainCheckpoint elsewhere = genuine;
  elsewhere.network_id = sim_network_id + 1;  // what the back office signed for another installation
  sim.sign_as_back_office(elsewhere);
  hand(elsewhere);
  sim.run_for(15'000'000);
  // Each neighbour checked the first and, for the quiet after it, no other: forged
  // checkpoints of ever newer rounds cost one signature check per 10 s at most.
  EXPECT_EQ(dropped(node::DropReason::bad_signature) - bad_before, neighbours.size());
  EXPECT_EQ(dropped(node::DropReason::signature_quiet) - quiet_before, 2 * neighbours.size());
  for (const auto peer : neighbours) {
    EXPECT_EQ(sim.node(peer).mesh->chain_reanchored(), 0U);
    EXPECT_FALSE(sim.node(peer).mesh->fine_synced());
  }

  // The back office's own checkpoint, handed the same way: taken, and the beacons with it.
  sim.sign_as_back_office(genuine);
  hand(genuine);
  sim.run_for(15'000'000);
  for (const auto peer : neighbours) {
    EXPECT_EQ(sim.node(peer).mesh->chain_reanchored(), 1U);
    EXPECT_TRUE(sim.node(peer).mesh->fine_synced());
  }
}

TEST(Simulator, ForgedChainRequestsMakeANodeAnswerOncePerQuietPeriod) {
  // A request costs four bytes and its answer 84, from every neighbour holding a newer
  // checkpoint: a stolen node asking over and over must not turn its neighbourhood into
  // an amplifier.
  Simulator sim(aged(60, 12, true));
  const auto ids = boot_and_settle(sim);
  const node::NodeId stolen = steal_a_node(sim, ids);
  std::vector<std::uint32_t> neighbours;
  for (const auto& l : sim.topology().links(stolen - 1U))
    if (l.peer < sim.node_count() && sim.node(l.peer).alive) neighbours.push_back(l.peer);
  ASSERT_GE(neighbours.size(), 2U);
  auto answers = [&] {
    std::uint64_t n = 0;
    for (const auto peer : neighbours) n += sim.node(peer).mesh->chain_catch_up().answers();
    return n;
  };
  const auto before = answers();
  std::array<std::uint8_t, mesh::chain_request_size> body{};
  ASSERT_EQ(mesh::encode_chain_request(0, body), body.size());
  mesh::MeshHeader h;
  h.type = mesh::MessageType::checkpoint;
  h.origin = stolen;
  std::vector<std::uint8_t> message(mesh::max_message_size);
  std::uint32_t sent = 0;
  for (int k = 0; k < 40; ++k) {
    h.seq = static_cast<std::uint16_t>(k + 1);
    message.resize(mesh::max_message_size);
    message.resize(mesh::encode_raw(h, body, message));
    for (const auto peer : neighbours) {
      auto& m = *sim.node(peer).mesh;
      (void)m.receive(sealed_as(sim, stolen, m.network().clock().now(), message, sent++ % 200));
    }
    sim.run_for(100'000);
  }
  // 4 s of requests, one quiet period of 5 s: at most one answer each (those that heard
  // another answer first stand down).
  EXPECT_GE(answers() - before, 1U);
  EXPECT_LE(answers() - before, neighbours.size());
}


TEST(Simulator, ARebootedNodeReusesNoRecordCounterAndKeepsItsCommissioning) {
  // A node's readings and acknowledgements are sealed under its own E2 key with a counter
  // in the nonce (node_record.hpp). A node that forgot the counter in a reboot sealed its
  // next readings under counters it had used: the same AES-CCM nonce under the same key,
  // and every one of them refused by the back office as a replay, until it counted past
  // the old value. It also lost the commissioning the back office had seen acknowledged.
  Simulator sim(small(60, 5));
  const auto ids = boot_and_settle(sim);
  auto& gateway = *sim.node(0).mesh;
  std::uint32_t station = 1;
  for (std::uint32_t i = 1; i < sim.node_count(); ++i)
    if (sim.node(i).mesh->hops() == 2) station = i;
  const auto id = static_cast<node::NodeId>(station + 1);
  ASSERT_EQ(sim.node(station).mesh->hops(), 2);
  for (const auto& b : sim.back_office().commission_bodies({id})) {
    while (!gateway.send_downlink(b)) sim.run_for(20'000);
    sim.run_for(3'000'000);
  }
  ASSERT_TRUE(sim.node(station).mesh->commissioned());
  const mesh::CommissionParams params = sim.node(station).mesh->params();
  auto send_readings = [&](std::uint32_t first, std::uint32_t count) {
    for (std::uint32_t k = 0; k < count; ++k) {
      ASSERT_TRUE(sim.node(station).mesh->send_reading(BackOffice::reading_plaintext(id, first + k)));
      sim.run_for(2'000'000);
    }
  };
  send_readings(1, 5);
  const auto before = sim.back_office().readings_from(id);
  ASSERT_GE(before, 4U);
  const auto reserved = sim.node(station).nv.records().uplink_reserved_until;
  EXPECT_GE(reserved, 6U) << "the counters in use were reserved before they sealed anything";

  sim.reboot_node(station);
  auto& node = *sim.node(station).mesh;
  EXPECT_TRUE(node.commissioned()) << "the commissioning survives";
  EXPECT_EQ(node.params().report_interval_s, params.report_interval_s);
  EXPECT_EQ(node.params().group, params.group);
  sim.run_for(30'000'000);  // time again, and a parent
  ASSERT_TRUE(node.time_settled());
  send_readings(100, 5);
  EXPECT_GE(sim.back_office().readings_from(id), before + 4) << "not refused as replays";
  EXPECT_GT(sim.node(station).nv.records().uplink_reserved_until, reserved)
      << "it went on past the block reserved before the reboot";

  // A flash that takes no more writes: nothing is sealed beyond the block reserved.
  sim.node(station).nv.fail_record_writes(true);
  const auto abandoned = node.uplinks_abandoned();
  const auto limit = sim.node(station).nv.records().uplink_reserved_until;
  for (std::uint32_t k = 0; k < 2 * 64 && node.uplinks_abandoned() == abandoned; ++k) {
    (void)node.send_reading(BackOffice::reading_plaintext(id, 1'000 + k));
    sim.run_for(300'000);
  }
  EXPECT_GT(node.uplinks_abandoned(), abandoned) << "beyond the reservation nothing is sealed";
  EXPECT_LE(sim.back_office().readings_from(id), limit) << "no counter past the durable reservation";
}

}  // namespace

TEST(Simulator, PerNodeMessagesTravelRoutedAlongThePathsJoinsTaught) {
  // Each node's join record teaches the relays on its way the route back; a commissioning
  // record then goes to each node hop by hop: no flood, and a few frames per hop at most.
  Simulator sim(joining_scenario());
  const auto all = boot_settle_and_join(sim);
  auto& gateway = *sim.node(0).mesh;
  std::vector<node::NodeId> routed;
  for (const auto id : all)
    if (gateway.routes().next_hop(id) != node::no_node) routed.push_back(id);
  EXPECT_GE(routed.size(), all.size() * 95 / 100);
  auto frames = [&](mesh::MessageType t) {
    std::uint64_t n = 0;
    for (std::uint32_t i = 0; i < sim.node_count(); ++i) n += sim.node(i).mesh->sent_of(t);
    return n;
  };
  const std::uint64_t floods_before = frames(mesh::MessageType::downlink);
  const std::uint64_t routed_before = frames(mesh::MessageType::routed);
  const auto hops = sim.topology().hop_distances();
  std::uint64_t path_hops = 0;
  for (const auto id : routed) {
    const auto body = sim.back_office().commission_bodies({id}).front();
    while (!gateway.send_routed(id, body)) sim.run_for(5'000);
    path_hops += hops[id - 1U];
  }
  sim.run_for(5'000'000);
  std::uint32_t commissioned = 0;
  for (const auto id : routed) commissioned += sim.node(id - 1U).mesh->commissioned() ? 1U : 0U;
  EXPECT_GE(commissioned, routed.size() * 90 / 100);  // one pass; the back office retries the rest
  EXPECT_EQ(frames(mesh::MessageType::downlink), floods_before);  // nothing was flooded
  // Every routed frame is a hop of some message's path, or a retry of one.
  EXPECT_GT(frames(mesh::MessageType::routed) - routed_before, path_hops * 9 / 10);
  EXPECT_LT(frames(mesh::MessageType::routed) - routed_before, path_hops * 3);
}

TEST(Simulator, NodesWhoseParentsFailRejoinSpreadOverTheJoinSpread) {
  // A node with a new parent sends a join record again so that the routes to it follow.
  // When one beacon round moves many parents at once (here: the children of three failed
  // hubs), those records must not all go out at once: at 3,000 nodes 2,400 of them within
  // two seconds kept almost every reading from getting through for ten seconds.
  Scenario s = small(150, 5);
  s.mesh.join_spread_s = 10;
  Simulator sim(s);
  (void)boot_and_settle(sim);
  sim.run_for(150'000'000);  // the first joins, and long enough after them that no rejoin waits for the interval
  std::map<node::NodeId, std::uint32_t> children;
  for (std::uint32_t i = 1; i < sim.node_count(); ++i)
    if (sim.node(i).alive && sim.node(i).mesh->parent() != 1) ++children[sim.node(i).mesh->parent()];
  std::vector<std::pair<std::uint32_t, node::NodeId>> hubs;
  for (const auto& [id, count] : children) hubs.emplace_back(count, id);
  std::sort(hubs.rbegin(), hubs.rend());
  ASSERT_GE(hubs.size(), 3U);
  std::vector<std::uint32_t> kids;
  std::vector<std::uint32_t> joins_before;
  for (std::uint32_t i = 1; i < sim.node_count(); ++i)
    for (std::size_t h = 0; h < 3; ++h)
      if (sim.node(i).mesh->parent() == hubs[h].second) {
        kids.push_back(i);
        joins_before.push_back(sim.node(i).mesh->joins_sent());
      }
  ASSERT_GE(kids.size(), 10U);
  for (std::size_t h = 0; h < 3; ++h) sim.fail_node(hubs[h].second - 1U);
  std::vector<std::uint64_t> times;
  std::vector<bool> counted(kids.size(), false);
  for (std::uint64_t t = 0; t < 60'000'000; t += 100'000) {
    sim.run_for(100'000);
    for (std::size_t k = 0; k < kids.size(); ++k)
      if (!counted[k] && sim.node(kids[k]).mesh->joins_sent() > joins_before[k]) {
        counted[k] = true;
        times.push_back(sim.now_us());
      }
  }
  ASSERT_GE(times.size(), kids.size() / 2) << "children that sent a join record for their new parent";
  std::size_t most_in_two_seconds = 0;
  for (std::size_t a = 0, b = 0; b < times.size(); ++b) {
    while (times[b] - times[a] > 2'000'000) ++a;
    most_in_two_seconds = std::max(most_in_two_seconds, b - a + 1);
  }
  EXPECT_LE(most_in_two_seconds, times.size() / 2) << times.size() << " of " << kids.size() << " rejoined";
}

TEST(Simulator, NodesWaitingToJoinDoNotSpinTheirTimer) {
  // A join record waits for a settled clock, a parent and a free slot. A node whose join
  // time has come while one of them is missing must sleep until a frame or one of its own
  // deadlines changes that: it once re-armed its timer every 20 µs instead (here the
  // busiest node woke some 440 times a second and the mean was 20: a flat battery on a device).
  Simulator sim(joining_scenario());
  (void)boot_settle_and_join(sim);
  const double seconds = static_cast<double>(sim.now_us()) / 1e6;
  std::uint64_t busiest = 0;
  std::uint64_t total = 0;
  for (std::uint32_t i = 1; i < sim.node_count(); ++i) {
    busiest = std::max(busiest, sim.node(i).wakes);
    total += sim.node(i).wakes;
  }
  EXPECT_LT(static_cast<double>(busiest) / seconds, 20.0) << "wake-ups per second of the busiest node";
  EXPECT_LT(static_cast<double>(total) / seconds / (sim.node_count() - 1), 5.0) << "mean wake-ups per node per second";
}

// A node two hops or more from the gateway that the gateway has a route to (no_node: none).
node::NodeId routed_target(Simulator& sim, const std::vector<node::NodeId>& ids) {
  const auto& gateway = *sim.node(0).mesh;
  for (const auto id : ids)
    if (gateway.routes().next_hop(id) != node::no_node && sim.topology().hop_distances()[id - 1U] >= 2) return id;
  return node::no_node;
}

// The joined 150-node mesh, and a node two hops or more out the gateway has a route to.
class RoutedNode : public ::testing::Test {
 protected:
  Simulator sim{joining_scenario()};
  std::vector<node::NodeId> all = boot_settle_and_join(sim);
  mesh::MeshNode& gateway = *sim.node(0).mesh;
  node::NodeId target = routed_target(sim, all);
  BackOffice& office = sim.back_office();
};

TEST_F(RoutedNode, WavePartsAreSealedRecordsAndOldOrForgedOnesChangeNothing) {
  // A node's part in the firmware wave comes from the back office as a record sealed under
  // the node's own key, routed like commissioning and acknowledged. A replayed older part
  // (it could put the node back into a plan that no longer holds) and a damaged one are
  // refused and leave the part the node holds.
  ASSERT_NE(target, node::no_node);
  auto& node = *sim.node(target - 1U).mesh;
  auto deliver = [&](const std::vector<std::uint8_t>& body) {
    while (!gateway.send_routed(target, body)) sim.run_for(5'000);
    sim.run_for(3'000'000);
  };
  std::vector<mesh::WaveAssignment> parts(sim.node_count() + 1);
  mesh::WaveAssignment part;
  part.in_plan = true;
  part.blob_id = {9, 9, 9, 9, 1, 2, 3, 4};
  part.level = 3;
  part.upstream = 5;
  part.tx_channel = 2;
  part.rx_channel = 1;
  part.parity = 4;
  parts[target] = part;
  office.set_wave_parts(parts);
  const auto first_body = office.wave_part_bodies({target}).front();
  deliver(first_body);
  EXPECT_TRUE(office.wave_part_acked(target));
  EXPECT_EQ(node.wave().assignment().level, 3);

  parts[target].level = 4;  // a new plan: a new counter
  office.set_wave_parts(parts);
  EXPECT_FALSE(office.wave_part_acked(target));
  deliver(office.wave_part_bodies({target}).front());
  EXPECT_TRUE(office.wave_part_acked(target));
  EXPECT_EQ(node.wave().assignment().level, 4);

  const auto replays = node.drops().get(node::DropReason::record_replay);
  deliver(first_body);
  EXPECT_EQ(node.drops().get(node::DropReason::record_replay), replays + 1);
  EXPECT_EQ(node.wave().assignment().level, 4);

  auto damaged = office.wave_part_bodies({target}).front();
  damaged[4 + 6] ^= 0x01U;  // the first ciphertext byte of the record
  const auto bad = node.drops().get(node::DropReason::bad_record);
  deliver(damaged);
  EXPECT_EQ(node.drops().get(node::DropReason::bad_record), bad + 1);
  EXPECT_EQ(node.wave().assignment().level, 4);
}

// An example scenario of scenarios/ at a seed of its own.
Scenario example_scenario(const std::string& name, std::uint64_t seed) {
  Scenario s = load_scenario(std::string(MESHSEC_SOURCE_DIR) + "/scenarios/" + name + ".toml");
  s.seed = seed;
  return s;
}

// One run of a 150-node mesh through every phase but the attacks, shared by the tests
// of what its rollout did (the run is deterministic; the tests only read it, or feed the
// back office records it must refuse).
class SmallMeshRollout : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    Scenario s = small(150, 4);
    s.phases.attacks = false;
    sim_ = std::make_unique<Simulator>(s);
    report_ = std::make_unique<RunReport>(sim_->run());
  }
  static void TearDownTestSuite() {
    report_.reset();
    sim_.reset();
  }
  static std::unique_ptr<Simulator> sim_;
  static std::unique_ptr<RunReport> report_;
};
std::unique_ptr<Simulator> SmallMeshRollout::sim_;
std::unique_ptr<RunReport> SmallMeshRollout::report_;

// Every relay says the wave's announcement again, one hop, twice in the period before its
// part begins (the nodes listening to it that missed the flood would otherwise sit the wave
// out: in one 10,000-node run such a relay and its three listeners took 142 s more by
// repair); a relay of level 1 says it in the last period of the announcement's lead. No
// other node does.
TEST_F(SmallMeshRollout, RelaysSayTheAnnouncementOnceMore) {
  Simulator& sim = *sim_;
  std::uint32_t relays = 0;
  std::uint32_t first_level_relays = 0;
  for (std::uint32_t i = 1; i < sim.node_count(); ++i) {
    const auto& node = *sim.node(i).mesh;
    const auto& part = node.wave().assignment();
    const bool relay = node.wave().following() && part.relay && part.level >= 1;
    relays += relay ? 1U : 0U;
    first_level_relays += relay && part.level == 1 ? 1U : 0U;
    EXPECT_EQ(node.announcement_echoes(), relay ? 2U : 0U) << "node " << i + 1;
  }
  EXPECT_GT(relays, 5U);
  EXPECT_GT(first_level_relays, 0U);
  EXPECT_EQ(report_->rollout.wave_missed_announcement, 0U);
}

// In the grid example at seed 44 every copy of the announcement flood collided at a relay
// of level 2 (eight neighbours carrying it on within 50 ms, some hidden from each other),
// and the copy it finally took came in the middle of the period that carried the header:
// it could open none of the items after it, sent nothing, and 114 nodes below it sat the
// wave out; repair took 160 s more (43 × the time bound instead of 4.3 ×). Its upstream,
// a relay of level 1, now says the announcement again just before t0.
TEST(Simulator, ARelayThatMissedTheFloodStillGetsTheAnnouncementBeforeItsHeader) {
  Simulator sim(example_scenario("grid_rollout", 44));
  const auto r = sim.run();
  EXPECT_EQ(r.rollout.wave_missed_announcement, 0U);
  EXPECT_DOUBLE_EQ(r.rollout.coverage, 1.0);
  EXPECT_GE(r.rollout.nodes_complete_after_wave * 10, r.rollout.nodes_targeted * 8);
  EXPECT_LT(r.rollout.seconds, 2 * r.rollout.wave_seconds);
}

// Where the flood itself dies (here past a failed node of a 60-node line, at seed 1), the
// relays' echoes are what carries the announcement on, relay to relay; with one echo each,
// one lost across the hole left 21 nodes outside the wave, fetching the image by repair for
// 8 s, and the report did not even count them as having missed it.
TEST(Simulator, EchoesCarryTheAnnouncementWhereTheFloodDied) {
  Simulator sim(example_scenario("line_self_healing", 1));
  const auto r = sim.run();
  EXPECT_EQ(r.rollout.wave_missed_announcement, 0U);
  EXPECT_EQ(r.rollout.nodes_complete_after_wave, r.rollout.nodes_targeted);
  EXPECT_DOUBLE_EQ(r.rollout.coverage, 1.0);
}

TEST_F(SmallMeshRollout, EveryPartGoesOverTheAirBeforeTheWave) {
  const auto& o = report_->rollout;
  ASSERT_TRUE(o.wave);
  EXPECT_TRUE(o.wave_parts_note.empty());
  EXPECT_GT(o.wave_parts_targets, 0U);
  EXPECT_EQ(o.wave_parts_acked, o.wave_parts_targets);
  EXPECT_GT(o.wave_parts_frames, o.wave_parts_targets);  // at least a frame per part, and its answer
  EXPECT_EQ(o.wave_missed_announcement, 0U);
  EXPECT_DOUBLE_EQ(o.coverage, 1.0);
}

// The default scenario with only its two windows of readings (no commissioning, node
// failures, rollout or attacks).
Scenario readings_only(std::uint64_t seed) {
  Scenario s = default_scenario();
  s.seed = seed;
  s.phases.commission = false;
  s.phases.rollout = false;
  s.phases.attacks = false;
  s.phases.fail_fraction = 0;
  return s;
}

// In a dense mesh a retried uplink must not start a path at every neighbour a level up:
// the copies collide and the readings are lost in the storm (MeshConfig::dense_neighbours).
TEST(Simulator, DenseMeshesDoNotStormOnUplinkRetries) {
  Scenario s = readings_only(1);
  s.topology.nodes = 300;
  s.topology.mean_degree = 18;
  Simulator sim(s);
  const auto r = sim.run();
  ASSERT_GT(r.readings[0].sent, 0U);
  std::uint64_t uplinks = 0;
  for (std::uint32_t i = 0; i < sim.node_count(); ++i) uplinks += sim.node(i).mesh->sent_of(mesh::MessageType::uplink);
  const auto readings = r.readings[0].delivered + r.readings[1].delivered;
  EXPECT_GE(r.readings[0].delivered * 100, r.readings[0].sent * 97);
  EXPECT_GE(r.readings[1].delivered * 100, r.readings[1].sent * 97);
  EXPECT_LT(uplinks, readings * 30) << "uplink frames per delivered reading";
}

// The clusters example's mesh (six dense clusters joined by thin lossy links), readings only.
Scenario clusters_readings_only(std::uint64_t seed) {
  Scenario s = readings_only(seed);
  s.topology.kind = TopologyKind::clusters;
  s.topology.nodes = 400;
  s.topology.clusters = 6;
  s.topology.mean_degree = 12;
  s.topology.loss_base = 0.05;
  s.topology.loss_edge = 0.25;
  return s;
}

// In clusters (dense, joined by thin lossy links) a busy neighbourhood delays every hop:
// a node waiting for its uplink to be carried on waits longer for every frame it hears,
// instead of taking the delay for a loss and setting off backups that load the channel
// more (before: 66.7 % and 86.2 % of readings arrived here).
TEST(Simulator, BusyNeighbourhoodsDoNotTurnSlowHopsIntoRetries) {
  Simulator sim(clusters_readings_only(11));
  const auto r = sim.run();
  ASSERT_GT(r.readings[0].sent, 0U);
  // The first window also carries the nodes' join records.
  EXPECT_GE(r.readings[0].delivered * 100, r.readings[0].sent * 80);
  EXPECT_GE(r.readings[1].delivered * 100, r.readings[1].sent * 95);
}

// An uplink that missed its acknowledgement asks its named parent once more before it
// asks anyone closer or beside it. At these seeds each retry used to have every
// same-level neighbour take a copy; the copies' own retries fed on each other: 65 % and
// 33 % of the readings delivered in the first window, with 93 and 250 uplink frames per
// delivered reading (join records included); now 99 % and 16 frames. The bound on frames
// sits well above the spread of healthy runs (seeds 11–20 of this mesh: 13.5–20.6 frames
// per reading in the first window with the present gradient, 14.4–19.2 before it) and far
// below the storm (93–250).
TEST(Simulator, RetriesInClustersDoNotFeedOnEachOther) {
  for (const std::uint64_t seed : {17U, 18U}) {
    Simulator sim(clusters_readings_only(seed));
    const auto r = sim.run();
    for (std::size_t w = 0; w < 2; ++w) {
      ASSERT_GT(r.readings[w].sent, 0U);
      EXPECT_GE(r.readings[w].delivered * 100, r.readings[w].sent * 97) << "seed " << seed << ", window " << w;
      EXPECT_LT(r.readings[w].uplink_frames, r.readings[w].delivered * 30) << "uplink frames per delivered reading, seed " << seed;
      const auto j = to_json(r)["operate"][w];
      EXPECT_EQ(j["uplink_frames"], r.readings[w].uplink_frames);
      EXPECT_EQ(j["uplinks_abandoned"], r.readings[w].uplinks_abandoned);
    }
  }
}

// Failures can cut a thin mesh in two. The readings of the nodes beyond the cut are sent
// but counted apart (nothing could carry them), so the delivery ratio measures the
// protocol, not the partition (before: 81.5 % at this seed, 20 of 108 readings from 10
// nodes behind two neighbouring failures).
TEST(Simulator, ReadingsOfNodesCutOffByFailuresAreCountedApart) {
  Scenario s = readings_only(5);
  s.topology.kind = TopologyKind::line;
  s.topology.nodes = 60;
  s.topology.grid_range = 2.2;
  s.phases.fail_fraction = 0.10;
  Simulator sim(s);
  const auto r = sim.run();
  EXPECT_EQ(r.readings[0].cut_off, 0U);
  ASSERT_GT(r.readings[1].cut_off, 0U);
  EXPECT_GE(r.readings[1].delivered * 100, r.readings[1].sent * 95);
  EXPECT_EQ(to_json(r)["operate"][1]["readings_from_cut_off_nodes"], r.readings[1].cut_off);
}

// Every node passes a beacon round on once; on a thin line a failed node leaves a single
// link to carry the round past it, and one copy lost there ended the round for everything
// beyond (MeshNode::watch_pass_on()). At this seed (five failed nodes) 9 of the 10 rounds
// after the failures died at one of the holes; the 12 nodes beyond the last hole kept
// their dead parent, since neighbours age out by rounds, and 23 of the 108 readings after
// the failures were lost (78.7 %).
TEST(Simulator, BeaconRoundsCrossTheHolesOfAThinLine) {
  Simulator sim(example_scenario("line_self_healing", 20));
  const auto r = sim.run();
  ASSERT_EQ(r.failed_nodes, 5U);
  ASSERT_GT(r.readings[1].sent, 0U);
  EXPECT_GE(r.readings[1].delivered * 100, r.readings[1].sent * 95);
  EXPECT_GT(r.beacon_repeats, 0U);
  // Every live node a path joins to the gateway is in the gateway's round (or the one
  // before, for a round still on its way).
  const auto hops = sim.hops_over_alive();
  const std::uint32_t round = sim.node(0).mesh->round();
  for (std::uint32_t i = 1; i < sim.node_count(); ++i) {
    if (!sim.node(i).alive || hops[i] == std::numeric_limits<std::uint32_t>::max()) continue;
    EXPECT_GE(sim.node(i).mesh->round() + 1, round) << "node " << i + 1;
  }
}

// Where copies abound, a node hears a farther neighbour pass the round on and repeats
// nothing; the repeats stay a small share of the beacon frames.
TEST_F(SmallMeshRollout, BeaconRepeatsStayFewInADenseMesh) {
  ASSERT_GT(report_->beacon_frames, 0U);
  EXPECT_LE(report_->beacon_repeats * 10, report_->beacon_frames);
}

// A window whose readings all came from nodes the failures cut off (the line example at
// seed 33: its one rebooted node was behind a failed one) delivered nothing because nothing
// was sent: the report says so, instead of a delivery ratio of 0 (which read as all lost).
TEST(RunReport, AWindowWithNoReadingToCarryHasNoRatio) {
  RunReport r;
  auto& w = r.readings[reboot_window];
  w.cut_off = 2;
  w.uplink_frames = 96;
  const auto j = to_json(r)["operate"];
  ASSERT_EQ(j.size(), 3U);  // the two windows that always run, and this one
  EXPECT_EQ(j[2]["window"], "after_reboots");
  EXPECT_TRUE(j[2]["delivery_ratio"].is_null());
  EXPECT_TRUE(j[2]["uplink_frames_per_delivered_reading"].is_null());
  EXPECT_EQ(j[2]["readings_from_cut_off_nodes"], 2);
  const std::string table = summary_table(r);
  EXPECT_NE(table.find("none sent by nodes a path joins to the gateway; 2 more from nodes cut off"), std::string::npos) << table;
  EXPECT_EQ(table.find("0 / 0"), std::string::npos) << table;
  w.sent = 4;
  w.delivered = 3;
  EXPECT_DOUBLE_EQ(to_json(r)["operate"][2]["delivery_ratio"].get<double>(), 0.75);
}

// A node the back office did not hear from is asked again, by a routed record; one that
// took no part in the survey answers with the neighbours it hears and no counts, so the
// planner can still place it.
TEST_F(RoutedNode, ANodeAskedForAMissingReportNamesItsNeighbours) {
  ASSERT_NE(target, node::no_node);
  const auto body = office.link_report_request_bodies({target}, 7).front();
  while (!gateway.send_routed(target, body)) sim.run_for(5'000);
  for (int i = 0; i < 20 && !office.link_report(target); ++i) sim.run_for(500'000);
  const auto& report = office.link_report(target);
  ASSERT_TRUE(report);
  EXPECT_EQ(report->rounds, 0);  // no survey taken: no counts
  ASSERT_FALSE(report->links.empty());
  const auto& links = sim.topology().links(target - 1U);
  for (const auto& l : report->entries()) {
    EXPECT_EQ(l.heard, 0);
    EXPECT_TRUE(std::any_of(links.begin(), links.end(), [&](const auto& k) { return k.peer + 1U == l.neighbour; }))
        << l.neighbour;
  }
}

// A survey is authenticated by the network key only, so its number orders nothing: a node
// takes one that starts within a minute, and only once the one it took before is over. A
// survey flooded far ahead, or over a running one, is ignored; after it, even a lower
// number is taken.
TEST(Simulator, ASurveyHoldsTheNodesOnlyForItsOwnSpan) {
  Simulator sim(small(150, 4));
  const auto ids = boot_and_settle(sim);
  auto& gateway = *sim.node(0).mesh;
  auto taking = [&](std::uint16_t survey) {
    std::uint32_t count = 0;
    for (const auto id : ids) count += sim.node(id - 1U).mesh->survey().survey == survey ? 1U : 0U;
    return count;
  };
  // Floods a survey the back office signed (or, `forged`, one that names another start
  // than the one signed: what a stolen node holding the network key can send).
  auto flood = [&](std::uint16_t survey, std::uint64_t lead_us, bool forged = false) {
    mesh::LinkSurvey s{survey, gateway.global_us() + lead_us, 4, 2900, 150, 5, {}};
    sim.sign_as_back_office(s);
    if (forged) s.t0_us += 1'000;
    std::array<std::uint8_t, mesh::link_survey_size> body{};
    ASSERT_EQ(mesh::encode_link_survey(s, body), body.size());
    ASSERT_TRUE(gateway.send_downlink(body));
    sim.run_for(3'000'000);
  };
  flood(7, 2'000'000, true);
  EXPECT_EQ(taking(7), 0U) << "a survey the back office did not sign holds nobody";
  mesh::LinkSurvey survey;
  ASSERT_TRUE(gateway.gateway_plan_survey(5, 4'000'000, 4, 150, 5, survey));
  sim.sign_as_back_office(survey);
  ASSERT_TRUE(gateway.gateway_start_survey(survey));
  sim.run_for(1'000'000);
  EXPECT_GE(taking(5) * 10, ids.size() * 9);
  const auto took = taking(5);
  flood(9, 600'000'000);  // ten minutes ahead
  EXPECT_EQ(taking(9), 0U);
  flood(9, 500'000);  // while survey 5 runs
  EXPECT_EQ(taking(9), 0U);
  EXPECT_EQ(taking(5), took);
  sim.run_for(10'000'000);  // survey 5 is over
  flood(2, 2'000'000);
  EXPECT_GE(taking(2) * 10, ids.size() * 9);
}

// The wave is planned from what the nodes measured: every node probes in its own slot and
// reports how many of each neighbour's probes it heard, sealed under its own key. The
// estimates must match the radio model's links without bias, name only real neighbours,
// and give a plan that reaches every node.
TEST_F(SmallMeshRollout, TheWaveIsPlannedFromTheLinksTheNodesReport) {
  const auto& o = report_->rollout;
  Simulator& sim = *sim_;
  ASSERT_TRUE(o.wave);
  EXPECT_TRUE(o.survey_note.empty());
  EXPECT_GE(o.survey_reports * 100, o.survey_targets * 97);
  EXPECT_GT(o.survey_frames, std::uint64_t{o.survey_reports} * 48);  // the probes, at least
  EXPECT_LT(std::abs(o.survey_mean_error), 0.02);
  EXPECT_LT(o.survey_misjudged * 5, o.survey_links);
  EXPECT_DOUBLE_EQ(o.coverage, 1.0);
  std::uint32_t checked = 0;
  std::uint32_t uncounted = 0;
  for (std::uint32_t i = 1; i < sim.node_count(); ++i) {
    const auto& report = sim.back_office().link_report(static_cast<node::NodeId>(i + 1));
    if (!report) continue;
    // 48 probes each, or none from a node that missed the survey and was asked again.
    EXPECT_TRUE(report->rounds == 48 || report->rounds == 0) << int{report->rounds};
    uncounted += report->rounds == 0 ? 1U : 0U;
    for (const auto& l : report->entries()) {
      const auto& links = sim.topology().links(i);
      EXPECT_TRUE(std::any_of(links.begin(), links.end(), [&](const auto& k) { return k.peer + 1U == l.neighbour; }))
          << "node " << i + 1 << " reported " << l.neighbour;
      ++checked;
    }
  }
  EXPECT_GT(checked, 150U);
  EXPECT_LE(uncounted * 100, o.survey_reports * 3);
}

// A link report is a record sealed under its node's own key: one sealed under another
// node's key, or an old one again, changes nothing the planner reads.
// The survey's plot: every surveyed link is a point in its data file (radio model's loss,
// estimate), and with gnuplot present the PNG is drawn.
TEST_F(SmallMeshRollout, TheSurveyIsPlottedLinkByLink) {
  namespace fs = std::filesystem;
  const fs::path dir = fs::temp_directory_path() / ("meshsec-survey-plot-" + std::to_string(::getpid()));
  fs::create_directories(dir);
  const auto plot = write_survey_plot(*report_, dir.string());
  std::ifstream data(dir / "link_survey.dat");
  std::size_t lines = 0;
  for (std::string line; std::getline(data, line);) lines += line.empty() || line[0] == '#' ? 0U : 1U;
  EXPECT_EQ(lines, report_->rollout.survey_estimates.size());
  EXPECT_EQ(lines, report_->rollout.survey_links);  // and every surveyed link is one the radio has
  EXPECT_TRUE(fs::exists(dir / "link_survey.gp"));
  if (plot.ok) EXPECT_GT(fs::file_size(plot.png_path), 1000U);
  else EXPECT_FALSE(plot.message.empty());
  fs::remove_all(dir);
}

// A link report record as node `owner` would send it (kind byte, then the record sealed
// under its E2 key with `counter`).
std::vector<std::uint8_t> sealed_link_report(const Simulator& sim, node::NodeId owner, std::uint32_t counter,
                                             const mesh::LinkReport& report) {
  std::array<std::uint8_t, mesh::link_report_size(mesh::link_report_max_links)> plain{};
  const std::size_t n = mesh::encode_link_report(report, plain);
  EXPECT_NE(n, 0U);
  keys::NodeKeySet set;
  sim.keys().node_keys(owner, 1, owner == 1, set);
  node::RecordSealer sealer;
  EXPECT_TRUE(sealer.init(set.key(keys::KeyPurpose::e2)));
  std::vector<std::uint8_t> payload(1 + node::record_overhead + n);
  payload[0] = static_cast<std::uint8_t>(node::RecordKind::link_report);
  EXPECT_EQ(sealer.seal(node::RecordKind::link_report, node::RecordDirection::uplink, owner, counter,
                        std::span<const std::uint8_t>(plain).first(n), std::span<std::uint8_t>(payload).subspan(1)),
            payload.size() - 1);
  return payload;
}

// A node with more neighbours than one record holds sends two: the back office keeps both
// records' links (a later record of the same survey adds to the first, and corrects a
// neighbour named again), and holds the report whole only once the second, announced by
// the first, is in: a report that lost it is asked for again.
TEST_F(SmallMeshRollout, TheRecordsOfOneReportMerge) {
  Simulator& sim = *sim_;
  auto& office = sim.back_office();
  const node::NodeId node_id = static_cast<node::NodeId>(sim.node_count());  // the last node
  // Rounds unlike the survey's: the first record replaces what the node reported then.
  mesh::LinkReport first;
  first.rounds = 47;
  first.count = mesh::link_report_max_links;
  first.more = true;
  for (std::uint8_t i = 0; i < first.count; ++i) first.links[i] = {static_cast<node::NodeId>(2 + i), 40};
  mesh::LinkReport second;
  second.rounds = 47;
  second.part = 1;
  second.count = 2;
  second.links[0] = {static_cast<node::NodeId>(2 + mesh::link_report_max_links), 30};
  second.links[1] = {2, 45};  // named again: the later count stands
  const std::uint32_t whole_before = office.link_reports_received();
  office.on_uplink(node_id, sealed_link_report(sim, node_id, 0xFFFF0000U, first));
  ASSERT_TRUE(office.link_report(node_id));
  EXPECT_FALSE(office.link_report(node_id)->whole());
  office.on_uplink(node_id, sealed_link_report(sim, node_id, 0xFFFF0001U, second));
  const auto& stored = office.link_report(node_id);
  ASSERT_TRUE(stored);
  EXPECT_TRUE(stored->whole());
  EXPECT_LE(office.link_reports_received(), whole_before + 1);
  EXPECT_EQ(stored->rounds, 47);
  ASSERT_EQ(stored->links.size(), mesh::link_report_max_links + 1U);
  EXPECT_EQ(stored->links[0].heard, 45);
  EXPECT_EQ(stored->links.back().neighbour, 2 + mesh::link_report_max_links);
}

TEST_F(SmallMeshRollout, ForgedOrReplayedLinkReportsAreRefused) {
  Simulator& sim = *sim_;
  auto& office = sim.back_office();
  node::NodeId victim = node::no_node;
  for (std::uint32_t i = 1; i < sim.node_count() && victim == node::no_node; ++i)
    if (office.link_report(static_cast<node::NodeId>(i + 1))) victim = static_cast<node::NodeId>(i + 1);
  ASSERT_NE(victim, node::no_node);
  const BackOffice::ReportedLinks before = *office.link_report(victim);
  mesh::LinkReport lie;
  lie.rounds = 48;
  lie.count = 1;
  lie.links[0] = {1, 48};  // "I hear the gateway perfectly"
  auto sealed_by = [&](node::NodeId key_owner, std::uint32_t counter) {
    return sealed_link_report(sim, key_owner, counter, lie);
  };

  const node::NodeId other = victim == 2 ? 3 : 2;
  auto forged = sealed_by(other, 0xFFFFFF00U);
  forged[1] = static_cast<std::uint8_t>(victim >> 8U);  // the record names the victim
  forged[2] = static_cast<std::uint8_t>(victim);
  const auto rejected = office.rejected();
  office.on_uplink(victim, forged);
  EXPECT_EQ(office.rejected(), rejected + 1);
  office.on_uplink(victim, sealed_by(victim, 1));  // genuine key, an old counter
  EXPECT_EQ(office.rejected(), rejected + 2);
  const auto& after = office.link_report(victim);
  ASSERT_TRUE(after);
  EXPECT_EQ(after->links.size(), before.links.size());
  EXPECT_TRUE(std::equal(after->entries().begin(), after->entries().end(), before.entries().begin()));
}

TEST(Simulator, ARelayAnswersARetryOfWhatItCarriedOnAlready) {
  // On lossy links a sender often misses hearing its parent carry its uplink on, and sends
  // it again. The parent does not carry it twice; it answers with a one-hop acknowledgement,
  // which a sender takes from any node closer to the gateway. Without it the sender kept
  // retrying, and every retry drew backup copies up the mesh beside the first.
  Scenario s = small(49, 3);
  s.topology.kind = TopologyKind::grid;
  s.topology.loss_base = 0.15;
  s.mesh.join_spread_s = 20;
  Simulator sim(s);
  const auto all = boot_and_settle(sim);
  sim.run_for(30'000'000);
  std::uint64_t relay_acks = 0;
  for (std::uint32_t i = 1; i < sim.node_count(); ++i) relay_acks += sim.node(i).mesh->sent_of(mesh::MessageType::ack);
  EXPECT_GT(relay_acks, 0U);
  std::uint32_t joined = 0;
  for (const auto id : all) joined += sim.back_office().joined(id) ? 1U : 0U;
  EXPECT_GE(joined, all.size() * 95 / 100);
}

// The summary table says where the transmission ratio comes from: the relays' data frames
// (their number beside the CDS's), their parity, and the rest.
TEST(RunReport, SummarySplitsTheTransmissionsAgainstTheBound) {
  RunReport r;
  auto& o = r.rollout;
  o.ran = o.wave = true;
  o.transmissions = 2300;
  o.lower_bound = 1000;
  o.wave_data_frames = 1500;
  o.wave_parity_frames = 700;
  o.wave_relays = 30;
  o.cds_size = 20;
  const std::string table = summary_table(r);
  EXPECT_NE(table.find("wave data 1.50x (30 relays, CDS 20), parity 0.70x, rest 0.10x"), std::string::npos) << table;
}
