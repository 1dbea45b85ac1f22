// Custody rules and operations of the in-memory KeyStore: every result is checked against
// the crypto layer computing the same thing with literal bytes.
#include "hsm/memory_key_store.hpp"

#include <gtest/gtest.h>

#include <array>
#include <string>
#include <vector>

#include "crypto/aead.hpp"
#include "crypto/ed25519.hpp"
#include "crypto/kdf.hpp"
#include "crypto/mac.hpp"
#include "crypto/p256.hpp"

using namespace meshsec;
using namespace meshsec::hsm;

namespace {

using Bytes = std::vector<std::uint8_t>;

Bytes bytes_of(std::string_view s) { return Bytes(s.begin(), s.end()); }
Bytes to_vector(const crypto::SecretBytes& s) { return Bytes(s.span().begin(), s.span().end()); }

KeyTemplate master_template(std::string label) {
  KeyTemplate t;
  t.label = std::move(label);
  t.type = KeyType::generic_secret;
  t.length = 32;
  t.usage.derive = true;
  return t;
}

KeyTemplate exportable_aes(KeyType type) {
  KeyTemplate t;
  t.label = "derived";
  t.type = type;
  t.usage.sensitive = false;
  t.usage.extractable = true;
  t.usage.encrypt = true;
  t.usage.decrypt = true;
  return t;
}

KeyTemplate aead_key_template() {
  KeyTemplate t;
  t.label = "aead";
  t.type = KeyType::aes128;
  t.usage.encrypt = true;
  t.usage.decrypt = true;
  return t;
}

KeyTemplate hmac_template() {
  KeyTemplate t;
  t.label = "hmac";
  t.type = KeyType::generic_secret;
  t.usage.sign = true;
  t.usage.verify = true;
  return t;
}

KeyTemplate signing_template(KeyType type) {
  KeyTemplate t;
  t.label = "signer";
  t.type = type;
  t.usage.sign = true;
  return t;
}

const std::array<std::uint8_t, 32> kMaster{0x10, 0x21, 0x32, 0x43, 0x54, 0x65, 0x76, 0x87, 0x98, 0xa9, 0xba,
                                           0xcb, 0xdc, 0xed, 0xfe, 0x0f, 0x01, 0x12, 0x23, 0x34, 0x45, 0x56,
                                           0x67, 0x78, 0x89, 0x9a, 0xab, 0xbc, 0xcd, 0xde, 0xef, 0xf0};

MemoryKeyStore::Options with_import() {
  MemoryKeyStore::Options o;
  o.allow_import = true;
  return o;
}

}  // namespace

TEST(MemoryKeyStore, GeneratedMasterNeverLeaves) {
  MemoryKeyStore store;
  auto master = store.generate_secret(master_template("master"));
  ASSERT_TRUE(master.ok());
  auto exported = store.export_secret(master.value());
  ASSERT_FALSE(exported.ok());
  EXPECT_EQ(exported.error(), HsmError::not_permitted);

  auto info = store.object_info(master.value());
  ASSERT_TRUE(info.ok());
  EXPECT_TRUE(info.value().usage.sensitive);
  EXPECT_FALSE(info.value().usage.extractable);
  EXPECT_TRUE(info.value().generated_inside);
  EXPECT_EQ(info.value().length, 32u);
}

TEST(MemoryKeyStore, ExportNeedsBothExtractableAndNotSensitive) {
  MemoryKeyStore store;
  for (auto [sensitive, extractable] : {std::pair{true, false}, {true, true}, {false, false}}) {
    KeyTemplate t = exportable_aes(KeyType::aes256);
    t.usage.sensitive = sensitive;
    t.usage.extractable = extractable;
    auto key = store.generate_secret(t);
    ASSERT_TRUE(key.ok());
    EXPECT_EQ(store.export_secret(key.value()).error(), HsmError::not_permitted);
  }
  auto readable = store.generate_secret(exportable_aes(KeyType::aes256));
  ASSERT_TRUE(readable.ok());
  auto value = store.export_secret(readable.value());
  ASSERT_TRUE(value.ok());
  EXPECT_EQ(value.value().size(), 32u);
}

TEST(MemoryKeyStore, ImportIsRefusedUnlessEnabled) {
  MemoryKeyStore store;
  EXPECT_EQ(store.import_secret(master_template("m"), kMaster).error(), HsmError::not_permitted);
  EXPECT_EQ(store.import_key_pair(signing_template(KeyType::ed25519), kMaster).error(), HsmError::not_permitted);
  MemoryKeyStore open(with_import());
  auto imported = open.import_secret(master_template("m"), kMaster);
  ASSERT_TRUE(imported.ok());
  // An imported master is still custody: its bytes do not come back out.
  EXPECT_EQ(open.export_secret(imported.value()).error(), HsmError::not_permitted);
  EXPECT_FALSE(open.object_info(imported.value()).value().generated_inside);
}

TEST(MemoryKeyStore, DeriveInsideEqualsKbkdfOverLiteralBytes) {
  MemoryKeyStore store(with_import());
  auto master = store.import_secret(master_template("m"), kMaster);
  ASSERT_TRUE(master.ok());
  const Bytes label = bytes_of("label"), context = bytes_of("context");
  for (KeyType type : {KeyType::aes128, KeyType::aes256}) {
    auto derived = store.derive_key(master.value(), DeriveParams{MacMechanism::hmac_sha256, label, context},
                                    exportable_aes(type));
    ASSERT_TRUE(derived.ok());
    auto inside = store.export_secret(derived.value());
    ASSERT_TRUE(inside.ok());

    crypto::Mac prf;
    ASSERT_EQ(prf.init(crypto::MacAlgorithm::hmac_sha256, kMaster), crypto::Status::ok);
    Bytes literal(type == KeyType::aes128 ? 16 : 32);
    ASSERT_EQ(crypto::kbkdf_counter(prf, label, context, literal), crypto::Status::ok);
    EXPECT_EQ(to_vector(inside.value()), literal);
    EXPECT_FALSE(store.object_info(derived.value()).value().generated_inside);
  }
}

TEST(MemoryKeyStore, DeriveWithCmacPrfOverAesBase) {
  MemoryKeyStore store(with_import());
  KeyTemplate base_template;
  base_template.label = "cmac-base";
  base_template.type = KeyType::aes128;
  base_template.usage.derive = true;
  const std::span<const std::uint8_t> base_bytes(kMaster.data(), 16);
  auto base = store.import_secret(base_template, base_bytes);
  ASSERT_TRUE(base.ok());
  const Bytes label = bytes_of("L"), context = bytes_of("C");
  auto derived =
      store.derive_key(base.value(), DeriveParams{MacMechanism::aes_cmac, label, context}, exportable_aes(KeyType::aes256));
  ASSERT_TRUE(derived.ok());
  crypto::Mac prf;
  ASSERT_EQ(prf.init(crypto::MacAlgorithm::aes_cmac, base_bytes), crypto::Status::ok);
  Bytes literal(32);
  ASSERT_EQ(crypto::kbkdf_counter(prf, label, context, literal), crypto::Status::ok);
  EXPECT_EQ(to_vector(store.export_secret(derived.value()).value()), literal);
}

TEST(MemoryKeyStore, DerivedKeysStayInsideUnlessMarkedExtractable) {
  MemoryKeyStore store;
  auto master = store.generate_secret(master_template("m"));
  ASSERT_TRUE(master.ok());
  KeyTemplate inside = aead_key_template();
  auto derived = store.derive_key(master.value(), DeriveParams{}, inside);
  ASSERT_TRUE(derived.ok());
  EXPECT_EQ(store.export_secret(derived.value()).error(), HsmError::not_permitted);
}

TEST(MemoryKeyStore, DeriveChecksFlagsMechanismAndTemplate) {
  MemoryKeyStore store;
  KeyTemplate no_derive = master_template("m");
  no_derive.usage.derive = false;
  auto plain = store.generate_secret(no_derive);
  auto master = store.generate_secret(master_template("m"));
  ASSERT_TRUE(plain.ok() && master.ok());
  const KeyTemplate out = exportable_aes(KeyType::aes256);

  EXPECT_EQ(store.derive_key(plain.value(), DeriveParams{}, out).error(), HsmError::not_permitted);
  EXPECT_EQ(store.derive_key(master.value(), DeriveParams{MacMechanism::aes_cmac, {}, {}}, out).error(),
            HsmError::bad_mechanism);
  EXPECT_EQ(store.derive_key(invalid_handle, DeriveParams{}, out).error(), HsmError::not_found);
  KeyTemplate pair_type = out;
  pair_type.type = KeyType::ed25519;
  EXPECT_EQ(store.derive_key(master.value(), DeriveParams{}, pair_type).error(), HsmError::bad_template);
  const Bytes huge(300, 0x41);
  EXPECT_EQ(store.derive_key(master.value(), DeriveParams{MacMechanism::hmac_sha256, huge, {}}, out).error(),
            HsmError::bad_argument);
  auto pair = store.generate_key_pair(signing_template(KeyType::ed25519));
  ASSERT_TRUE(pair.ok());
  EXPECT_EQ(store.derive_key(pair.value().private_key, DeriveParams{}, out).error(), HsmError::bad_mechanism);
}

TEST(MemoryKeyStore, TemplatesAreChecked) {
  MemoryKeyStore store(with_import());
  KeyTemplate t = exportable_aes(KeyType::aes128);
  t.length = 32;
  EXPECT_EQ(store.generate_secret(t).error(), HsmError::bad_template);
  t = hmac_template();
  t.usage.encrypt = true;  // no cipher exists for a generic secret
  EXPECT_EQ(store.generate_secret(t).error(), HsmError::bad_template);
  t = hmac_template();
  t.length = 65;
  EXPECT_EQ(store.generate_secret(t).error(), HsmError::bad_template);
  t = hmac_template();
  t.label.clear();
  EXPECT_EQ(store.generate_secret(t).error(), HsmError::bad_template);
  t.label = std::string(256, 'x');
  EXPECT_EQ(store.generate_secret(t).error(), HsmError::bad_template);
  EXPECT_EQ(store.generate_secret(signing_template(KeyType::ed25519)).error(), HsmError::bad_template);
  EXPECT_EQ(store.generate_key_pair(aead_key_template()).error(), HsmError::bad_template);
  KeyTemplate deriving_pair = signing_template(KeyType::p256);
  deriving_pair.usage.derive = true;
  EXPECT_EQ(store.generate_key_pair(deriving_pair).error(), HsmError::bad_template);
  // Value length must match the type.
  EXPECT_EQ(store.import_secret(exportable_aes(KeyType::aes128), kMaster).error(), HsmError::bad_argument);
  EXPECT_EQ(store.import_key_pair(signing_template(KeyType::ed25519), std::span(kMaster).first(31)).error(),
            HsmError::bad_argument);
  // P-256 scalars must lie in [1, n-1].
  const std::array<std::uint8_t, 32> zero{};
  EXPECT_EQ(store.import_key_pair(signing_template(KeyType::p256), zero).error(), HsmError::bad_argument);
  const std::array<std::uint8_t, 32> all_ones = [] {
    std::array<std::uint8_t, 32> a{};
    a.fill(0xff);
    return a;
  }();
  EXPECT_EQ(store.import_key_pair(signing_template(KeyType::p256), all_ones).error(), HsmError::bad_argument);
}

TEST(MemoryKeyStore, AeadInsideMatchesCryptoLayerAndRejectsTampering) {
  MemoryKeyStore store(with_import());
  const std::span<const std::uint8_t> key_bytes(kMaster.data(), 16);
  auto key = store.import_secret(aead_key_template(), key_bytes);
  ASSERT_TRUE(key.ok());
  const Bytes nonce(13, 0x07), aad = bytes_of("header"), plaintext = bytes_of("firmware image chunk");
  for (crypto::AeadMode mode : {crypto::AeadMode::ccm, crypto::AeadMode::gcm}) {
    const Bytes n = mode == crypto::AeadMode::ccm ? nonce : Bytes(12, 0x07);
    const AeadParams params{mode, n, aad, 16};
    auto sealed = store.aead_encrypt(key.value(), params, plaintext);
    ASSERT_TRUE(sealed.ok());
    ASSERT_EQ(sealed.value().size(), plaintext.size() + 16);

    crypto::AesAead reference;
    ASSERT_EQ(reference.init(mode, key_bytes, 16), crypto::Status::ok);
    Bytes ct(plaintext.size()), tag(16);
    ASSERT_EQ(reference.seal(n, aad, plaintext, ct, tag), crypto::Status::ok);
    ct.insert(ct.end(), tag.begin(), tag.end());
    EXPECT_EQ(sealed.value(), ct);

    auto opened = store.aead_decrypt(key.value(), params, sealed.value());
    ASSERT_TRUE(opened.ok());
    EXPECT_EQ(to_vector(opened.value()), plaintext);

    for (std::size_t i : {std::size_t{0}, plaintext.size(), sealed.value().size() - 1}) {
      Bytes bad = sealed.value();
      bad[i] ^= 0x01;
      EXPECT_EQ(store.aead_decrypt(key.value(), params, bad).error(), HsmError::auth_failed);
    }
    const Bytes other_aad = bytes_of("Header");
    EXPECT_EQ(store.aead_decrypt(key.value(), AeadParams{mode, n, other_aad, 16}, sealed.value()).error(),
              HsmError::auth_failed);
    EXPECT_EQ(store.aead_decrypt(key.value(), params, Bytes(15, 0)).error(), HsmError::bad_argument);
  }
  const Bytes short_nonce(6, 0);
  EXPECT_EQ(store.aead_encrypt(key.value(), AeadParams{crypto::AeadMode::ccm, short_nonce, {}, 16}, plaintext).error(),
            HsmError::bad_argument);
  EXPECT_EQ(store.aead_encrypt(key.value(), AeadParams{crypto::AeadMode::ccm, nonce, {}, 5}, plaintext).error(),
            HsmError::bad_argument);
}

TEST(MemoryKeyStore, AeadNeedsUsageAndAesKey) {
  MemoryKeyStore store;
  KeyTemplate encrypt_only = aead_key_template();
  encrypt_only.usage.decrypt = false;
  auto key = store.generate_secret(encrypt_only);
  auto hmac = store.generate_secret(hmac_template());
  ASSERT_TRUE(key.ok() && hmac.ok());
  const Bytes nonce(13, 1), pt(4, 2);
  const AeadParams params{crypto::AeadMode::ccm, nonce, {}, 8};
  auto sealed = store.aead_encrypt(key.value(), params, pt);
  ASSERT_TRUE(sealed.ok());
  EXPECT_EQ(store.aead_decrypt(key.value(), params, sealed.value()).error(), HsmError::not_permitted);
  EXPECT_EQ(store.aead_encrypt(hmac.value(), params, pt).error(), HsmError::bad_mechanism);
  KeyTemplate no_usage = aead_key_template();
  no_usage.usage.encrypt = false;
  auto idle = store.generate_secret(no_usage);
  ASSERT_TRUE(idle.ok());
  EXPECT_EQ(store.aead_encrypt(idle.value(), params, pt).error(), HsmError::not_permitted);
}

TEST(MemoryKeyStore, HmacInsideMatchesCryptoLayer) {
  MemoryKeyStore store(with_import());
  auto key = store.import_secret(hmac_template(), kMaster);
  ASSERT_TRUE(key.ok());
  const Bytes data = bytes_of("nonce and message");
  auto tag = store.mac(key.value(), MacMechanism::hmac_sha256, data);
  ASSERT_TRUE(tag.ok());
  crypto::Mac reference;
  ASSERT_EQ(reference.init(crypto::MacAlgorithm::hmac_sha256, kMaster), crypto::Status::ok);
  Bytes expected(32);
  ASSERT_EQ(reference.compute(data, expected), crypto::Status::ok);
  EXPECT_EQ(tag.value(), expected);

  EXPECT_TRUE(store.mac_verify(key.value(), MacMechanism::hmac_sha256, data, tag.value()).ok());
  EXPECT_TRUE(store.mac_verify(key.value(), MacMechanism::hmac_sha256, data, std::span(tag.value()).first(8)).ok());
  Bytes bad = tag.value();
  bad[31] ^= 0x80;
  EXPECT_EQ(store.mac_verify(key.value(), MacMechanism::hmac_sha256, data, bad).error(), HsmError::auth_failed);
  EXPECT_EQ(store.mac_verify(key.value(), MacMechanism::hmac_sha256, data, std::span(tag.value()).first(4)).error(),
            HsmError::bad_argument);
  EXPECT_EQ(store.mac(key.value(), MacMechanism::aes_cmac, data).error(), HsmError::bad_mechanism);

  KeyTemplate verify_only = hmac_template();
  verify_only.usage.sign = false;
  auto verifier = store.import_secret(verify_only, kMaster);
  ASSERT_TRUE(verifier.ok());
  EXPECT_EQ(store.mac(verifier.value(), MacMechanism::hmac_sha256, data).error(), HsmError::not_permitted);
  EXPECT_TRUE(store.mac_verify(verifier.value(), MacMechanism::hmac_sha256, data, tag.value()).ok());
}

TEST(MemoryKeyStore, SignsInsideWithEd25519AndP256) {
  MemoryKeyStore store;
  const Bytes message = bytes_of("blob header");
  auto ed = store.generate_key_pair(signing_template(KeyType::ed25519));
  ASSERT_TRUE(ed.ok());
  auto ed_public = store.public_key(ed.value().public_key);
  ASSERT_TRUE(ed_public.ok());
  ASSERT_EQ(ed_public.value().size(), 32u);
  EXPECT_EQ(store.public_key(ed.value().private_key).value(), ed_public.value());
  auto ed_sig = store.sign(ed.value().private_key, SignMechanism::ed25519, message);
  ASSERT_TRUE(ed_sig.ok());
  EXPECT_EQ(crypto::ed25519_verify(ed_public.value(), message, ed_sig.value()), crypto::Status::ok);

  auto ec = store.generate_key_pair(signing_template(KeyType::p256));
  ASSERT_TRUE(ec.ok());
  auto ec_public = store.public_key(ec.value().public_key);
  ASSERT_TRUE(ec_public.ok());
  ASSERT_EQ(ec_public.value().size(), 65u);
  auto ec_sig = store.sign(ec.value().private_key, SignMechanism::ecdsa_p256_sha256, message);
  ASSERT_TRUE(ec_sig.ok());
  EXPECT_EQ(crypto::p256_ecdsa_verify(ec_public.value(), message, ec_sig.value()), crypto::Status::ok);

  // Mechanism must fit the key; public objects and secret keys do not sign; private keys
  // do not come out.
  EXPECT_EQ(store.sign(ed.value().private_key, SignMechanism::ecdsa_p256_sha256, message).error(),
            HsmError::bad_mechanism);
  EXPECT_EQ(store.sign(ec.value().public_key, SignMechanism::ecdsa_p256_sha256, message).error(),
            HsmError::bad_mechanism);
  EXPECT_EQ(store.export_secret(ed.value().private_key).error(), HsmError::not_permitted);
  EXPECT_EQ(store.export_secret(ed.value().public_key).error(), HsmError::bad_argument);
  auto secret = store.generate_secret(hmac_template());
  ASSERT_TRUE(secret.ok());
  EXPECT_EQ(store.public_key(secret.value()).error(), HsmError::bad_argument);
  KeyTemplate no_sign = signing_template(KeyType::ed25519);
  no_sign.usage.sign = false;
  auto idle = store.generate_key_pair(no_sign);
  ASSERT_TRUE(idle.ok());
  EXPECT_EQ(store.sign(idle.value().private_key, SignMechanism::ed25519, message).error(), HsmError::not_permitted);
}

TEST(MemoryKeyStore, ImportedKeyPairsHaveTheMatchingPublicKey) {
  MemoryKeyStore store(with_import());
  auto ed = store.import_key_pair(signing_template(KeyType::ed25519), kMaster);
  ASSERT_TRUE(ed.ok());
  std::array<std::uint8_t, 32> expected{};
  ASSERT_EQ(crypto::ed25519_public_from_seed(kMaster, expected), crypto::Status::ok);
  EXPECT_EQ(store.public_key(ed.value().public_key).value(), Bytes(expected.begin(), expected.end()));

  auto ec = store.import_key_pair(signing_template(KeyType::p256), kMaster);
  ASSERT_TRUE(ec.ok());
  const Bytes message = bytes_of("m");
  auto sig = store.sign(ec.value().private_key, SignMechanism::ecdsa_p256_sha256, message);
  ASSERT_TRUE(sig.ok());
  EXPECT_EQ(crypto::p256_ecdsa_verify(store.public_key(ec.value().public_key).value(), message, sig.value()),
            crypto::Status::ok);
}

TEST(MemoryKeyStore, FindsByLabelAndDestroys) {
  MemoryKeyStore store;
  auto a = store.generate_secret(master_template("meshsec/prod/acme/master/auth"));
  auto b = store.generate_secret(master_template("meshsec/prod/acme/master/enc"));
  auto pair = store.generate_key_pair(signing_template(KeyType::ed25519));
  ASSERT_TRUE(a.ok() && b.ok() && pair.ok());
  EXPECT_EQ(store.find_objects("meshsec/prod/acme/master/auth").value(), std::vector<ObjectHandle>{a.value()});
  EXPECT_EQ(store.find_objects("signer").value(),
            (std::vector<ObjectHandle>{pair.value().private_key, pair.value().public_key}));
  EXPECT_TRUE(store.find_objects("meshsec/prod/acme/master").value().empty());
  EXPECT_EQ(store.object_info(pair.value().public_key).value().object_class, ObjectClass::public_key);

  ASSERT_TRUE(store.destroy(a.value()).ok());
  EXPECT_TRUE(store.find_objects("meshsec/prod/acme/master/auth").value().empty());
  EXPECT_EQ(store.destroy(a.value()).error(), HsmError::not_found);
  EXPECT_EQ(store.object_info(a.value()).error(), HsmError::not_found);
  EXPECT_EQ(store.mac(a.value(), MacMechanism::hmac_sha256, {}).error(), HsmError::not_found);
  EXPECT_EQ(store.export_secret(invalid_handle).error(), HsmError::not_found);
}

TEST(HsmResult, CarriesValueOrError) {
  Result<int> good(7);
  EXPECT_TRUE(good.ok());
  EXPECT_EQ(good.value(), 7);
  Result<int> bad(HsmError::not_permitted);
  EXPECT_FALSE(bad);
  EXPECT_EQ(bad.error(), HsmError::not_permitted);
  EXPECT_THROW((void)bad.value(), std::bad_variant_access);
  Result<void> done;
  EXPECT_TRUE(done.ok());
  EXPECT_EQ(to_string(HsmError::not_permitted), "not_permitted");
}
