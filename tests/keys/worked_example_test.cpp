// Recomputes every value of the worked example in docs/keys.md, read from the document at
// run time so the published numbers can never drift from the code.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>
#include <string>
#include <vector>

#include "hsm/memory_key_store.hpp"
#include "keys/cover_tree.hpp"
#include "keys/custody_derivation.hpp"
#include "keys/customer_masters.hpp"
#include "keys/dev_master_keys.hpp"
#include "keys/derivation_label.hpp"
#include "keys/key_derivation.hpp"
#include "keys/key_id.hpp"
#include "keys/node_key_set.hpp"
#include "wire/hex.hpp"

using namespace meshsec;
using namespace meshsec::keys;
using wire::to_hex;

namespace {

constexpr KeyPurpose kAll[] = {KeyPurpose::auth, KeyPurpose::enc, KeyPurpose::e2, KeyPurpose::net, KeyPurpose::blob};

// The `name value` lines between the worked-example markers.
std::map<std::string, std::string> read_example() {
  const auto path = std::filesystem::path(MESHSEC_SOURCE_DIR) / "docs" / "keys.md";
  std::ifstream file(path);
  EXPECT_TRUE(file.good()) << path;
  std::map<std::string, std::string> values;
  std::string line;
  bool inside = false;
  while (std::getline(file, line)) {
    if (line.find("<!-- worked-example:begin -->") != std::string::npos) inside = true;
    else if (line.find("<!-- worked-example:end -->") != std::string::npos) inside = false;
    else if (inside && !line.starts_with("```")) {
      std::istringstream fields(line);
      std::string name, value, extra;
      if (!(fields >> name)) continue;
      EXPECT_TRUE(fields >> value) << line;
      EXPECT_FALSE(fields >> extra) << line;
      EXPECT_FALSE(values.contains(name)) << "duplicate " << name;
      values[name] = value;
    }
  }
  return values;
}

std::uint32_t number(const std::string& text) { return static_cast<std::uint32_t>(std::stoul(text, nullptr, 0)); }

std::string hex(std::span<const std::uint8_t> bytes) { return to_hex(bytes); }

}  // namespace

TEST(WorkedExample, DocumentValuesAreWhatTheCodeDerives) {
  auto doc = read_example();
  ASSERT_FALSE(doc.empty()) << "no worked example found in docs/keys.md";
  std::size_t checked = 0;
  auto expect = [&](const std::string& name, const std::string& actual) {
    ASSERT_TRUE(doc.contains(name)) << "docs/keys.md lacks " << name;
    EXPECT_EQ(doc[name], actual) << name;
    ++checked;
  };

  Environment env{};
  ASSERT_TRUE(parse_environment(doc["input.environment"], env));
  ASSERT_EQ(env, Environment::dev) << "the worked example uses the published development masters";
  const std::string customer_id = doc["input.customer_id"];
  NodeKeyRequest request;
  request.node_id = number(doc["input.node_id"]);
  request.key_version = number(doc["input.key_version"]);
  request.network_id = number(doc["input.network_id"]);
  request.network_key_index = static_cast<std::uint8_t>(number(doc["input.network_key_index"]));
  request.blob_key_version = number(doc["input.blob_key_version"]);
  request.gateway = true;
  checked += 7;

  for (KeyPurpose p : kAll) expect("master." + std::string(to_string(p)), hex(insecure_dev_master(p)));
  expect("blob_signing.seed", hex(insecure_dev_blob_signing_seed()));
  MasterKeyMaterial literal;
  ASSERT_EQ(load_insecure_dev_masters(literal), KeyError::ok);
  expect("blob_verification_key", hex(literal.blob_verification_key));

  hsm::MemoryKeyStore::Options options;
  options.allow_import = true;
  hsm::MemoryKeyStore store(options);
  auto masters = provision_customer_masters(store, env, customer_id);
  ASSERT_TRUE(masters.ok());

  // One derivation's four printed lines: its Label, Context, key and key id.
  auto expect_derivation = [&](const std::string& prefix, const DerivationInput& in, std::span<const std::uint8_t> key) {
    DerivationLabel label;
    ASSERT_EQ(encode_derivation_label(in, label), KeyError::ok);
    KeyId id{};
    ASSERT_EQ(compute_key_id(in, id), KeyError::ok);
    expect(prefix + "label", hex(label.label()));
    expect(prefix + "context", hex(label.context()));
    expect(prefix + "key", hex(key));
    expect(prefix + "key_id", hex(id));
  };
  for (KeySize size : {KeySize::bits256, KeySize::bits128}) {
    const CustomerContext customer{customer_id, env, size};
    NodeKeySet from_bytes;
    ASSERT_EQ(derive_node_key_set(literal, customer, request, from_bytes), KeyError::ok);
    auto from_custody = derive_node_key_set(store, masters.value(), customer, request);
    ASSERT_TRUE(from_custody.ok());
    EXPECT_EQ(from_custody.value().blob_verification_key, literal.blob_verification_key);
    for (KeyPurpose p : kAll) {
      const std::string prefix = std::to_string(static_cast<unsigned>(size)) + "." + std::string(to_string(p)) + ".";
      expect_derivation(prefix, node_key_input(customer, request, p), from_bytes.key(p));
      EXPECT_EQ(hex(from_custody.value().key(p)), hex(from_bytes.key(p))) << prefix;
    }
    // Cover keys: the document prints the whole network's (level 0) and the node's own
    // leaf's (level 16); the two paths must agree on all 17.
    for (unsigned level = 0; level <= cover_depth; ++level) {
      const std::string prefix =
          std::to_string(static_cast<unsigned>(size)) + ".cover." + std::to_string(level) + ".";
      EXPECT_EQ(hex(from_custody.value().cover_key(level)), hex(from_bytes.cover_key(level))) << prefix;
      if (level == 0 || level == cover_depth)
        expect_derivation(prefix, cover_key_input(customer, request, level), from_bytes.cover_key(level));
    }
    // The gateway's beacon chain seed: 128 bits for customers of either key size, so the
    // document prints it once; both sizes and both paths must give it.
    EXPECT_EQ(hex(from_custody.value().beacon_chain_seed.span()), hex(from_bytes.beacon_chain_seed.span()));
    if (size == KeySize::bits256)
      expect_derivation("chain.", node_key_input(customer, request, KeyPurpose::chain),
                        from_bytes.beacon_chain_seed.span());
    else
      EXPECT_EQ(hex(from_bytes.beacon_chain_seed.span()), doc["chain.key"]);
  }
  // Every line of the block was checked: nothing in the document goes unverified.
  EXPECT_EQ(checked, doc.size());
}
