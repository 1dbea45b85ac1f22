// Pkcs11KeyStore against a real SoftHSM2 token made in a temporary directory.
#include <gtest/gtest.h>

#include <array>
#include <fstream>
#include <string>
#include <vector>

#include "crypto/aead.hpp"
#include "crypto/ed25519.hpp"
#include "crypto/mac.hpp"
#include "crypto/p256.hpp"
#include "crypto/random.hpp"
#include "hsm/memory_key_store.hpp"
#include "hsm/pkcs11_key_store.hpp"
#include "pkcs11_test_token.hpp"
#include "support/test_paths.hpp"
#include "wire/hex.hpp"

namespace meshsec::hsm {
namespace {

using testing::Pkcs11TestToken;

std::vector<std::uint8_t> bytes_of(std::string_view s) { return {s.begin(), s.end()}; }

KeyTemplate master_template(std::string label) {
  KeyTemplate t;
  t.label = std::move(label);
  t.type = KeyType::generic_secret;
  t.length = 32;
  t.usage.derive = true;  // sensitive, not extractable: the defaults
  return t;
}

KeyTemplate node_key_template(KeyType type) {
  KeyTemplate t;
  t.label = "node-key";
  t.type = type;
  t.usage.sensitive = false;
  t.usage.extractable = true;  // derived node keys leave only into personalisation images
  return t;
}

TEST(Pkcs11KeyStore, MasterIsGeneratedInsideAndNeverReadable) {
  Pkcs11TestToken token;
  MESHSEC_REQUIRE_TOKEN(token);
  auto store = token.open();
  ASSERT_TRUE(store);
  auto master = store->generate_secret(master_template("master"));
  ASSERT_TRUE(master.ok()) << to_string(master.error());

  auto info = store->object_info(master.value());
  ASSERT_TRUE(info.ok());
  EXPECT_TRUE(info.value().generated_inside);
  EXPECT_TRUE(info.value().usage.sensitive);
  EXPECT_FALSE(info.value().usage.extractable);
  EXPECT_TRUE(info.value().usage.derive);
  EXPECT_FALSE(info.value().usage.sign);  // the PRF is C_Sign, but mac() is refused
  EXPECT_EQ(info.value().length, 32U);

  // The token itself refuses the value, whatever this class does.
  const CK_RV rv = store->raw_read_value(master.value());
  EXPECT_TRUE(rv == CKR_ATTRIBUTE_SENSITIVE || rv == CKR_KEY_UNEXTRACTABLE) << ckr_name(rv);
  auto exported = store->export_secret(master.value());
  ASSERT_FALSE(exported.ok());
  EXPECT_EQ(exported.error(), HsmError::not_permitted);
  auto tag = store->mac(master.value(), MacMechanism::hmac_sha256, bytes_of("x"));
  ASSERT_FALSE(tag.ok());
  EXPECT_EQ(tag.error(), HsmError::not_permitted);
}

TEST(Pkcs11KeyStore, AesMasterIsNotExtractableEither) {
  Pkcs11TestToken token;
  MESHSEC_REQUIRE_TOKEN(token);
  auto store = token.open();
  ASSERT_TRUE(store);
  KeyTemplate t;
  t.label = "blob-key";
  t.type = KeyType::aes256;
  t.usage.encrypt = true;
  t.usage.decrypt = true;
  auto key = store->generate_secret(t);
  ASSERT_TRUE(key.ok());
  EXPECT_NE(store->raw_read_value(key.value()), static_cast<CK_RV>(CKR_OK));
  EXPECT_EQ(store->export_secret(key.value()).error(), HsmError::not_permitted);
}

// The in-token derivation (PRF blocks by C_Sign) gives byte for byte what the in-memory
// store computes with crypto::kbkdf_counter, for both PRFs and several output lengths.
TEST(Pkcs11KeyStore, InTokenDerivationEqualsInMemoryDerivation) {
  Pkcs11TestToken token;
  MESHSEC_REQUIRE_TOKEN(token);
  auto p11 = token.open(/*allow_import=*/true);
  ASSERT_TRUE(p11);
  MemoryKeyStore mem(MemoryKeyStore::Options{true});

  struct Case {
    MacMechanism prf;
    KeyType base_type;
    KeyType out_type;
    std::size_t out_length;
  };
  const std::array<Case, 6> cases{{{MacMechanism::hmac_sha256, KeyType::generic_secret, KeyType::aes128, 0},
                                   {MacMechanism::hmac_sha256, KeyType::generic_secret, KeyType::aes256, 0},
                                   {MacMechanism::hmac_sha256, KeyType::generic_secret, KeyType::generic_secret, 64},
                                   {MacMechanism::hmac_sha256, KeyType::generic_secret, KeyType::generic_secret, 45},
                                   {MacMechanism::aes_cmac, KeyType::aes256, KeyType::aes256, 0},
                                   {MacMechanism::aes_cmac, KeyType::aes128, KeyType::generic_secret, 40}}};
  for (const Case& c : cases) {
    std::vector<std::uint8_t> master_value(c.base_type == KeyType::aes128 ? 16 : 32);
    ASSERT_EQ(crypto::random_bytes(master_value), crypto::Status::ok);
    KeyTemplate mt = master_template("kdf-master");
    mt.type = c.base_type;
    mt.length = c.base_type == KeyType::generic_secret ? 32 : 0;
    auto m1 = p11->import_secret(mt, master_value);
    auto m2 = mem.import_secret(mt, master_value);
    ASSERT_TRUE(m1.ok() && m2.ok());

    const auto label = bytes_of("meshsec node auth");
    std::vector<std::uint8_t> context(40);
    ASSERT_EQ(crypto::random_bytes(context), crypto::Status::ok);
    DeriveParams params{c.prf, label, context};
    KeyTemplate out = node_key_template(c.out_type);
    out.length = c.out_length;
    auto d1 = p11->derive_key(m1.value(), params, out);
    auto d2 = mem.derive_key(m2.value(), params, out);
    ASSERT_TRUE(d1.ok()) << to_string(d1.error());
    ASSERT_TRUE(d2.ok());
    auto v1 = p11->export_secret(d1.value());
    auto v2 = mem.export_secret(d2.value());
    ASSERT_TRUE(v1.ok() && v2.ok());
    EXPECT_EQ(wire::to_hex(v1.value().span()), wire::to_hex(v2.value().span()));
    // The derived object is a session object: it is not left behind on the token.
    auto info = p11->object_info(d1.value());
    ASSERT_TRUE(info.ok());
    EXPECT_FALSE(info.value().generated_inside);
  }
}

TEST(Pkcs11KeyStore, DerivationRefusesWrongBaseAndUsage) {
  Pkcs11TestToken token;
  MESHSEC_REQUIRE_TOKEN(token);
  auto store = token.open();
  ASSERT_TRUE(store);
  KeyTemplate no_derive = master_template("no-derive");
  no_derive.usage.derive = false;
  no_derive.usage.sign = true;
  auto key = store->generate_secret(no_derive);
  ASSERT_TRUE(key.ok());
  const auto label = bytes_of("l");
  DeriveParams params{MacMechanism::hmac_sha256, label, {}};
  EXPECT_EQ(store->derive_key(key.value(), params, node_key_template(KeyType::aes256)).error(),
            HsmError::not_permitted);
  auto master = store->generate_secret(master_template("m"));
  ASSERT_TRUE(master.ok());
  DeriveParams cmac{MacMechanism::aes_cmac, label, {}};
  EXPECT_EQ(store->derive_key(master.value(), cmac, node_key_template(KeyType::aes256)).error(),
            HsmError::bad_mechanism);
  EXPECT_EQ(store->derive_key(9999999, params, node_key_template(KeyType::aes256)).error(), HsmError::not_found);
  KeyTemplate both = master_template("both");
  both.usage.sign = true;
  EXPECT_EQ(store->generate_secret(both).error(), HsmError::bad_template);
}

TEST(Pkcs11KeyStore, AesGcmInsideInteroperatesWithSoftware) {
  Pkcs11TestToken token;
  MESHSEC_REQUIRE_TOKEN(token);
  auto store = token.open(/*allow_import=*/true);
  ASSERT_TRUE(store);
  std::array<std::uint8_t, 32> key{};
  ASSERT_EQ(crypto::random_bytes(key), crypto::Status::ok);
  KeyTemplate t;
  t.label = "gcm";
  t.type = KeyType::aes256;
  t.usage.encrypt = true;
  t.usage.decrypt = true;
  auto handle = store->import_secret(t, key);
  ASSERT_TRUE(handle.ok());

  std::array<std::uint8_t, 12> nonce{};
  ASSERT_EQ(crypto::random_bytes(nonce), crypto::Status::ok);
  const auto aad = bytes_of("header");
  std::vector<std::uint8_t> plaintext(1000);
  ASSERT_EQ(crypto::random_bytes(plaintext), crypto::Status::ok);
  AeadParams params{crypto::AeadMode::gcm, nonce, aad, 16};
  auto sealed = store->aead_encrypt(handle.value(), params, plaintext);
  ASSERT_TRUE(sealed.ok()) << to_string(sealed.error());
  ASSERT_EQ(sealed.value().size(), plaintext.size() + 16);

  crypto::AesAead aead;
  ASSERT_EQ(aead.init(crypto::AeadMode::gcm, key, 16), crypto::Status::ok);
  std::vector<std::uint8_t> opened(plaintext.size());
  const std::span<const std::uint8_t> all(sealed.value());
  ASSERT_EQ(aead.open(nonce, aad, all.first(plaintext.size()), all.subspan(plaintext.size()), opened),
            crypto::Status::ok);
  EXPECT_EQ(opened, plaintext);

  auto back = store->aead_decrypt(handle.value(), params, sealed.value());
  ASSERT_TRUE(back.ok());
  EXPECT_EQ(wire::to_hex(back.value().span()), wire::to_hex(plaintext));

  // Tampering: one bit of the ciphertext, then one bit of the AAD.
  auto bad = sealed.value();
  bad[5] ^= 0x01;
  EXPECT_EQ(store->aead_decrypt(handle.value(), params, bad).error(), HsmError::auth_failed);
  const auto other_aad = bytes_of("headeR");
  AeadParams other{crypto::AeadMode::gcm, nonce, other_aad, 16};
  EXPECT_EQ(store->aead_decrypt(handle.value(), other, sealed.value()).error(), HsmError::auth_failed);

  // SoftHSM 2.6 has no CKM_AES_CCM.
  std::array<std::uint8_t, 13> ccm_nonce{};
  AeadParams ccm{crypto::AeadMode::ccm, ccm_nonce, aad, 8};
  EXPECT_EQ(store->aead_encrypt(handle.value(), ccm, plaintext).error(), HsmError::bad_mechanism);
}

// Evidence for CKM_EDDSA on SoftHSM 2.6.1: byte-identical signatures for the RFC 8032
// test keys (read from Debian's cryptography-vectors at run time), and 200 signatures of a
// key generated inside, of lengths 0..4000, that all verify with OpenSSL.
TEST(Pkcs11KeyStore, Ed25519SignaturesMatchKnownAnswersAndVerify) {
  Pkcs11TestToken token;
  MESHSEC_REQUIRE_TOKEN(token);
  auto store = token.open(/*allow_import=*/true);
  ASSERT_TRUE(store);
  const auto path = meshsec::testing::cryptography_vectors_dir() / "asymmetric" / "Ed25519" / "sign.input";
  std::ifstream in(path);
  if (!in) GTEST_SKIP() << "no " << path;
  std::string line;
  int checked = 0;
  while (checked < 16 && std::getline(in, line)) {
    // sk(64) : pk(32) : message : signature(64) ‖ message :
    const auto c1 = line.find(':');
    const auto c2 = line.find(':', c1 + 1);
    const auto c3 = line.find(':', c2 + 1);
    const auto c4 = line.find(':', c3 + 1);
    ASSERT_NE(c4, std::string::npos);
    auto sk = wire::from_hex(line.substr(0, c1));
    auto pk = wire::from_hex(line.substr(c1 + 1, c2 - c1 - 1));
    auto msg = wire::from_hex(line.substr(c2 + 1, c3 - c2 - 1));
    auto sig = wire::from_hex(line.substr(c3 + 1, 128));
    ASSERT_TRUE(sk && pk && msg && sig);
    KeyTemplate t;
    t.label = "ed-kat";
    t.type = KeyType::ed25519;
    t.usage.sign = true;
    auto pair = store->import_key_pair(t, std::span<const std::uint8_t>(*sk).first(32));
    ASSERT_TRUE(pair.ok()) << to_string(pair.error());
    auto pub = store->public_key(pair.value().private_key);
    ASSERT_TRUE(pub.ok());
    EXPECT_EQ(pub.value(), *pk);
    auto s = store->sign(pair.value().private_key, SignMechanism::ed25519, *msg);
    ASSERT_TRUE(s.ok()) << to_string(s.error());
    EXPECT_EQ(wire::to_hex(s.value()), wire::to_hex(*sig)) << "line " << checked;
    ASSERT_TRUE(store->destroy(pair.value().private_key).ok());
    ASSERT_TRUE(store->destroy(pair.value().public_key).ok());
    ++checked;
  }
  EXPECT_EQ(checked, 16);

  KeyTemplate t;
  t.label = "ed-gen";
  t.type = KeyType::ed25519;
  t.usage.sign = true;
  auto pair = store->generate_key_pair(t);
  ASSERT_TRUE(pair.ok()) << to_string(pair.error());
  auto pub = store->public_key(pair.value().public_key);
  ASSERT_TRUE(pub.ok());
  ASSERT_EQ(pub.value().size(), 32U);
  EXPECT_EQ(store->raw_read_value(pair.value().private_key), static_cast<CK_RV>(CKR_ATTRIBUTE_SENSITIVE));
  for (std::size_t i = 0; i < 200; ++i) {
    std::vector<std::uint8_t> msg(i * 20);
    ASSERT_EQ(crypto::random_bytes(msg), crypto::Status::ok);
    auto s = store->sign(pair.value().private_key, SignMechanism::ed25519, msg);
    ASSERT_TRUE(s.ok()) << i;
    ASSERT_EQ(crypto::ed25519_verify(pub.value(), msg, s.value()), crypto::Status::ok) << i;
  }
}

TEST(Pkcs11KeyStore, EcdsaP256SignaturesVerifyAsStrictDer) {
  Pkcs11TestToken token;
  MESHSEC_REQUIRE_TOKEN(token);
  auto store = token.open();
  ASSERT_TRUE(store);
  KeyTemplate t;
  t.label = "p256";
  t.type = KeyType::p256;
  t.usage.sign = true;
  auto pair = store->generate_key_pair(t);
  ASSERT_TRUE(pair.ok()) << to_string(pair.error());
  auto pub = store->public_key(pair.value().private_key);
  ASSERT_TRUE(pub.ok());
  ASSERT_EQ(pub.value().size(), 65U);
  for (std::size_t i = 0; i < 100; ++i) {
    std::vector<std::uint8_t> msg(i * 7);
    ASSERT_EQ(crypto::random_bytes(msg), crypto::Status::ok);
    auto s = store->sign(pair.value().private_key, SignMechanism::ecdsa_p256_sha256, msg);
    ASSERT_TRUE(s.ok());
    ASSERT_EQ(crypto::p256_ecdsa_verify(pub.value(), msg, s.value()), crypto::Status::ok) << i;
  }
  EXPECT_EQ(store->sign(pair.value().private_key, SignMechanism::ed25519, bytes_of("x")).error(),
            HsmError::bad_mechanism);
}

TEST(Pkcs11KeyStore, HmacInsideEqualsSoftwareAndVerifiesTruncated) {
  Pkcs11TestToken token;
  MESHSEC_REQUIRE_TOKEN(token);
  auto store = token.open(/*allow_import=*/true);
  ASSERT_TRUE(store);
  std::array<std::uint8_t, 32> key{};
  ASSERT_EQ(crypto::random_bytes(key), crypto::Status::ok);
  KeyTemplate t;
  t.label = "hmac";
  t.type = KeyType::generic_secret;
  t.usage.sign = true;
  t.usage.verify = true;
  auto h = store->import_secret(t, key);
  ASSERT_TRUE(h.ok());
  const auto msg = bytes_of("nonce and message");
  auto tag = store->mac(h.value(), MacMechanism::hmac_sha256, msg);
  ASSERT_TRUE(tag.ok());
  crypto::Mac mac;
  ASSERT_EQ(mac.init(crypto::MacAlgorithm::hmac_sha256, key), crypto::Status::ok);
  std::array<std::uint8_t, 32> expected{};
  ASSERT_EQ(mac.compute(msg, expected), crypto::Status::ok);
  EXPECT_EQ(wire::to_hex(tag.value()), wire::to_hex(expected));
  EXPECT_TRUE(store->mac_verify(h.value(), MacMechanism::hmac_sha256, msg, tag.value()).ok());
  EXPECT_TRUE(
      store->mac_verify(h.value(), MacMechanism::hmac_sha256, msg, std::span<const std::uint8_t>(tag.value()).first(8))
          .ok());
  auto bad = tag.value();
  bad[0] ^= 1;
  EXPECT_EQ(store->mac_verify(h.value(), MacMechanism::hmac_sha256, msg, bad).error(), HsmError::auth_failed);
  EXPECT_EQ(store->mac_verify(h.value(), MacMechanism::hmac_sha256, msg, std::span<const std::uint8_t>(bad).first(8))
                .error(),
            HsmError::auth_failed);
  EXPECT_EQ(store->mac_verify(h.value(), MacMechanism::hmac_sha256, msg, std::span<const std::uint8_t>(bad).first(4))
                .error(),
            HsmError::bad_argument);
}

TEST(Pkcs11KeyStore, ImportIsRefusedUnlessAllowed) {
  Pkcs11TestToken token;
  MESHSEC_REQUIRE_TOKEN(token);
  auto store = token.open();
  ASSERT_TRUE(store);
  std::array<std::uint8_t, 32> value{};
  EXPECT_EQ(store->import_secret(master_template("imported"), value).error(), HsmError::not_permitted);
  KeyTemplate t;
  t.label = "ed";
  t.type = KeyType::ed25519;
  t.usage.sign = true;
  EXPECT_EQ(store->import_key_pair(t, value).error(), HsmError::not_permitted);
}

TEST(Pkcs11KeyStore, MastersPersistAndAreFoundByLabel) {
  Pkcs11TestToken token;
  MESHSEC_REQUIRE_TOKEN(token);
  ObjectHandle generated = invalid_handle;
  {
    auto store = token.open();
    ASSERT_TRUE(store);
    auto master = store->generate_secret(master_template("customer-a/master"));
    ASSERT_TRUE(master.ok());
    generated = master.value();
    auto found = store->find_objects("customer-a/master");
    ASSERT_TRUE(found.ok());
    ASSERT_EQ(found.value().size(), 1U);
    EXPECT_EQ(found.value()[0], generated);
    EXPECT_TRUE(store->find_objects("customer-b/master").value().empty());
  }
  auto again = token.open();
  ASSERT_TRUE(again);
  auto found = again->find_objects("customer-a/master");
  ASSERT_TRUE(found.ok());
  ASSERT_EQ(found.value().size(), 1U);
  auto info = again->object_info(found.value()[0]);
  ASSERT_TRUE(info.ok());
  EXPECT_TRUE(info.value().usage.derive);
  ASSERT_TRUE(again->destroy(found.value()[0]).ok());
  EXPECT_TRUE(again->find_objects("customer-a/master").value().empty());
  EXPECT_EQ(again->destroy(found.value()[0]).error(), HsmError::not_found);
}

TEST(Pkcs11KeyStore, WrongPinKeepsTheReturnCode) {
  Pkcs11TestToken token;
  MESHSEC_REQUIRE_TOKEN(token);
  auto config = token.config();
  config.user_pin = "not-the-pin";
  auto store = Pkcs11KeyStore::open(config);
  ASSERT_FALSE(store.ok());
  EXPECT_EQ(store.error().rv, static_cast<CK_RV>(CKR_PIN_INCORRECT));
  EXPECT_NE(store.error().message().find("CKR_PIN_INCORRECT"), std::string::npos);
  config = token.config();
  config.token_label = "no-such-token";
  auto missing = Pkcs11KeyStore::open(config);
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.error().rv, static_cast<CK_RV>(CKR_TOKEN_NOT_PRESENT));
}

}  // namespace
}  // namespace meshsec::hsm
