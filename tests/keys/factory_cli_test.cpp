// `meshsec factory` end to end against a real SoftHSM2 token that the program creates itself
// under a temporary MESHSEC_HOME (its own softhsm2.conf and token directory).
#include <gtest/gtest.h>
#include <sys/wait.h>

#include <cstdlib>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "crypto/secure_memory.hpp"
#include "keys/cover_tree.hpp"
#include "keys/dev_master_keys.hpp"
#include "keys/node_key_set.hpp"
#include "keys/personalisation_image.hpp"
#include "support/factory_cli_fixture.hpp"
#include "support/test_paths.hpp"
#include "wire/hex.hpp"

namespace meshsec::keys {
namespace {

namespace fs = std::filesystem;

using meshsec::testing::read_all;
using meshsec::testing::read_text;
using meshsec::testing::write_all;

// Every batch passes a short beacon chain: the default, ten years of rounds, takes over a
// minute to walk (docs/factory.md §3).
const std::string rounds = " --beacon-rounds 1000";

class FactoryCli : public meshsec::testing::FactoryCliFixture {};

TEST_F(FactoryCli, InitCreatesMastersInsideTheHsm) {
  const auto prod = run_json("factory init --customer acme --env prod");
  ASSERT_TRUE(prod.is_object());
  EXPECT_EQ(prod["environment"], "prod");
  for (const auto& m : prod["masters"]) {
    EXPECT_TRUE(m["generated_inside"].get<bool>()) << m.dump();
    EXPECT_FALSE(m["extractable"].get<bool>());
  }
  // The program made its own token store under MESHSEC_HOME.
  EXPECT_TRUE(fs::exists(home_ / "softhsm" / "softhsm2.conf"));
  const auto dev = run_json("factory init --customer acme --env dev");
  for (const auto& m : dev["masters"]) {
    EXPECT_FALSE(m["generated_inside"].get<bool>());  // published development masters, imported
    EXPECT_FALSE(m["extractable"].get<bool>());
  }
  // Idempotent: a second init finds the same keys.
  const auto again = run_json("factory init --customer acme --env prod");
  EXPECT_EQ(again["blob_verification_key"], prod["blob_verification_key"]);
  // The boot chain's signing pairs: one vendor root per environment, found again by init.
  EXPECT_EQ(again["vendor_root_public_key"], prod["vendor_root_public_key"]);
  EXPECT_EQ(again["app_signing_public_key"], prod["app_signing_public_key"]);
  EXPECT_NE(prod["vendor_root_public_key"], dev["vendor_root_public_key"]);
  EXPECT_EQ(prod["vendor_root_key"], "meshsec/vendor/prod/root");
  EXPECT_EQ(dev["app_signing_key"], "meshsec/dev/app-signing");
}

TEST_F(FactoryCli, DevCustomersShareKeysProdCustomersDoNot) {
  const auto dev_a = run_json("factory init --customer alpha --env dev");
  const auto dev_b = run_json("factory init --customer beta --env dev");
  const auto prod_a = run_json("factory init --customer alpha --env prod");
  const auto prod_b = run_json("factory init --customer beta --env prod");
  EXPECT_EQ(dev_a["blob_verification_key"], dev_b["blob_verification_key"]);
  EXPECT_NE(prod_a["blob_verification_key"], prod_b["blob_verification_key"]);
  EXPECT_NE(prod_a["blob_verification_key"], dev_a["blob_verification_key"]);

  std::vector<std::uint8_t> image;
  const auto blob_dev = make_blob("alpha --env dev", image, "dev.blob");
  const auto blob_prod = make_blob("alpha --env prod", image, "prod.blob");
  ASSERT_EQ(run("factory personalise" + rounds + " --customer alpha --env dev --count 1 --out '" +
                (home_ / "d").string() + "' --firmware '" + blob_dev.string() + "'"),
            0);
  ASSERT_EQ(run("factory personalise" + rounds + " --customer alpha --env prod --count 1 --out '" +
                (home_ / "p").string() + "' --firmware '" + blob_prod.string() + "'"),
            0);
  const auto d = load_image(home_ / "d", 1);
  const auto p = load_image(home_ / "p", 1);
  EXPECT_NE(wire::to_hex(d.keys.auth_key.span()), wire::to_hex(p.keys.auth_key.span()));
  EXPECT_NE(wire::to_hex(d.keys.network_key.span()), wire::to_hex(p.keys.network_key.span()));
  EXPECT_EQ(d.environment, Environment::dev);
  EXPECT_EQ(p.environment, Environment::prod);
  // A dev blob is refused by the prod customer (other signing key): nothing written.
  std::string out;
  EXPECT_NE(run("factory personalise" + rounds + " --customer alpha --env prod --count 1 --out '" +
                    (home_ / "x").string() + "' --firmware '" + blob_dev.string() + "'",
                &out),
            0);
  EXPECT_NE(out.find("refused"), std::string::npos) << out;
  EXPECT_FALSE(fs::exists(home_ / "x"));
}

// The keys in an image (derived inside the token) equal the literal-bytes derivation over
// the published development masters, and the manifest carries none of them.
TEST_F(FactoryCli, PersonaliseWritesImagesAndASecretFreeManifest) {
  run_json("factory init --customer gamma --env dev");
  std::vector<std::uint8_t> image;
  const auto blob = make_blob("gamma", image, "fw.blob");
  const fs::path out_dir = home_ / "batch";
  const auto manifest =
      run_json("factory personalise" + rounds + " --customer gamma --count 3 --out '" + out_dir.string() +
               "' --firmware '" + blob.string() + "' --network-id 9 --network-key-index 2");
  ASSERT_TRUE(manifest.is_object());
  ASSERT_EQ(manifest["nodes"].size(), 3U);
  EXPECT_EQ(read_all(out_dir / "firmware.bin"), image);  // verified and decrypted inside the HSM
  EXPECT_EQ(fs::status(out_dir / "node-1.mspi").permissions() & fs::perms::all,
            fs::perms::owner_read | fs::perms::owner_write);

  const std::string manifest_text = read_text(out_dir / "manifest.json");
  // No secret of an image in a manifest, neither as hex nor as raw bytes.
  const auto expect_no_secret = [](const std::string& text, const PersonalisationImage& img) {
    std::vector<std::span<const std::uint8_t>> secrets{img.secret_serial.span(), img.device_auth_key.span()};
    for (KeyPurpose p : {KeyPurpose::auth, KeyPurpose::enc, KeyPurpose::e2, KeyPurpose::net, KeyPurpose::blob})
      if (!img.keys.key(p).empty()) secrets.push_back(img.keys.key(p));
    for (unsigned level = 0; level <= cover_depth; ++level) secrets.push_back(img.keys.cover_key(level));
    if (img.keys.has_blob_decryption_key) secrets.push_back(img.keys.beacon_chain_seed.span());
    for (auto s : secrets) {
      const std::string hex = wire::to_hex(s);
      EXPECT_EQ(text.find(hex), std::string::npos);
      EXPECT_EQ(text.find(hex.substr(0, 16)), std::string::npos);
      EXPECT_EQ(text.find(std::string(s.begin(), s.end())), std::string::npos);
    }
  };

  MasterKeyMaterial masters;
  ASSERT_EQ(load_insecure_dev_masters(masters), KeyError::ok);
  const CustomerContext ctx{"gamma", Environment::dev, KeySize::bits256};
  for (std::uint32_t node = 1; node <= 3; ++node) {
    const auto img = load_image(out_dir, node);
    EXPECT_EQ(img.keys.node_id, node);
    EXPECT_EQ(img.keys.network_id, 9U);
    EXPECT_EQ(img.keys.network_key_index, 2);
    NodeKeyRequest req;
    req.node_id = node;
    req.network_id = 9;
    req.network_key_index = 2;
    NodeKeySet expected;
    ASSERT_EQ(derive_node_key_set(masters, ctx, req, expected), KeyError::ok);
    for (KeyPurpose p : {KeyPurpose::auth, KeyPurpose::enc, KeyPurpose::e2, KeyPurpose::net})
      EXPECT_EQ(wire::to_hex(img.keys.key(p)), wire::to_hex(expected.key(p))) << to_string(p);
    for (unsigned level = 0; level <= cover_depth; ++level)
      EXPECT_EQ(wire::to_hex(img.keys.cover_key(level)), wire::to_hex(expected.cover_key(level))) << level;
    EXPECT_EQ(wire::to_hex(img.keys.blob_verification_key), manifest["blob_verification_key"].get<std::string>());
    EXPECT_GT(img.keystore_size, 0U);
    // The network's chain: rounds and anchor in the image and the manifest, no seed.
    EXPECT_EQ(img.keys.beacon_chain_rounds, 1000U);
    EXPECT_EQ(manifest["beacon_chain"]["rounds"], 1000);
    EXPECT_EQ(manifest["beacon_chain"]["anchor"], wire::to_hex(img.keys.beacon_anchor));
    EXPECT_TRUE(crypto::is_all_zero_constant_time(img.keys.beacon_chain_seed.span()));
    expect_no_secret(manifest_text, img);
  }
  // A gateway's image adds the blob decryption key and the chain's seed, derived in custody
  // as the literal path derives it; its manifest has neither.
  const fs::path gateway_dir = home_ / "gateway";
  const auto gateway_manifest =
      run_json("factory personalise" + rounds + " --customer gamma --count 1 --gateway --out '" + gateway_dir.string() +
               "' --firmware '" + blob.string() + "' --network-id 9 --network-key-index 2");
  ASSERT_EQ(gateway_manifest["nodes"].size(), 1U);
  EXPECT_EQ(gateway_manifest["beacon_chain"], manifest["beacon_chain"]);
  const auto gateway = load_image(gateway_dir, 4);
  ASSERT_TRUE(gateway.keys.has_blob_decryption_key);
  NodeKeyRequest gateway_req;
  gateway_req.node_id = 4;
  gateway_req.network_id = 9;
  gateway_req.network_key_index = 2;
  gateway_req.gateway = true;
  NodeKeySet expected_gateway;
  ASSERT_EQ(derive_node_key_set(masters, ctx, gateway_req, expected_gateway), KeyError::ok);
  EXPECT_EQ(wire::to_hex(gateway.keys.beacon_chain_seed.span()),
            wire::to_hex(expected_gateway.beacon_chain_seed.span()));
  EXPECT_FALSE(crypto::is_all_zero_constant_time(gateway.keys.beacon_chain_seed.span()));
  expect_no_secret(read_text(gateway_dir / "manifest.json"), gateway);
  // Nor is the seed in the customer's record, which keeps the chain's public facts.
  const std::string record = read_text(home_ / "factory" / "gamma" / "dev.json");
  EXPECT_NE(record.find(manifest["beacon_chain"]["anchor"].get<std::string>()), std::string::npos) << record;
  expect_no_secret(record, gateway);
  // Node ids continue where the last batch ended.
  const auto next = run_json("factory personalise" + rounds + " --customer gamma --count 1 --out '" +
                             (home_ / "batch2").string() + "' --firmware '" + blob.string() + "'");
  EXPECT_EQ(next["nodes"][0]["node_id"], 5);
  // An id is issued once: a second device under id 3 would hold the same E2 key and seal
  // its records from counter 0 again, under the nonces the first one used.
  {
    std::string refused;
    EXPECT_NE(run("factory personalise" + rounds + " --customer gamma --count 2 --first-node-id 2 --out '" +
                      (home_ / "again").string() + "' --firmware '" + blob.string() + "'",
                  &refused),
              0);
    EXPECT_NE(refused.find("node ids 1..5 were personalised before"), std::string::npos) << refused;
    EXPECT_FALSE(fs::exists(home_ / "again"));
    // Ids never issued are free, ahead of the counter too; the record keeps both ranges.
    const auto ahead = run_json("factory personalise" + rounds + " --customer gamma --count 1 --first-node-id 9 --out '" +
                                (home_ / "ahead").string() + "' --firmware '" + blob.string() + "'");
    EXPECT_EQ(ahead["nodes"][0]["node_id"], 9);
    const auto kept = nlohmann::json::parse(read_text(home_ / "factory" / "gamma" / "dev.json"));
    EXPECT_EQ(kept["issued_node_ids"], nlohmann::json::parse("[[1,5],[9,9]]"));
  }
  // Images are written once: the same directory is not overwritten.
  std::string out;
  EXPECT_NE(run("factory personalise" + rounds + " --customer gamma --count 1 --first-node-id 1 --out '" +
                    out_dir.string() + "' --firmware '" + blob.string() + "'",
                &out),
            0);
}

// Every image carries the node's path in the cover tree, which only mesh node ids have: a
// batch reaching past the highest one is refused before anything is written.
TEST_F(FactoryCli, NodeIdsBeyondTheMeshAreRefused) {
  run_json("factory init --customer zeta --env dev");
  std::vector<std::uint8_t> image;
  const auto blob = make_blob("zeta", image, "fw.blob");
  const std::string last = std::to_string(max_mesh_node_id);
  std::string out;
  EXPECT_NE(run("factory personalise" + rounds + " --customer zeta --count 2 --first-node-id " + last + " --out '" +
                    (home_ / "past").string() + "' --firmware '" + blob.string() + "'",
                &out),
            0);
  EXPECT_NE(out.find("node ids must lie in 1.." + last), std::string::npos) << out;
  EXPECT_FALSE(fs::exists(home_ / "past"));
  // The highest id itself is a node's.
  const auto manifest = run_json("factory personalise" + rounds + " --customer zeta --count 1 --first-node-id " + last +
                                 " --out '" + (home_ / "edge").string() + "' --firmware '" + blob.string() + "'");
  EXPECT_EQ(manifest["nodes"][0]["node_id"], max_mesh_node_id);
  const auto img = load_image(home_ / "edge", max_mesh_node_id);
  MasterKeyMaterial masters;
  ASSERT_EQ(load_insecure_dev_masters(masters), KeyError::ok);
  NodeKeyRequest req;
  req.node_id = max_mesh_node_id;
  req.network_id = 1;
  NodeKeySet expected;
  ASSERT_EQ(derive_node_key_set(masters, {"zeta", Environment::dev, KeySize::bits256}, req, expected), KeyError::ok);
  EXPECT_EQ(wire::to_hex(img.keys.cover_key(cover_depth)), wire::to_hex(expected.cover_key(cover_depth)));
  // The customer's counter now stands past the last id: continuing is refused too.
  EXPECT_NE(run("factory personalise" + rounds + " --customer zeta --count 1 --out '" + (home_ / "more").string() +
                "' --firmware '" + blob.string() + "'"),
            0);
  EXPECT_FALSE(fs::exists(home_ / "more"));
}

// A network's beacon chain is fixed by its first batch: every later batch of the network
// carries the same rounds and anchor (asked for again or not), another network gets its own,
// and the customer's record keeps each network's chain.
TEST_F(FactoryCli, BatchesOfOneNetworkShareItsBeaconChain) {
  run_json("factory init --customer eta --env dev");
  std::vector<std::uint8_t> image;
  const auto blob = make_blob("eta", image, "fw.blob");
  const auto batch = [&](const std::string& dir, const std::string& options) {
    return run_json("factory personalise --customer eta --out '" + (home_ / dir).string() + "' --firmware '" +
                    blob.string() + "' " + options);
  };
  const auto first = batch("a", "--count 2 --network-id 5 --beacon-rounds 1000");
  const auto again = batch("b", "--count 1 --network-id 5");
  const auto asked = batch("c", "--count 1 --network-id 5 --beacon-rounds 1000 --gateway");
  const auto other = batch("d", "--count 1 --network-id 6 --beacon-rounds 1000");
  const std::string anchor = first["beacon_chain"]["anchor"].get<std::string>();
  EXPECT_EQ(anchor.size(), 32U);
  EXPECT_EQ(first["beacon_chain"]["rounds"], 1000);
  for (const auto* m : {&again, &asked}) EXPECT_EQ((*m)["beacon_chain"], first["beacon_chain"]) << m->dump();
  EXPECT_NE(other["beacon_chain"]["anchor"], first["beacon_chain"]["anchor"]) << "one chain per network";
  for (const auto& [dir, node] : {std::pair{"a", 1U}, std::pair{"a", 2U}, std::pair{"b", 3U}, std::pair{"c", 4U}}) {
    const auto img = load_image(home_ / dir, node);
    EXPECT_EQ(img.keys.beacon_chain_rounds, 1000U) << node;
    EXPECT_EQ(wire::to_hex(img.keys.beacon_anchor), anchor) << node;
  }
  EXPECT_FALSE(crypto::is_all_zero_constant_time(load_image(home_ / "c", 4).keys.beacon_chain_seed.span()));
  const auto record = nlohmann::json::parse(read_text(home_ / "factory" / "eta" / "dev.json"));
  ASSERT_EQ(record["beacon_chains"].size(), 2U) << record.dump();
  EXPECT_EQ(record["beacon_chains"][0]["network_id"], 5);
  EXPECT_EQ(record["beacon_chains"][0]["rounds"], 1000);
  EXPECT_EQ(record["beacon_chains"][0]["anchor"], anchor);
  EXPECT_EQ(record["beacon_chains"][1]["network_id"], 6);
  // Init again keeps the record's chains.
  run_json("factory init --customer eta --env dev");
  EXPECT_EQ(nlohmann::json::parse(read_text(home_ / "factory" / "eta" / "dev.json"))["beacon_chains"],
            record["beacon_chains"]);
}

// Other rounds for a network whose chain is recorded would give its nodes an anchor its
// gateways' chain never reaches: refused before anything is written, record included. So
// are rounds outside 1..(2^32 − 1)/64.
TEST_F(FactoryCli, OtherRoundsForARecordedNetworkAreRefusedAndNothingIsWritten) {
  run_json("factory init --customer theta --env dev");
  std::vector<std::uint8_t> image;
  const auto blob = make_blob("theta", image, "fw.blob");
  const auto personalise = [&](const std::string& dir, const std::string& options, std::string& out) {
    return run("factory personalise --customer theta --count 1 --network-id 5 --out '" + (home_ / dir).string() +
                   "' --firmware '" + blob.string() + "' " + options,
               &out);
  };
  std::string out;
  ASSERT_EQ(personalise("first", "--beacon-rounds 1000", out), 0) << out;
  const fs::path record = home_ / "factory" / "theta" / "dev.json";
  const std::string before = read_text(record);
  for (const std::string gateway : {"", "--gateway"}) {
    EXPECT_NE(personalise("second", "--beacon-rounds 2000 " + gateway, out), 0);
    EXPECT_NE(out.find("network 5's beacon chain has 1000 rounds"), std::string::npos) << out;
    EXPECT_FALSE(fs::exists(home_ / "second"));
    EXPECT_EQ(read_text(record), before);
  }
  for (const std::string bad : {"0", "67108864", "4294967296"}) {
    EXPECT_NE(personalise("third", "--beacon-rounds " + bad, out), 0) << bad;
    EXPECT_NE(out.find("--beacon-rounds must be 1..67108863"), std::string::npos) << bad << ": " << out;
    EXPECT_FALSE(fs::exists(home_ / "third"));
  }
  EXPECT_EQ(read_text(record), before);
}

// M6: keys are never injected into an image that failed verification.
TEST_F(FactoryCli, TamperedBlobIsRefusedAndNothingIsWritten) {
  run_json("factory init --customer delta --env prod");
  std::vector<std::uint8_t> image;
  const auto blob = make_blob("delta", image, "fw.blob");
  const auto good = read_all(blob);
  ASSERT_GT(good.size(), 400U);
  struct Tamper {
    const char* what;
    std::size_t offset;
  };
  const std::vector<Tamper> tampers{{"header (version)", 20},
                                    {"signature", 124 + 10},
                                    {"first chunk ciphertext", 188 + 3},
                                    {"last chunk tag", good.size() - 1}};
  for (const auto& t : tampers) {
    auto bad = good;
    bad[t.offset] ^= 0x01;
    const fs::path bad_blob = home_ / "bad.blob";
    write_all(bad_blob, bad);
    const fs::path out_dir = home_ / "refused";
    std::string out;
    EXPECT_NE(run("factory personalise" + rounds + " --customer delta --count 2 --out '" + out_dir.string() +
                      "' --firmware '" + bad_blob.string() + "'",
                  &out),
              0)
        << t.what;
    EXPECT_NE(out.find("firmware blob refused"), std::string::npos) << t.what << ": " << out;
    EXPECT_FALSE(fs::exists(out_dir)) << t.what;
  }
  // A truncated blob, and another customer's valid blob, are refused the same way.
  auto cut = good;
  cut.resize(cut.size() - 5);
  write_all(home_ / "cut.blob", cut);
  EXPECT_NE(run("factory personalise" + rounds + " --customer delta --count 1 --out '" + (home_ / "c").string() +
                "' --firmware '" + (home_ / "cut.blob").string() + "'"),
            0);
  EXPECT_FALSE(fs::exists(home_ / "c"));
  run_json("factory init --customer epsilon --env prod");
  EXPECT_NE(run("factory personalise" + rounds + " --customer epsilon --count 1 --out '" + (home_ / "e").string() +
                "' --firmware '" + blob.string() + "'"),
            0);
  EXPECT_FALSE(fs::exists(home_ / "e"));
  // The untampered blob still works.
  EXPECT_EQ(run("factory personalise" + rounds + " --customer delta --count 1 --out '" + (home_ / "ok").string() +
                "' --firmware '" + blob.string() + "'"),
            0);
}

TEST_F(FactoryCli, ProductionTokenNeedsAPin) {
  std::string out;
  const std::string cmd = "env -u SOFTHSM2_CONF -u MESHSEC_HSM_PIN MESHSEC_HSM_TOKEN=factory-prod MESHSEC_HOME='" +
                          home_.string() + "' '" + meshsec::testing::cli_path() +
                          "' factory init --customer acme --env prod >/dev/null 2>&1";
  const int status = std::system(cmd.c_str());
  EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) != 0);
}

}  // namespace
}  // namespace meshsec::keys
