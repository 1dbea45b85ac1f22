// The beacon chain reaches a MeshNode through its key set only (MeshNode::personalise):
// a gateway builds its chain from the seed and must end at the anchor its network's nodes
// hold; a node keeps the anchor and takes the gateway's beacons with it; a set without a
// chain is refused.
#include <gtest/gtest.h>

#include <cstdint>
#include <vector>

#include "firmware/blob_signer.hpp"
#include "keys/dev_master_keys.hpp"
#include "keys/node_key_set.hpp"
#include "mesh/beacon_chain.hpp"
#include "mesh/chain_checkpoint.hpp"
#include "mesh/mesh_node.hpp"
#include "node/nv_ram_store.hpp"
#include "node/platform.hpp"
#include "support/mesh_test_blob.hpp"

namespace meshsec::mesh {
namespace {

constexpr std::uint32_t network_id = 7;
constexpr std::uint32_t rounds = 40;  // one segment of checkpoints: 1,024 rounds

// One device on a bench: a shared clock, a radio that hands every frame to the test, one
// wake-up timer.
class BenchPlatform final : public node::Platform {
 public:
  explicit BenchPlatform(const std::uint64_t& now) : now_(now) {}
  [[nodiscard]] std::uint64_t local_us() const noexcept override { return now_; }
  [[nodiscard]] bool channel_clear(std::size_t) const noexcept override { return true; }
  [[nodiscard]] bool transmit(std::span<const std::uint8_t> frame) noexcept override {
    sent.emplace_back(frame.begin(), frame.end());
    return true;
  }
  [[nodiscard]] bool radio_busy() const noexcept override { return false; }
  void wake_at(std::uint64_t at_us) noexcept override { wake = at_us; }
  [[nodiscard]] std::uint32_t random_u32() noexcept override {
    state_ ^= state_ << 13;
    state_ ^= state_ >> 17;
    state_ ^= state_ << 5;
    return state_;
  }

  std::vector<std::vector<std::uint8_t>> sent;
  std::uint64_t wake = UINT64_MAX;

 private:
  const std::uint64_t& now_;
  std::uint32_t state_ = 0x9E3779B9U;
};

struct Device {
  Device(node::NodeId id, Role role, const std::uint64_t& now, std::uint32_t network_age_rounds = 0) : platform(now) {
    MeshConfig config;
    config.role = role;
    config.network_age_rounds = network_age_rounds;
    config.net.channel = 11;
    config.net.domain = 0x123;
    config.join = false;
    mesh = std::make_unique<MeshNode>(id, config, platform, store, nv, nv);
  }
  BenchPlatform platform;
  mesh_testing::MapStore store;
  node::NvRamStore nv;
  std::unique_ptr<MeshNode> mesh;
};

// A node's set as the factory fixes it: keys from the published development masters, the
// network's chain (rounds and anchor) in every set, the seed in a gateway's.
keys::NodeKeySet key_set(std::uint32_t node_id, bool gateway, std::uint32_t network = network_id,
                         std::uint32_t chain_rounds = rounds) {
  keys::MasterKeyMaterial masters;
  EXPECT_EQ(keys::load_insecure_dev_masters(masters), keys::KeyError::ok);
  keys::NodeKeyRequest request;
  request.node_id = node_id;
  request.network_id = network;
  request.network_key_index = 1;
  request.gateway = gateway;
  keys::NodeKeySet set;
  EXPECT_EQ(keys::derive_node_key_set(masters, {"bench", keys::Environment::dev, keys::KeySize::bits128}, request, set),
            keys::KeyError::ok);
  // The anchor comes from the network's seed, which only a gateway's set carries.
  keys::NodeKeySet gateway_set;
  request.gateway = true;
  EXPECT_EQ(keys::derive_node_key_set(masters, {"bench", keys::Environment::dev, keys::KeySize::bits128}, request,
                                      gateway_set),
            keys::KeyError::ok);
  ChainValue anchor{};
  EXPECT_TRUE(chain_anchor(network, gateway_set.beacon_chain_seed.span(), chain_rounds, anchor));
  set.beacon_chain_rounds = chain_rounds;
  set.beacon_anchor = anchor;
  return set;
}

TEST(BeaconChainPersonalisation, AGatewayWhoseSeedMissesItsAnchorIsRefused) {
  std::uint64_t now = 1'000'000;
  keys::NodeKeySet set = key_set(1, true);
  {
    Device gateway(1, Role::gateway, now);
    EXPECT_TRUE(gateway.mesh->personalise(set));
  }
  // Another network's anchor, or a seed off by one bit: its nodes would refuse every beacon.
  keys::NodeKeySet other = key_set(1, true, network_id + 1);
  set.beacon_anchor = other.beacon_anchor;
  Device wrong_anchor(1, Role::gateway, now);
  EXPECT_FALSE(wrong_anchor.mesh->personalise(set));
  set = key_set(1, true);
  set.beacon_chain_seed.span()[15] ^= 0x01;
  Device wrong_seed(1, Role::gateway, now);
  EXPECT_FALSE(wrong_seed.mesh->personalise(set));
  // A node set (no seed) in a gateway.
  Device no_seed(1, Role::gateway, now);
  EXPECT_FALSE(no_seed.mesh->personalise(key_set(2, false)));
}

TEST(BeaconChainPersonalisation, ASetWithoutAChainIsRefused) {
  std::uint64_t now = 1'000'000;
  for (const bool gateway : {false, true}) {
    keys::NodeKeySet set = key_set(gateway ? 1 : 2, gateway);
    set.beacon_chain_rounds = 0;
    Device device(gateway ? 1 : 2, gateway ? Role::gateway : Role::node, now);
    EXPECT_FALSE(device.mesh->personalise(set)) << "gateway " << gateway;
    EXPECT_FALSE(device.mesh->beacon_chain().ready());
  }
}

// A gateway and a node on the bench: the node gets time from the gateway, then takes the
// gateway's round-1 beacon (heard before it had time, so it drops it first and takes it
// when it comes again) with nothing but the anchor its set carried.
TEST(BeaconChainPersonalisation, ANodeTakesTheGatewaysFirstBeaconWithTheAnchorOfItsSet) {
  std::uint64_t now = 1'000'000;
  Device gateway(1, Role::gateway, now);
  Device node(2, Role::node, now);
  ASSERT_TRUE(gateway.mesh->personalise(key_set(1, true)));
  ASSERT_TRUE(node.mesh->personalise(key_set(2, false)));
  EXPECT_TRUE(node.mesh->beacon_chain().ready());
  EXPECT_EQ(node.mesh->beacon_chain().trusted_position(), 0U);
  gateway.mesh->start();
  node.mesh->start();

  std::vector<std::uint8_t> first_beacon;
  auto deliver = [&](Device& from, Device& to) {
    auto frames = std::move(from.platform.sent);
    from.platform.sent.clear();
    for (const auto& f : frames) {
      // The gateway's first frame is its round-1 beacon; the node has no time yet.
      const RxOutcome rx = to.mesh->receive(f);
      if (&from == &gateway && first_beacon.empty()) {
        EXPECT_EQ(rx.net_reason, net::DropReason::not_synced);
        first_beacon = f;
      }
      from.mesh->on_radio_idle();
    }
  };
  // Run both until the node holds network time (a sync request answered), 5 s at most.
  for (int step = 0; step < 10'000 && !node.mesh->synced(); ++step) {
    const std::uint64_t next = std::min(gateway.platform.wake, node.platform.wake);
    ASSERT_NE(next, UINT64_MAX);
    now = std::max(now, next);
    ASSERT_LT(now, 6'000'000U);
    for (Device* d : {&gateway, &node}) {
      if (d->platform.wake <= now) {
        d->platform.wake = UINT64_MAX;
        d->mesh->on_wake();
      }
    }
    deliver(gateway, node);
    deliver(node, gateway);
  }
  ASSERT_TRUE(node.mesh->synced());
  ASSERT_FALSE(first_beacon.empty()) << "the gateway beacons as it starts";
  EXPECT_EQ(node.mesh->round(), 0U) << "a node without time took no beacon yet";

  const RxOutcome rx = node.mesh->receive(first_beacon);
  EXPECT_EQ(rx.net_reason, net::DropReason::none);
  EXPECT_TRUE(rx.beacon_taken);
  EXPECT_EQ(node.mesh->round(), 1U);
  EXPECT_EQ(node.mesh->beacon_chain().trusted_position(), chain_position(1, 0));
  // The value it now trusts is the gateway's own for round 1, from the seed of its set.
  const keys::NodeKeySet gateway_set = key_set(1, true);
  BeaconChainSource source;
  ASSERT_TRUE(source.init(network_id, gateway_set.beacon_chain_seed.span(), rounds));
  ChainValue round_one{};
  ASSERT_TRUE(source.round_value(1, round_one));
  EXPECT_EQ(node.mesh->beacon_chain().trusted(), round_one);
}


// Both devices' wake-ups and frames, each on its own clock, until `done` or `limit` µs of
// the node's clock have passed.
template <class Done>
void run_bench(Device& gateway, std::uint64_t& gateway_now, Device& node, std::uint64_t& node_now,
               std::uint64_t limit, Done done) {
  const std::uint64_t node_start = node_now;
  const std::uint64_t gateway_start = gateway_now;
  auto deliver = [](Device& from, Device& to) {
    auto frames = std::move(from.platform.sent);
    from.platform.sent.clear();
    for (const auto& f : frames) {
      (void)to.mesh->receive(f);
      from.mesh->on_radio_idle();
    }
  };
  while (!done() && node_now - node_start < limit) {
    // The next wake-up of either, in the time that has passed for both alike.
    const std::uint64_t g = gateway.platform.wake == UINT64_MAX ? UINT64_MAX : gateway.platform.wake - gateway_start;
    const std::uint64_t n = node.platform.wake == UINT64_MAX ? UINT64_MAX : node.platform.wake - node_start;
    const std::uint64_t next = std::min(g, n);
    ASSERT_NE(next, UINT64_MAX);
    gateway_now = std::max(gateway_now, gateway_start + next);
    node_now = std::max(node_now, node_start + next);
    for (Device* d : {&gateway, &node}) {
      if (d->platform.wake <= d->platform.local_us()) {
        d->platform.wake = UINT64_MAX;
        d->mesh->on_wake();
      }
    }
    deliver(gateway, node);
    deliver(node, gateway);
  }
}

// A node set by the gateway's beacons sleeps two days, and its clock, 100 ppm slow, wakes
// 30 s behind: three rounds, more than the two a beacon claim may lie ahead of a clock
// before it is dropped unchecked. Such a node dropped every genuine copy and never set its
// clock again; the claim's margin now grows with the drift since the clock was last set.
TEST(BeaconChainPersonalisation, ANodeWhoseClockLaggedWhileAsleepTakesTheBeaconsAgain) {
  constexpr std::uint32_t days_of_rounds = 2 * 8'640;
  constexpr std::uint32_t chain = days_of_rounds + 1'000;
  std::uint64_t gateway_now = 1'000'000, node_now = 5'000'000;
  Device node(2, Role::node, node_now);
  ASSERT_TRUE(node.mesh->personalise(key_set(2, false, network_id, chain)));
  {
    Device gateway(1, Role::gateway, gateway_now);
    ASSERT_TRUE(gateway.mesh->personalise(key_set(1, true, network_id, chain)));
    gateway.mesh->start();
    node.mesh->start();
    run_bench(gateway, gateway_now, node, node_now, 40'000'000, [&] { return node.mesh->time_settled(); });
    ASSERT_TRUE(node.mesh->time_settled());
  }
  const std::uint32_t round_before = node.mesh->round();
  ASSERT_GE(round_before, 1U);
  // Two days on. The gateway restarts into its network's round of then (its clock keeps the
  // network's time); the node's clock has lost 30 s.
  Device gateway(1, Role::gateway, gateway_now, days_of_rounds);
  ASSERT_TRUE(gateway.mesh->personalise(key_set(1, true, network_id, chain)));
  node_now += std::uint64_t{days_of_rounds} * 10'000'000 - 30'000'000;
  gateway.mesh->start();
  node.mesh->on_wake();
  run_bench(gateway, gateway_now, node, node_now, 60'000'000,
            [&] { return node.mesh->round() > days_of_rounds && node.mesh->time_settled(); });
  EXPECT_GT(node.mesh->round(), days_of_rounds);
  const auto error = static_cast<std::int64_t>(node.mesh->global_us()) - static_cast<std::int64_t>(gateway.mesh->global_us());
  EXPECT_LT(std::llabs(error), 10'000) << "its clock set by the beacons again";
}


// The back office's signature over a checkpoint, with the development signing key whose
// public half every bench set carries.
ChainCheckpoint signed_checkpoint(ChainCheckpoint c) {
  firmware::SoftwareBlobSigner signer;
  EXPECT_EQ(signer.init(keys::insecure_dev_blob_signing_seed()), crypto::Status::ok);
  std::array<std::uint8_t, chain_checkpoint_signed_size> message{};
  EXPECT_EQ(chain_checkpoint_signed_message(c, message), message.size());
  EXPECT_EQ(signer.sign(message, c.signature), crypto::Status::ok);
  return c;
}

// A gateway booting into a network a day old asks at once for a checkpoint of its round,
// then once a day of rounds; it sends only one that is signed, of its own network, and
// carries its own chain's value, and it sends it at once, as a checkpoint message.
TEST(BeaconChainPersonalisation, AGatewaySendsASignedCheckpointOfItsOwnChainOnceADay) {
  constexpr std::uint32_t day = 8'640;
  std::uint64_t now = 1'000'000;
  Device gateway(1, Role::gateway, now, day);
  ASSERT_TRUE(gateway.mesh->personalise(key_set(1, true, network_id, 2 * day + 1'000)));
  EXPECT_EQ(gateway.mesh->gateway_checkpoint_due(), 0U) << "not started";
  gateway.mesh->start();
  gateway.mesh->on_wake();
  const std::uint32_t round = gateway.mesh->round();
  ASSERT_EQ(round, day + 1);
  ASSERT_EQ(gateway.mesh->gateway_checkpoint_due(), round);

  ChainCheckpoint c;
  c.network_id = network_id;
  c.round = round;
  ASSERT_TRUE(gateway.mesh->gateway_chain_value(round, c.value));
  ChainValue later{};
  EXPECT_FALSE(gateway.mesh->gateway_chain_value(round + 1, later)) << "a round not begun is nobody's to sign";
  ChainCheckpoint wrong = c;
  wrong.value[3] ^= 0x10;
  EXPECT_FALSE(gateway.mesh->gateway_send_checkpoint(signed_checkpoint(wrong))) << "not its chain's value";
  wrong = c;
  wrong.network_id = network_id + 1;
  EXPECT_FALSE(gateway.mesh->gateway_send_checkpoint(signed_checkpoint(wrong))) << "another network's";
  EXPECT_FALSE(gateway.mesh->gateway_send_checkpoint(c)) << "unsigned";
  gateway.platform.sent.clear();
  ASSERT_TRUE(gateway.mesh->gateway_send_checkpoint(signed_checkpoint(c)));
  EXPECT_FALSE(gateway.mesh->gateway_send_checkpoint(signed_checkpoint(c))) << "held already";
  EXPECT_EQ(gateway.mesh->gateway_checkpoint_due(), 0U);

  // Sent at its next turn, as a checkpoint message; then nothing due for a day of rounds.
  std::uint32_t checkpoints_sent = 0, due_at = 0;
  for (int wake = 0; wake < 40'000 && due_at == 0; ++wake) {
    now = std::max(now, gateway.platform.wake);
    gateway.platform.wake = UINT64_MAX;
    gateway.mesh->on_wake();
    for (std::size_t k = 0; k < gateway.platform.sent.size(); ++k) gateway.mesh->on_radio_idle();
    gateway.platform.sent.clear();
    checkpoints_sent = static_cast<std::uint32_t>(gateway.mesh->sent_of(MessageType::checkpoint));
    if (gateway.mesh->gateway_checkpoint_due() != 0) due_at = gateway.mesh->round();
  }
  EXPECT_EQ(checkpoints_sent, 1U);
  EXPECT_EQ(due_at, round + day);
}

}  // namespace
}  // namespace meshsec::mesh
