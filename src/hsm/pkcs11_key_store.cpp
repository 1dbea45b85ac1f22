#include "hsm/pkcs11_key_store.hpp"

#include "hsm/key_template_rules.hpp"

#include <algorithm>
#include <array>
#include <deque>
#include <optional>

#include "crypto/aead.hpp"
#include "crypto/ed25519.hpp"
#include "crypto/mac.hpp"
#include "crypto/p256.hpp"
#include "crypto/p256_public_key.hpp"
#include "crypto/random.hpp"
#include "crypto/secure_memory.hpp"
#include "hsm/pkcs11_ec_encoding.hpp"

namespace meshsec::hsm {
namespace {

constexpr std::size_t kPairIdSize = 16;
constexpr std::size_t kMaxFixedInput = 256;  // as crypto::kbkdf_counter, so both refuse alike

// A CK_ATTRIBUTE template whose scalar values live as long as it does.
class Attributes {
 public:
  void add_bool(CK_ATTRIBUTE_TYPE type, bool value) {
    bools_.push_back(value ? CK_TRUE : CK_FALSE);
    attrs_.push_back(CK_ATTRIBUTE{type, &bools_.back(), sizeof(CK_BBOOL)});
  }
  void add_ulong(CK_ATTRIBUTE_TYPE type, CK_ULONG value) {
    ulongs_.push_back(value);
    attrs_.push_back(CK_ATTRIBUTE{type, &ulongs_.back(), sizeof(CK_ULONG)});
  }
  // The bytes must outlive the template.
  void add_bytes(CK_ATTRIBUTE_TYPE type, std::span<const std::uint8_t> bytes) {
    attrs_.push_back(CK_ATTRIBUTE{type, const_cast<std::uint8_t*>(bytes.data()), bytes.size()});
  }
  [[nodiscard]] CK_ATTRIBUTE* data() noexcept { return attrs_.data(); }
  [[nodiscard]] CK_ULONG size() const noexcept { return attrs_.size(); }

 private:
  std::deque<CK_BBOOL> bools_;
  std::deque<CK_ULONG> ulongs_;
  std::vector<CK_ATTRIBUTE> attrs_;
};

std::span<const std::uint8_t> as_bytes(std::string_view s) noexcept {
  return {reinterpret_cast<const std::uint8_t*>(s.data()), s.size()};
}

// PKCS#11 modules refuse a null data pointer even for zero bytes (CKR_ARGUMENTS_BAD).
CK_BYTE_PTR data_ptr(std::span<const std::uint8_t> data) noexcept {
  static CK_BYTE empty = 0;
  return data.empty() ? &empty : const_cast<std::uint8_t*>(data.data());
}

// The shared template rules (hsm/key_template_rules.hpp) plus the one this backend adds:
// derive and sign together are refused (see the header).
std::size_t token_secret_length(const KeyTemplate& t, std::size_t import_length = 0) noexcept {
  if (t.usage.derive && t.usage.sign) return 0;
  return secret_length(t, import_length);
}

CK_MECHANISM_TYPE mac_mechanism(MacMechanism m) noexcept {
  return m == MacMechanism::hmac_sha256 ? CKM_SHA256_HMAC : CKM_AES_CMAC;
}
std::size_t mac_size(MacMechanism m) noexcept {
  return m == MacMechanism::hmac_sha256 ? crypto::Mac::hmac_sha256_size : crypto::Mac::cmac_size;
}
CK_KEY_TYPE ck_key_type(KeyType t) noexcept {
  switch (t) {
    case KeyType::aes128:
    case KeyType::aes256: return CKK_AES;
    case KeyType::generic_secret: return CKK_GENERIC_SECRET;
    case KeyType::ed25519: return CKK_EC_EDWARDS;
    case KeyType::p256: return CKK_EC;
  }
  return CKK_GENERIC_SECRET;
}
std::size_t public_length(KeyType t) noexcept {
  return t == KeyType::ed25519 ? crypto::ed25519_public_size : crypto::p256_point_size;
}

void add_secret_usage(Attributes& a, const KeyUsage& u) {
  a.add_bool(CKA_SENSITIVE, u.sensitive);
  a.add_bool(CKA_EXTRACTABLE, u.extractable);
  a.add_bool(CKA_DERIVE, u.derive);
  a.add_bool(CKA_ENCRYPT, u.encrypt);
  a.add_bool(CKA_DECRYPT, u.decrypt);
  // The derivation PRF is C_Sign on the base (see the header).
  a.add_bool(CKA_SIGN, u.sign || u.derive);
  a.add_bool(CKA_VERIFY, u.verify);
  a.add_bool(CKA_WRAP, false);
  a.add_bool(CKA_UNWRAP, false);
  a.add_bool(CKA_PRIVATE, true);
  // Nobody may later switch a usage on (C_SetAttributeValue).
  a.add_bool(CKA_MODIFIABLE, false);
}

// Two-call C_GetAttributeValue of one variable-length attribute.
CK_RV read_bytes(CK_FUNCTION_LIST* fn, CK_SESSION_HANDLE s, CK_OBJECT_HANDLE h, CK_ATTRIBUTE_TYPE type,
                 std::vector<std::uint8_t>& out) {
  CK_ATTRIBUTE attr{type, nullptr, 0};
  if (CK_RV rv = fn->C_GetAttributeValue(s, h, &attr, 1); rv != CKR_OK) return rv;
  if (attr.ulValueLen == CK_UNAVAILABLE_INFORMATION) return CKR_ATTRIBUTE_TYPE_INVALID;
  out.assign(attr.ulValueLen, 0);
  attr.pValue = out.data();
  return fn->C_GetAttributeValue(s, h, &attr, 1);
}

template <class T>
CK_RV read_scalar(CK_FUNCTION_LIST* fn, CK_SESSION_HANDLE s, CK_OBJECT_HANDLE h, CK_ATTRIBUTE_TYPE type, T& out) {
  CK_ATTRIBUTE attr{type, &out, sizeof(T)};
  return fn->C_GetAttributeValue(s, h, &attr, 1);
}

bool read_flag(CK_FUNCTION_LIST* fn, CK_SESSION_HANDLE s, CK_OBJECT_HANDLE h, CK_ATTRIBUTE_TYPE type) {
  CK_BBOOL v = CK_FALSE;
  return read_scalar(fn, s, h, type, v) == CKR_OK && v == CK_TRUE;
}

// Curve parameters for a key pair. Ed25519: the RFC 8410 OID first, then the curve-name
// form, since modules differ in which one they accept.
std::vector<std::span<const std::uint8_t>> ec_params_for(KeyType t) {
  if (t == KeyType::ed25519) return {ec_params_ed25519_oid, ec_params_ed25519_name};
  return {ec_params_p256_oid};
}

// The attributes every private key of a pair carries (generated or created).
void add_pair_private(Attributes& a, const KeyTemplate& tmpl, std::span<const std::uint8_t> id) {
  a.add_ulong(CKA_CLASS, CKO_PRIVATE_KEY);
  a.add_ulong(CKA_KEY_TYPE, ck_key_type(tmpl.type));
  a.add_bool(CKA_TOKEN, true);
  a.add_bool(CKA_PRIVATE, true);
  a.add_bool(CKA_SENSITIVE, tmpl.usage.sensitive);
  a.add_bool(CKA_EXTRACTABLE, tmpl.usage.extractable);
  a.add_bool(CKA_SIGN, tmpl.usage.sign);
  a.add_bool(CKA_DERIVE, false);
  a.add_bytes(CKA_LABEL, as_bytes(tmpl.label));
  a.add_bytes(CKA_ID, id);
}

// The attributes every public key of a pair carries.
void add_pair_public(Attributes& a, const KeyTemplate& tmpl, std::span<const std::uint8_t> id,
                     std::span<const std::uint8_t> ec_params) {
  a.add_ulong(CKA_CLASS, CKO_PUBLIC_KEY);
  a.add_ulong(CKA_KEY_TYPE, ck_key_type(tmpl.type));
  a.add_bytes(CKA_EC_PARAMS, ec_params);
  a.add_bool(CKA_TOKEN, true);
  a.add_bool(CKA_VERIFY, tmpl.usage.sign);
  a.add_bytes(CKA_LABEL, as_bytes(tmpl.label));
  a.add_bytes(CKA_ID, id);
}

}  // namespace

Pkcs11Result<std::unique_ptr<Pkcs11KeyStore>> Pkcs11KeyStore::open(const Pkcs11Config& config) {
  auto module = Pkcs11Module::load(config.module_path.empty() ? default_pkcs11_module() : config.module_path);
  if (!module) return module.error();
  auto slot = module.value()->find_token(config.token_label);
  if (!slot) return slot.error();
  auto session = Pkcs11Session::open(module.value(), slot.value(), CKU_USER, config.user_pin);
  if (!session) return session.error();
  return std::unique_ptr<Pkcs11KeyStore>(new Pkcs11KeyStore(std::move(session).value(), config.allow_import));
}

Result<ObjectHandle> Pkcs11KeyStore::generate_secret(const KeyTemplate& tmpl) {
  const std::size_t length = token_secret_length(tmpl);
  if (length == 0) return HsmError::bad_template;
  Attributes a;
  a.add_ulong(CKA_CLASS, CKO_SECRET_KEY);
  a.add_ulong(CKA_KEY_TYPE, ck_key_type(tmpl.type));
  a.add_ulong(CKA_VALUE_LEN, length);
  a.add_bool(CKA_TOKEN, true);
  a.add_bytes(CKA_LABEL, as_bytes(tmpl.label));
  add_secret_usage(a, tmpl.usage);
  CK_MECHANISM mech{is_aes(tmpl.type) ? CKM_AES_KEY_GEN : CKM_GENERIC_SECRET_KEY_GEN, nullptr, 0};
  std::lock_guard lock(mutex_);
  CK_OBJECT_HANDLE handle = CK_INVALID_HANDLE;
  if (CK_RV rv = session_.fn()->C_GenerateKey(session_.handle(), &mech, a.data(), a.size(), &handle); rv != CKR_OK)
    return to_hsm_error(rv);
  return ObjectHandle{handle};
}

Result<ObjectHandle> Pkcs11KeyStore::create_secret(const KeyTemplate& tmpl, std::size_t length,
                                                   std::span<const std::uint8_t> value, bool on_token) {
  if (value.size() != length) return HsmError::bad_argument;
  Attributes a;
  a.add_ulong(CKA_CLASS, CKO_SECRET_KEY);
  a.add_ulong(CKA_KEY_TYPE, ck_key_type(tmpl.type));
  a.add_bytes(CKA_VALUE, value);
  a.add_bool(CKA_TOKEN, on_token);
  a.add_bytes(CKA_LABEL, as_bytes(tmpl.label));
  add_secret_usage(a, tmpl.usage);
  CK_OBJECT_HANDLE handle = CK_INVALID_HANDLE;
  if (CK_RV rv = session_.fn()->C_CreateObject(session_.handle(), a.data(), a.size(), &handle); rv != CKR_OK)
    return to_hsm_error(rv);
  return ObjectHandle{handle};
}

Result<ObjectHandle> Pkcs11KeyStore::import_secret(const KeyTemplate& tmpl, std::span<const std::uint8_t> value) {
  if (!allow_import_) return HsmError::not_permitted;
  const std::size_t length = token_secret_length(tmpl, value.size());
  if (length == 0) return HsmError::bad_template;
  std::lock_guard lock(mutex_);
  return create_secret(tmpl, length, value, true);
}

Result<KeyPairHandles> Pkcs11KeyStore::generate_key_pair(const KeyTemplate& tmpl) {
  if (!pair_template_ok(tmpl)) return HsmError::bad_template;
  std::array<std::uint8_t, kPairIdSize> id{};
  if (crypto::random_bytes(id) != crypto::Status::ok) return HsmError::backend_failure;
  const bool ed = tmpl.type == KeyType::ed25519;
  CK_MECHANISM mech{ed ? CKM_EC_EDWARDS_KEY_PAIR_GEN : CKM_EC_KEY_PAIR_GEN, nullptr, 0};
  std::lock_guard lock(mutex_);
  CK_RV rv = CKR_GENERAL_ERROR;
  for (auto p : ec_params_for(tmpl.type)) {
    Attributes pub;
    add_pair_public(pub, tmpl, id, p);
    Attributes priv;
    add_pair_private(priv, tmpl, id);
    CK_OBJECT_HANDLE hpub = CK_INVALID_HANDLE;
    CK_OBJECT_HANDLE hpriv = CK_INVALID_HANDLE;
    rv = session_.fn()->C_GenerateKeyPair(session_.handle(), &mech, pub.data(), pub.size(), priv.data(), priv.size(),
                                          &hpub, &hpriv);
    if (rv == CKR_OK) return KeyPairHandles{hpriv, hpub};
  }
  return to_hsm_error(rv);
}

Result<KeyPairHandles> Pkcs11KeyStore::create_pair(const KeyTemplate& tmpl, std::span<const std::uint8_t> private_value) {
  std::array<std::uint8_t, kPairIdSize> id{};
  if (crypto::random_bytes(id) != crypto::Status::ok) return HsmError::backend_failure;
  const bool ed = tmpl.type == KeyType::ed25519;
  std::vector<std::uint8_t> point(public_length(tmpl.type));
  const std::span<const std::uint8_t, 32> d(private_value.data(), 32);
  const crypto::Status s = ed ? crypto::ed25519_public_from_seed(d, std::span<std::uint8_t, 32>(point.data(), 32))
                              : crypto::p256_public_from_private(d, std::span<std::uint8_t, 65>(point.data(), 65));
  if (s != crypto::Status::ok) return HsmError::bad_argument;
  const std::vector<std::uint8_t> ec_point = der_octet_string(point);
  CK_RV rv = CKR_GENERAL_ERROR;
  for (auto p : ec_params_for(tmpl.type)) {
    Attributes priv;
    add_pair_private(priv, tmpl, id);
    priv.add_bytes(CKA_EC_PARAMS, p);
    priv.add_bytes(CKA_VALUE, private_value);
    CK_OBJECT_HANDLE hpriv = CK_INVALID_HANDLE;
    rv = session_.fn()->C_CreateObject(session_.handle(), priv.data(), priv.size(), &hpriv);
    if (rv != CKR_OK) continue;
    Attributes pub;
    add_pair_public(pub, tmpl, id, p);
    pub.add_bytes(CKA_EC_POINT, ec_point);
    CK_OBJECT_HANDLE hpub = CK_INVALID_HANDLE;
    rv = session_.fn()->C_CreateObject(session_.handle(), pub.data(), pub.size(), &hpub);
    if (rv == CKR_OK) return KeyPairHandles{hpriv, hpub};
    session_.fn()->C_DestroyObject(session_.handle(), hpriv);
  }
  return to_hsm_error(rv);
}

Result<KeyPairHandles> Pkcs11KeyStore::import_key_pair(const KeyTemplate& tmpl,
                                                       std::span<const std::uint8_t> private_value) {
  if (!allow_import_) return HsmError::not_permitted;
  if (!pair_template_ok(tmpl)) return HsmError::bad_template;
  if (private_value.size() != 32) return HsmError::bad_argument;
  std::lock_guard lock(mutex_);
  return create_pair(tmpl, private_value);
}

Result<std::vector<std::uint8_t>> Pkcs11KeyStore::sign_raw(CK_MECHANISM_TYPE mechanism, ObjectHandle key,
                                                           std::span<const std::uint8_t> data, std::size_t max_out) {
  CK_MECHANISM mech{mechanism, nullptr, 0};
  if (CK_RV rv = session_.fn()->C_SignInit(session_.handle(), &mech, key); rv != CKR_OK) return to_hsm_error(rv);
  std::vector<std::uint8_t> out(max_out);
  CK_ULONG length = out.size();
  if (CK_RV rv = session_.fn()->C_Sign(session_.handle(), data_ptr(data), data.size(),
                                       out.data(), &length);
      rv != CKR_OK)
    return to_hsm_error(rv);
  out.resize(length);
  return out;
}

Result<ObjectHandle> Pkcs11KeyStore::derive_key(ObjectHandle base, const DeriveParams& params,
                                                const KeyTemplate& derived) {
  std::lock_guard lock(mutex_);
  auto info = info_locked(base);
  if (!info) return info.error();
  if (info.value().object_class != ObjectClass::secret_key) return HsmError::bad_mechanism;
  if (!mechanism_fits(params.prf, info.value().type)) return HsmError::bad_mechanism;
  if (!info.value().usage.derive) return HsmError::not_permitted;
  const std::size_t length = token_secret_length(derived);
  if (length == 0) return HsmError::bad_template;
  if (params.label.size() + 1 + params.context.size() + 4 > kMaxFixedInput) return HsmError::bad_argument;

  // SP 800-108r1 §4.1 counter mode; each K(i) is one C_Sign inside the token:
  //   K(i) = PRF(base, [i]_32 ‖ Label ‖ 0x00 ‖ Context ‖ [L]_32)
  std::vector<std::uint8_t> input;
  input.reserve(4 + params.label.size() + 1 + params.context.size() + 4);
  input.insert(input.end(), 4, 0);
  input.insert(input.end(), params.label.begin(), params.label.end());
  input.push_back(0x00);
  input.insert(input.end(), params.context.begin(), params.context.end());
  const std::uint32_t bits = static_cast<std::uint32_t>(length * 8);
  for (int shift = 24; shift >= 0; shift -= 8) input.push_back(static_cast<std::uint8_t>(bits >> shift));

  crypto::SecretBytes value(length);
  const std::size_t block = mac_size(params.prf);
  std::size_t filled = 0;
  for (std::uint32_t i = 1; filled < length; ++i) {
    for (std::size_t b = 0; b < 4; ++b) input[b] = static_cast<std::uint8_t>(i >> (24 - 8 * b));
    auto k = sign_raw(mac_mechanism(params.prf), base, input, block);
    if (!k) return k.error();
    const std::size_t take = std::min(block, length - filled);
    std::copy_n(k.value().begin(), take, value.data() + filled);
    crypto::secure_wipe(k.value());
    filled += take;
  }
  return create_secret(derived, length, value.span(), false);
}

Result<crypto::SecretBytes> Pkcs11KeyStore::export_secret(ObjectHandle key) {
  std::lock_guard lock(mutex_);
  auto info = info_locked(key);
  if (!info) return info.error();
  if (info.value().object_class == ObjectClass::public_key) return HsmError::bad_argument;
  if (!info.value().usage.extractable || info.value().usage.sensitive) return HsmError::not_permitted;
  std::vector<std::uint8_t> raw;
  CK_RV rv = read_bytes(session_.fn(), session_.handle(), key, CKA_VALUE, raw);
  crypto::SecretBytes out(raw);
  crypto::secure_wipe(raw);
  if (rv != CKR_OK) return to_hsm_error(rv);
  return out;
}

CK_RV Pkcs11KeyStore::raw_read_value(ObjectHandle key) {
  std::lock_guard lock(mutex_);
  std::vector<std::uint8_t> raw;
  CK_RV rv = read_bytes(session_.fn(), session_.handle(), key, CKA_VALUE, raw);
  crypto::secure_wipe(raw);
  return rv;
}

Result<ObjectHandle> Pkcs11KeyStore::public_half(ObjectHandle private_key) {
  std::vector<std::uint8_t> id;
  if (CK_RV rv = read_bytes(session_.fn(), session_.handle(), private_key, CKA_ID, id); rv != CKR_OK)
    return to_hsm_error(rv);
  CK_OBJECT_CLASS cls = CKO_PUBLIC_KEY;
  Attributes a;
  a.add_bytes(CKA_CLASS, {reinterpret_cast<const std::uint8_t*>(&cls), sizeof cls});
  a.add_bytes(CKA_ID, id);
  if (CK_RV rv = session_.fn()->C_FindObjectsInit(session_.handle(), a.data(), a.size()); rv != CKR_OK)
    return to_hsm_error(rv);
  CK_OBJECT_HANDLE found = CK_INVALID_HANDLE;
  CK_ULONG count = 0;
  CK_RV rv = session_.fn()->C_FindObjects(session_.handle(), &found, 1, &count);
  session_.fn()->C_FindObjectsFinal(session_.handle());
  if (rv != CKR_OK) return to_hsm_error(rv);
  if (count == 0) return HsmError::not_found;
  return ObjectHandle{found};
}

Result<std::vector<std::uint8_t>> Pkcs11KeyStore::public_key(ObjectHandle key) {
  std::lock_guard lock(mutex_);
  auto info = info_locked(key);
  if (!info) return info.error();
  if (info.value().object_class == ObjectClass::secret_key) return HsmError::bad_argument;
  ObjectHandle pub = key;
  if (info.value().object_class == ObjectClass::private_key) {
    auto half = public_half(key);
    if (!half) return half.error();
    pub = half.value();
  }
  std::vector<std::uint8_t> raw;
  if (CK_RV rv = read_bytes(session_.fn(), session_.handle(), pub, CKA_EC_POINT, raw); rv != CKR_OK)
    return to_hsm_error(rv);
  auto point = ec_point_from_attribute(raw, public_length(info.value().type));
  if (!point) return HsmError::backend_failure;
  return std::move(*point);
}

Result<std::vector<std::uint8_t>> Pkcs11KeyStore::aead_encrypt(ObjectHandle key, const AeadParams& params,
                                                               std::span<const std::uint8_t> plaintext) {
  std::lock_guard lock(mutex_);
  auto info = info_locked(key);
  if (!info) return info.error();
  if (info.value().object_class != ObjectClass::secret_key || !is_aes(info.value().type))
    return HsmError::bad_mechanism;
  if (!info.value().usage.encrypt) return HsmError::not_permitted;
  if (params.mode != crypto::AeadMode::gcm) return HsmError::bad_mechanism;
  if (!crypto::aead_nonce_length_allowed(params.mode, params.nonce.size()) ||
      !crypto::aead_tag_length_allowed(params.mode, params.tag_length))
    return HsmError::bad_argument;
  CK_GCM_PARAMS gcm{data_ptr(params.nonce), params.nonce.size(), params.nonce.size() * 8,
                    data_ptr(params.aad), params.aad.size(), params.tag_length * 8};
  CK_MECHANISM mech{CKM_AES_GCM, &gcm, sizeof gcm};
  if (CK_RV rv = session_.fn()->C_EncryptInit(session_.handle(), &mech, key); rv != CKR_OK) return to_hsm_error(rv);
  std::vector<std::uint8_t> out(plaintext.size() + params.tag_length);
  CK_ULONG length = out.size();
  if (CK_RV rv = session_.fn()->C_Encrypt(session_.handle(), data_ptr(plaintext),
                                          plaintext.size(), out.data(), &length);
      rv != CKR_OK)
    return to_hsm_error(rv);
  if (length != out.size()) return HsmError::backend_failure;
  return out;
}

Result<crypto::SecretBytes> Pkcs11KeyStore::aead_decrypt(ObjectHandle key, const AeadParams& params,
                                                         std::span<const std::uint8_t> ciphertext_and_tag) {
  std::lock_guard lock(mutex_);
  auto info = info_locked(key);
  if (!info) return info.error();
  if (info.value().object_class != ObjectClass::secret_key || !is_aes(info.value().type))
    return HsmError::bad_mechanism;
  if (!info.value().usage.decrypt) return HsmError::not_permitted;
  if (params.mode != crypto::AeadMode::gcm) return HsmError::bad_mechanism;
  if (!crypto::aead_nonce_length_allowed(params.mode, params.nonce.size()) ||
      !crypto::aead_tag_length_allowed(params.mode, params.tag_length) ||
      ciphertext_and_tag.size() < params.tag_length)
    return HsmError::bad_argument;
  CK_GCM_PARAMS gcm{data_ptr(params.nonce), params.nonce.size(), params.nonce.size() * 8,
                    data_ptr(params.aad), params.aad.size(), params.tag_length * 8};
  CK_MECHANISM mech{CKM_AES_GCM, &gcm, sizeof gcm};
  if (CK_RV rv = session_.fn()->C_DecryptInit(session_.handle(), &mech, key); rv != CKR_OK) return to_hsm_error(rv);
  // Room for the whole input: some modules check the output size before removing the tag.
  crypto::SecretBytes buffer(ciphertext_and_tag.size());
  CK_ULONG length = buffer.size();
  CK_RV rv = session_.fn()->C_Decrypt(session_.handle(), const_cast<std::uint8_t*>(ciphertext_and_tag.data()),
                                      ciphertext_and_tag.size(), buffer.data(), &length);
  if (rv != CKR_OK) {
    // A tag that does not verify: every module answers with some failure, and no byte of
    // plaintext is returned whatever the code.
    const HsmError e = to_hsm_error(rv);
    return e == HsmError::backend_failure || e == HsmError::bad_argument ? HsmError::auth_failed : e;
  }
  const std::size_t body = ciphertext_and_tag.size() - params.tag_length;
  if (length != body) return HsmError::backend_failure;
  return crypto::SecretBytes(buffer.span().first(body));
}

Result<std::vector<std::uint8_t>> Pkcs11KeyStore::mac(ObjectHandle key, MacMechanism mechanism,
                                                      std::span<const std::uint8_t> data) {
  std::lock_guard lock(mutex_);
  auto info = info_locked(key);
  if (!info) return info.error();
  if (info.value().object_class != ObjectClass::secret_key || !mechanism_fits(mechanism, info.value().type))
    return HsmError::bad_mechanism;
  // usage.sign is already false for a derivation base (info_locked).
  if (!info.value().usage.sign) return HsmError::not_permitted;
  return sign_raw(mac_mechanism(mechanism), key, data, mac_size(mechanism));
}

Result<void> Pkcs11KeyStore::mac_verify(ObjectHandle key, MacMechanism mechanism, std::span<const std::uint8_t> data,
                                        std::span<const std::uint8_t> tag) {
  std::lock_guard lock(mutex_);
  auto info = info_locked(key);
  if (!info) return info.error();
  if (info.value().object_class != ObjectClass::secret_key || !mechanism_fits(mechanism, info.value().type))
    return HsmError::bad_mechanism;
  if (!info.value().usage.verify) return HsmError::not_permitted;
  const std::size_t full = mac_size(mechanism);
  if (tag.size() < crypto::Mac::min_verify_tag || tag.size() > full) return HsmError::bad_argument;
  if (tag.size() == full) {
    CK_MECHANISM mech{mac_mechanism(mechanism), nullptr, 0};
    if (CK_RV rv = session_.fn()->C_VerifyInit(session_.handle(), &mech, key); rv != CKR_OK) return to_hsm_error(rv);
    CK_RV rv = session_.fn()->C_Verify(session_.handle(), data_ptr(data), data.size(),
                                       const_cast<std::uint8_t*>(tag.data()), tag.size());
    if (rv != CKR_OK) return to_hsm_error(rv);
    return {};
  }
  // A truncated tag: v2.40 modules without the *_GENERAL MAC mechanisms can only compute the
  // full tag, which needs CKA_SIGN; the prefix is then compared in constant time.
  if (!info.value().usage.sign) return HsmError::bad_argument;
  auto computed = sign_raw(mac_mechanism(mechanism), key, data, full);
  if (!computed) return computed.error();
  const bool equal = crypto::equal_constant_time(std::span<const std::uint8_t>(computed.value()).first(tag.size()), tag);
  crypto::secure_wipe(computed.value());
  if (!equal) return HsmError::auth_failed;
  return {};
}

Result<std::vector<std::uint8_t>> Pkcs11KeyStore::sign(ObjectHandle key, SignMechanism mechanism,
                                                       std::span<const std::uint8_t> data) {
  std::lock_guard lock(mutex_);
  auto info = info_locked(key);
  if (!info) return info.error();
  if (info.value().object_class != ObjectClass::private_key) return HsmError::bad_mechanism;
  const KeyType wanted = mechanism == SignMechanism::ed25519 ? KeyType::ed25519 : KeyType::p256;
  if (info.value().type != wanted) return HsmError::bad_mechanism;
  if (!info.value().usage.sign) return HsmError::not_permitted;
  if (mechanism == SignMechanism::ed25519) {
    // CKM_EDDSA without parameters is pure Ed25519 (RFC 8032 §5.1), single-part C_Sign.
    return sign_raw(CKM_EDDSA, key, data, crypto::ed25519_signature_size);
  }
  // The message is public; only the signature needs the private key.
  std::array<std::uint8_t, crypto::sha256_size> digest{};
  if (crypto::sha256({data}, digest) != crypto::Status::ok) return HsmError::backend_failure;
  auto raw = sign_raw(CKM_ECDSA, key, digest, 64);
  if (!raw) return raw.error();
  if (raw.value().size() != 64) return HsmError::backend_failure;
  return ecdsa_raw_to_der(std::span<const std::uint8_t, 64>(raw.value().data(), 64));
}

Result<std::vector<ObjectHandle>> Pkcs11KeyStore::find_objects(std::string_view label) {
  std::lock_guard lock(mutex_);
  Attributes a;
  a.add_bytes(CKA_LABEL, as_bytes(label));
  if (CK_RV rv = session_.fn()->C_FindObjectsInit(session_.handle(), a.data(), a.size()); rv != CKR_OK)
    return to_hsm_error(rv);
  std::vector<ObjectHandle> found;
  std::array<CK_OBJECT_HANDLE, 64> batch{};
  CK_RV rv = CKR_OK;
  for (;;) {
    CK_ULONG count = 0;
    rv = session_.fn()->C_FindObjects(session_.handle(), batch.data(), batch.size(), &count);
    if (rv != CKR_OK || count == 0) break;
    found.insert(found.end(), batch.begin(), batch.begin() + static_cast<std::ptrdiff_t>(count));
  }
  session_.fn()->C_FindObjectsFinal(session_.handle());
  if (rv != CKR_OK) return to_hsm_error(rv);
  // Modules hand out handles in increasing order of creation or loading.
  std::sort(found.begin(), found.end());
  return found;
}

Result<ObjectInfo> Pkcs11KeyStore::info_locked(ObjectHandle handle) {
  CK_FUNCTION_LIST* fn = session_.fn();
  const CK_SESSION_HANDLE s = session_.handle();
  CK_OBJECT_CLASS cls = 0;
  if (CK_RV rv = read_scalar(fn, s, handle, CKA_CLASS, cls); rv != CKR_OK)
    return rv == CKR_OBJECT_HANDLE_INVALID ? HsmError::not_found : to_hsm_error(rv);
  ObjectInfo info;
  info.handle = handle;
  if (cls == CKO_SECRET_KEY) info.object_class = ObjectClass::secret_key;
  else if (cls == CKO_PRIVATE_KEY) info.object_class = ObjectClass::private_key;
  else if (cls == CKO_PUBLIC_KEY) info.object_class = ObjectClass::public_key;
  else return HsmError::not_found;  // data objects and certificates are not keys
  CK_KEY_TYPE kt = 0;
  if (CK_RV rv = read_scalar(fn, s, handle, CKA_KEY_TYPE, kt); rv != CKR_OK) return to_hsm_error(rv);
  std::vector<std::uint8_t> label;
  if (read_bytes(fn, s, handle, CKA_LABEL, label) == CKR_OK) info.label.assign(label.begin(), label.end());
  info.generated_inside = read_flag(fn, s, handle, CKA_LOCAL);

  if (info.object_class == ObjectClass::secret_key) {
    CK_ULONG length = 0;
    if (CK_RV rv = read_scalar(fn, s, handle, CKA_VALUE_LEN, length); rv != CKR_OK) return to_hsm_error(rv);
    info.length = length;
    if (kt == CKK_AES) info.type = length == 16 ? KeyType::aes128 : KeyType::aes256;
    else if (kt == CKK_GENERIC_SECRET) info.type = KeyType::generic_secret;
    else return HsmError::bad_mechanism;
    info.usage.sensitive = read_flag(fn, s, handle, CKA_SENSITIVE);
    info.usage.extractable = read_flag(fn, s, handle, CKA_EXTRACTABLE);
    info.usage.derive = read_flag(fn, s, handle, CKA_DERIVE);
    info.usage.encrypt = read_flag(fn, s, handle, CKA_ENCRYPT);
    info.usage.decrypt = read_flag(fn, s, handle, CKA_DECRYPT);
    info.usage.sign = read_flag(fn, s, handle, CKA_SIGN) && !info.usage.derive;
    info.usage.verify = read_flag(fn, s, handle, CKA_VERIFY);
    return info;
  }
  if (kt == CKK_EC_EDWARDS) info.type = KeyType::ed25519;
  else if (kt == CKK_EC) info.type = KeyType::p256;
  else return HsmError::bad_mechanism;
  if (info.object_class == ObjectClass::private_key) {
    info.length = 32;
    info.usage.sensitive = read_flag(fn, s, handle, CKA_SENSITIVE);
    info.usage.extractable = read_flag(fn, s, handle, CKA_EXTRACTABLE);
    info.usage.sign = read_flag(fn, s, handle, CKA_SIGN);
  } else {
    info.length = public_length(info.type);
    info.usage.sensitive = false;
    info.usage.extractable = true;
    info.usage.verify = read_flag(fn, s, handle, CKA_VERIFY);
  }
  return info;
}

Result<ObjectInfo> Pkcs11KeyStore::object_info(ObjectHandle handle) {
  std::lock_guard lock(mutex_);
  return info_locked(handle);
}

Result<void> Pkcs11KeyStore::destroy(ObjectHandle handle) {
  std::lock_guard lock(mutex_);
  if (CK_RV rv = session_.fn()->C_DestroyObject(session_.handle(), handle); rv != CKR_OK) {
    return rv == CKR_OBJECT_HANDLE_INVALID ? HsmError::not_found : to_hsm_error(rv);
  }
  return {};
}

}  // namespace meshsec::hsm
