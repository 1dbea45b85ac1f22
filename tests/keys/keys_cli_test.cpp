// `meshsec keys derive`: development keys are printed and match the library, production
// keys never are.
#include <gtest/gtest.h>

#include <array>
#include <cstdio>
#include <string>

#include "keys/dev_master_keys.hpp"
#include "keys/key_derivation.hpp"
#include "keys/key_id.hpp"
#include "keys/master_key_material.hpp"
#include "keys/node_key_set.hpp"
#include "support/test_paths.hpp"
#include "wire/hex.hpp"

using namespace meshsec;
using namespace meshsec::keys;

namespace {

struct CliRun {
  int status = -1;
  std::string out;
};

CliRun run(const std::string& args) {
  CliRun r;
  const std::string command = meshsec::testing::cli_path() + " " + args + " 2>&1";
  FILE* pipe = popen(command.c_str(), "r");
  if (pipe == nullptr) return r;
  std::array<char, 512> buffer{};
  while (std::fgets(buffer.data(), buffer.size(), pipe) != nullptr) r.out += buffer.data();
  r.status = pclose(pipe);
  return r;
}

std::string expected_key_hex(Environment env, KeyPurpose purpose, std::uint32_t node, KeySize size) {
  DerivationInput in;
  in.customer_id = "acme-lighting";
  in.environment = env;
  in.purpose = purpose;
  in.subject_id = node;
  in.version = 1;
  in.key_size = size;
  std::array<std::uint8_t, 32> master{};
  const auto dev = insecure_dev_master(purpose);
  std::copy(dev.begin(), dev.end(), master.begin());
  std::array<std::uint8_t, 32> key{};
  EXPECT_EQ(derive_key(master, in, std::span(key).first(key_bytes(size))), KeyError::ok);
  return wire::to_hex(std::span(key).first(key_bytes(size)));
}

std::string expected_id_hex(Environment env, KeyPurpose purpose, std::uint32_t node, KeySize size) {
  DerivationInput in;
  in.customer_id = "acme-lighting";
  in.environment = env;
  in.purpose = purpose;
  in.subject_id = node;
  in.version = 1;
  in.key_size = size;
  KeyId id{};
  EXPECT_EQ(compute_key_id(in, id), KeyError::ok);
  return wire::to_hex(id);
}

}  // namespace

TEST(KeysCli, DevPrintsKeyAndId) {
  const CliRun r = run("keys derive --customer acme-lighting --env dev --node 0x1234 --purpose auth --json");
  ASSERT_EQ(r.status, 0) << r.out;
  EXPECT_NE(r.out.find("\"key_id\": \"" + expected_id_hex(Environment::dev, KeyPurpose::auth, 0x1234, KeySize::bits256)),
            std::string::npos)
      << r.out;
  EXPECT_NE(r.out.find("\"key\": \"" + expected_key_hex(Environment::dev, KeyPurpose::auth, 0x1234, KeySize::bits256)),
            std::string::npos)
      << r.out;
  const CliRun text = run("keys derive --customer acme-lighting --env dev --node 4660 --purpose e2 --bits 128");
  ASSERT_EQ(text.status, 0) << text.out;
  EXPECT_NE(text.out.find(expected_key_hex(Environment::dev, KeyPurpose::e2, 4660, KeySize::bits128)),
            std::string::npos)
      << text.out;
  EXPECT_NE(text.out.find("INSECURE"), std::string::npos) << text.out;
}

TEST(KeysCli, ProdNeverPrintsKeyBytes) {
  const CliRun r = run("keys derive --customer acme-lighting --env prod --node 0x1234 --purpose enc --json");
  ASSERT_EQ(r.status, 0) << r.out;
  EXPECT_NE(r.out.find(expected_id_hex(Environment::prod, KeyPurpose::enc, 0x1234, KeySize::bits256)),
            std::string::npos)
      << r.out;
  EXPECT_EQ(r.out.find("\"key\":"), std::string::npos) << r.out;
  // Not even the key the development masters would give for these fields.
  EXPECT_EQ(r.out.find(expected_key_hex(Environment::prod, KeyPurpose::enc, 0x1234, KeySize::bits256)),
            std::string::npos);
  const CliRun text = run("keys derive --customer acme-lighting --env prod --node 1 --purpose auth");
  ASSERT_EQ(text.status, 0) << text.out;
  EXPECT_NE(text.out.find("never printed"), std::string::npos) << text.out;
}

// Network keys name their network: the chain seed printed is the one a gateway of that
// network is given (derive_node_key_set), 128 bits by default and only so.
TEST(KeysCli, NetworkKeysAndTheGatewaysChainSeed) {
  const CliRun r = run("keys derive --customer acme-lighting --env dev --network 9 --purpose chain --json");
  ASSERT_EQ(r.status, 0) << r.out;
  MasterKeyMaterial literal;
  ASSERT_EQ(load_insecure_dev_masters(literal), KeyError::ok);
  NodeKeyRequest gateway;
  gateway.node_id = 1;
  gateway.network_id = 9;
  gateway.network_key_index = 1;  // the version the command defaults to
  gateway.gateway = true;
  NodeKeySet set;
  ASSERT_EQ(derive_node_key_set(literal, {"acme-lighting", Environment::dev, KeySize::bits256}, gateway, set),
            KeyError::ok);
  EXPECT_NE(r.out.find("\"key\": \"" + wire::to_hex(set.beacon_chain_seed.span()) + "\""), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("\"network_id\": 9"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("\"bits\": 128"), std::string::npos) << r.out;
  const CliRun net = run("keys derive --customer acme-lighting --env dev --network 9 --purpose net --json");
  ASSERT_EQ(net.status, 0) << net.out;
  EXPECT_NE(net.out.find(wire::to_hex(set.key(KeyPurpose::net))), std::string::npos) << net.out;
  EXPECT_NE(run("keys derive --customer acme --env dev --network 9 --purpose chain --bits 256").status, 0);
  EXPECT_NE(run("keys derive --customer acme --env dev --network 9 --purpose auth").status, 0);
  EXPECT_NE(run("keys derive --customer acme --env dev --node 9 --purpose chain").status, 0);
  EXPECT_NE(run("keys derive --customer acme --env dev --network 9 --purpose blob").status, 0);
}

TEST(KeysCli, RejectsBadArguments) {
  EXPECT_NE(run("keys derive --customer bad/id --env dev --node 1 --purpose auth").status, 0);
  EXPECT_NE(run("keys derive --customer acme --env staging --node 1 --purpose auth").status, 0);
  EXPECT_NE(run("keys derive --customer acme --env dev --node 1 --purpose net").status, 0);
  EXPECT_NE(run("keys derive --customer acme --env dev --node 1 --purpose auth --bits 192").status, 0);
  EXPECT_NE(run("keys derive --customer acme --env dev --node 0x1_0000_0000 --purpose auth").status, 0);
  EXPECT_NE(run("keys derive --customer acme --env dev --node 4294967296 --purpose auth").status, 0);
}
