// The beacon chain as `meshsec factory personalise` fixes it (docs/factory.md §3): a gateway
// image's seed rebuilds the anchor every node image of its network holds, a node checks the
// gateway's round values with nothing but its image, and another network's chain does not
// pass; both images personalise a MeshNode.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "mesh/beacon_chain.hpp"
#include "mesh/mesh_node.hpp"
#include "node/nv_ram_store.hpp"
#include "node/platform.hpp"
#include "support/factory_cli_fixture.hpp"
#include "support/mesh_test_blob.hpp"

namespace meshsec::mesh {
namespace {

class FactoryBeaconChain : public meshsec::testing::FactoryCliFixture {
 protected:
  // One batch of customer "iota" (dev) into `dir`: chains of 1,000 rounds, the 128-bit keys
  // of the mesh.
  void personalise(const std::string& dir, const std::string& options) {
    std::string out;
    ASSERT_EQ(run("factory personalise --customer iota --beacon-rounds 1000 --key-bits 128 --out '" +
                      (home_ / dir).string() + "' --firmware '" + blob_.string() + "' " + options,
                  &out),
              0)
        << out;
  }
  void SetUp() override {
    FactoryCliFixture::SetUp();
    if (IsSkipped()) return;
    run_json("factory init --customer iota --env dev");
    std::vector<std::uint8_t> image;
    blob_ = make_blob("iota", image, "fw.blob");
  }
  std::filesystem::path blob_;
};

class IdlePlatform final : public node::Platform {
 public:
  [[nodiscard]] std::uint64_t local_us() const noexcept override { return 1'000'000; }
  [[nodiscard]] bool channel_clear(std::size_t) const noexcept override { return true; }
  [[nodiscard]] bool transmit(std::span<const std::uint8_t>) noexcept override { return true; }
  [[nodiscard]] bool radio_busy() const noexcept override { return false; }
  void wake_at(std::uint64_t) noexcept override {}
  [[nodiscard]] std::uint32_t random_u32() noexcept override { return 4; }
};

bool personalise_mesh_node(const keys::NodeKeySet& keys, Role role) {
  IdlePlatform platform;
  mesh_testing::MapStore store;
  node::NvRamStore nv;
  MeshConfig config;
  config.role = role;
  config.net.channel = 11;
  config.net.domain = 0x123;
  MeshNode node(static_cast<node::NodeId>(keys.node_id), config, platform, store, nv, nv);
  return node.personalise(keys);
}

TEST_F(FactoryBeaconChain, AGatewayImagesSeedRebuildsTheAnchorItsNodesCheckItsRoundsWith) {
  personalise("nodes", "--count 2 --network-id 9");
  personalise("gateway", "--count 1 --network-id 9 --gateway");
  personalise("elsewhere", "--count 1 --network-id 10 --gateway");
  const auto node = load_image(home_ / "nodes", 1);
  const auto gateway = load_image(home_ / "gateway", 3);
  const auto other = load_image(home_ / "elsewhere", 4);
  ASSERT_EQ(node.keys.beacon_chain_rounds, 1000U);
  ASSERT_TRUE(gateway.keys.has_blob_decryption_key);

  BeaconChainSource source;
  ASSERT_TRUE(
      source.init(gateway.keys.network_id, gateway.keys.beacon_chain_seed.span(), gateway.keys.beacon_chain_rounds));
  EXPECT_EQ(source.anchor(), node.keys.beacon_anchor);
  EXPECT_GE(source.rounds(), node.keys.beacon_chain_rounds);

  BeaconChainVerifier verifier;
  ASSERT_TRUE(verifier.init(node.keys.network_id, node.keys.beacon_anchor));
  ChainValue v{};
  for (const std::uint32_t round : {1U, 2U, 300U, 1000U}) {
    ASSERT_TRUE(source.round_value(round, v));
    EXPECT_EQ(verifier.check(round, 0, v), BeaconChainVerifier::Verdict::genuine) << round;
  }
  // Network 10's gateway, round 1001: not a value of network 9's chain.
  BeaconChainSource elsewhere;
  ASSERT_TRUE(
      elsewhere.init(other.keys.network_id, other.keys.beacon_chain_seed.span(), other.keys.beacon_chain_rounds));
  EXPECT_NE(elsewhere.anchor(), node.keys.beacon_anchor);
  ASSERT_TRUE(elsewhere.round_value(1001, v));
  EXPECT_EQ(verifier.check(1001, 0, v), BeaconChainVerifier::Verdict::forged);

  // The images as they are personalise the mesh: the gateway's chain ends at its anchor.
  EXPECT_TRUE(personalise_mesh_node(gateway.keys, Role::gateway));
  EXPECT_TRUE(personalise_mesh_node(node.keys, Role::node));
  EXPECT_FALSE(personalise_mesh_node(node.keys, Role::gateway)) << "a node's image holds no seed";
}

}  // namespace
}  // namespace meshsec::mesh
