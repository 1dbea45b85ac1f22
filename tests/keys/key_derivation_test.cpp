// Deriving keys from literal master bytes: the SP 800-108 layout checked against HMAC
// computed by hand, determinism, separation of environments, sizes and fields, and the
// published development masters.
#include "keys/key_derivation.hpp"

#include <gtest/gtest.h>

#include <array>
#include <set>
#include <string>
#include <vector>

#include "crypto/ed25519.hpp"
#include "crypto/mac.hpp"
#include "keys/dev_master_keys.hpp"
#include "keys/key_id.hpp"
#include "keys/node_key_set.hpp"

using namespace meshsec;
using namespace meshsec::keys;

namespace {

using Bytes = std::vector<std::uint8_t>;

std::array<std::uint8_t, 32> test_master(std::uint8_t seed) {
  std::array<std::uint8_t, 32> m{};
  for (std::size_t i = 0; i < m.size(); ++i) m[i] = static_cast<std::uint8_t>(seed + 7 * i);
  return m;
}

DerivationInput input(KeyPurpose purpose, KeySize size, Environment env = Environment::prod) {
  DerivationInput in;
  in.customer_id = "city-of-delft";
  in.environment = env;
  in.purpose = purpose;
  in.subject_id = purpose == KeyPurpose::blob ? 0 : 42;
  in.version = 1;
  in.key_size = size;
  return in;
}

Bytes derive(const std::array<std::uint8_t, 32>& master, const DerivationInput& in) {
  Bytes out(key_bytes(in.key_size));
  EXPECT_EQ(derive_key(master, in, out), KeyError::ok);
  return out;
}

}  // namespace

TEST(KeyDerivation, IsSp800108CounterModeOverTheEncodedLabel) {
  const auto master = test_master(3);
  for (KeySize size : {KeySize::bits128, KeySize::bits256}) {
    const DerivationInput in = input(KeyPurpose::auth, size);
    DerivationLabel l;
    ASSERT_EQ(encode_derivation_label(in, l), KeyError::ok);
    // K(1) = HMAC(master, [1]_32 ‖ Label ‖ 0x00 ‖ Context ‖ [L]_32), spelled out here
    // independently of crypto::kbkdf_counter.
    const std::uint32_t bits = static_cast<std::uint32_t>(size);
    const std::array<std::uint8_t, 4> counter{0, 0, 0, 1};
    const std::array<std::uint8_t, 1> separator{0};
    const std::array<std::uint8_t, 4> length{0, 0, static_cast<std::uint8_t>(bits >> 8),
                                             static_cast<std::uint8_t>(bits)};
    crypto::Mac hmac;
    ASSERT_EQ(hmac.init(crypto::MacAlgorithm::hmac_sha256, master), crypto::Status::ok);
    Bytes block(32);
    ASSERT_EQ(hmac.compute({counter, l.label(), separator, l.context(), length}, block), crypto::Status::ok);
    block.resize(key_bytes(size));
    EXPECT_EQ(derive(master, in), block);
  }
}

TEST(KeyDerivation, IsDeterministic) {
  const auto master = test_master(9);
  for (KeyPurpose p :
       {KeyPurpose::auth, KeyPurpose::enc, KeyPurpose::e2, KeyPurpose::net, KeyPurpose::blob, KeyPurpose::cover})
    EXPECT_EQ(derive(master, input(p, KeySize::bits256)), derive(master, input(p, KeySize::bits256)));
}

TEST(KeyDerivation, DevAndProdDifferUnderTheSameMaster) {
  const auto master = test_master(1);
  for (KeyPurpose p :
       {KeyPurpose::auth, KeyPurpose::enc, KeyPurpose::e2, KeyPurpose::net, KeyPurpose::blob, KeyPurpose::cover})
    EXPECT_NE(derive(master, input(p, KeySize::bits256, Environment::dev)),
              derive(master, input(p, KeySize::bits256, Environment::prod)));
}

TEST(KeyDerivation, Key128IsNotAPrefixOfKey256) {
  const auto master = test_master(5);
  const Bytes k128 = derive(master, input(KeyPurpose::enc, KeySize::bits128));
  const Bytes k256 = derive(master, input(KeyPurpose::enc, KeySize::bits256));
  ASSERT_EQ(k128.size(), 16u);
  ASSERT_EQ(k256.size(), 32u);
  EXPECT_NE(k128, Bytes(k256.begin(), k256.begin() + 16));
}

TEST(KeyDerivation, DifferentFieldsGiveDifferentKeys) {
  const auto master = test_master(11);
  std::set<Bytes> keys;
  std::size_t count = 0;
  for (std::uint32_t node : {0u, 1u, 0x100u, 0x01000000u}) {
    for (std::uint32_t version : {0u, 1u, 2u}) {
      for (KeyPurpose p : {KeyPurpose::auth, KeyPurpose::enc, KeyPurpose::e2}) {
        for (std::string_view customer : {"a", "ab", "b"}) {
          DerivationInput in = input(p, KeySize::bits256);
          in.customer_id = customer;
          in.subject_id = node;
          in.version = version;
          keys.insert(derive(master, in));
          ++count;
        }
      }
    }
  }
  EXPECT_EQ(keys.size(), count);
  // A different master gives a different key for the same fields.
  EXPECT_NE(derive(test_master(11), input(KeyPurpose::auth, KeySize::bits256)),
            derive(test_master(12), input(KeyPurpose::auth, KeySize::bits256)));
}

TEST(KeyDerivation, WrongOutputSizeIsRefusedAndWiped) {
  const auto master = test_master(2);
  Bytes out(24, 0xee);
  EXPECT_EQ(derive_key(master, input(KeyPurpose::auth, KeySize::bits256), out), KeyError::bad_key_size);
  EXPECT_EQ(out, Bytes(24, 0));
  Bytes bad_input(32, 0xee);
  DerivationInput in = input(KeyPurpose::auth, KeySize::bits256);
  in.customer_id = "";
  EXPECT_EQ(derive_key(master, in, bad_input), KeyError::bad_customer_id);
  EXPECT_EQ(bad_input, Bytes(32, 0));
  DerivationLabel never_encoded;
  EXPECT_EQ(derive_key(master, never_encoded, out), KeyError::bad_key_size);
}

TEST(DevMasterKeys, AreSha256OfThePublishedStrings) {
  const std::pair<KeyPurpose, const char*> names[] = {{KeyPurpose::auth, "auth"},
                                                      {KeyPurpose::enc, "enc"},
                                                      {KeyPurpose::e2, "e2"},
                                                      {KeyPurpose::net, "net"},
                                                      {KeyPurpose::blob, "blob"}};
  auto expected = [](std::string_view name) {
    const std::string text = std::string(insecure_dev_key_text_prefix) + std::string(name);
    Bytes digest(32);
    EXPECT_EQ(crypto::sha256({std::span(reinterpret_cast<const std::uint8_t*>(text.data()), text.size())}, digest),
              crypto::Status::ok);
    return digest;
  };
  for (auto [purpose, name] : names) {
    const auto master = insecure_dev_master(purpose);
    EXPECT_EQ(Bytes(master.begin(), master.end()), expected(name)) << name;
  }
  const auto seed = insecure_dev_blob_signing_seed();
  EXPECT_EQ(Bytes(seed.begin(), seed.end()), expected("blob-signing"));
  EXPECT_TRUE(insecure_dev_master(static_cast<KeyPurpose>(0)).empty());

  MasterKeyMaterial material;
  ASSERT_EQ(load_insecure_dev_masters(material), KeyError::ok);
  std::array<std::uint8_t, 32> pub{};
  ASSERT_EQ(crypto::ed25519_public_from_seed(seed, pub), crypto::Status::ok);
  EXPECT_EQ(material.blob_verification_key, pub);
  EXPECT_TRUE(std::equal(material.net.span().begin(), material.net.span().end(),
                         insecure_dev_master(KeyPurpose::net).begin()));
}

TEST(NodeKeySet, LiteralPathDerivesEachKeyOfTheSet) {
  MasterKeyMaterial masters;
  ASSERT_EQ(load_insecure_dev_masters(masters), KeyError::ok);
  const CustomerContext customer{"acme", Environment::dev, KeySize::bits128};
  NodeKeyRequest request;
  request.node_id = 77;
  request.key_version = 3;
  request.network_id = 5;
  request.network_key_index = 9;
  NodeKeySet set;
  ASSERT_EQ(derive_node_key_set(masters, customer, request, set), KeyError::ok);
  EXPECT_EQ(set.node_id, 77u);
  EXPECT_FALSE(set.has_blob_decryption_key);
  EXPECT_TRUE(set.key(KeyPurpose::blob).empty());  // not a gateway
  EXPECT_EQ(set.blob_verification_key, masters.blob_verification_key);
  for (KeyPurpose p : {KeyPurpose::auth, KeyPurpose::enc, KeyPurpose::e2, KeyPurpose::net}) {
    Bytes expected(16);
    ASSERT_EQ(derive_key(masters.master(p)->span(), node_key_input(customer, request, p), expected), KeyError::ok);
    const auto got = set.key(p);
    EXPECT_EQ(Bytes(got.begin(), got.end()), expected) << to_string(p);
  }
  // The network key is per installation: its fields are the network id and key index.
  const DerivationInput net = node_key_input(customer, request, KeyPurpose::net);
  EXPECT_EQ(net.subject_id, 5u);
  EXPECT_EQ(net.version, 9u);
  // Unused tails of 128-bit keys stay zero.
  EXPECT_TRUE(crypto::is_all_zero_constant_time(std::span(set.auth_key.span()).subspan(16)));

  request.gateway = true;
  ASSERT_EQ(derive_node_key_set(masters, customer, request, set), KeyError::ok);
  EXPECT_EQ(set.key(KeyPurpose::blob).size(), 16u);

  CustomerContext bad = customer;
  bad.customer_id = "no/slash";
  EXPECT_EQ(derive_node_key_set(masters, bad, request, set), KeyError::bad_customer_id);
  EXPECT_TRUE(crypto::is_all_zero_constant_time(set.auth_key.span()));
}
