#include "hsm/memory_key_store.hpp"

#include <array>
#include <utility>

#include "crypto/ed25519.hpp"
#include "crypto/kdf.hpp"
#include "crypto/mac.hpp"
#include "crypto/p256.hpp"
#include "crypto/p256_public_key.hpp"
#include "crypto/random.hpp"
#include "hsm/key_template_rules.hpp"

namespace meshsec::hsm {
namespace {

HsmError from_status(crypto::Status s) noexcept {
  switch (s) {
    case crypto::Status::auth_failed: return HsmError::auth_failed;
    case crypto::Status::bad_key_length:
    case crypto::Status::bad_nonce_length:
    case crypto::Status::bad_tag_length:
    case crypto::Status::bad_length:
    case crypto::Status::message_too_long:
    case crypto::Status::invalid_public_key: return HsmError::bad_argument;
    default: return HsmError::backend_failure;
  }
}


crypto::MacAlgorithm mac_algorithm(MacMechanism m) noexcept {
  return m == MacMechanism::hmac_sha256 ? crypto::MacAlgorithm::hmac_sha256 : crypto::MacAlgorithm::aes_cmac;
}

std::size_t public_length(KeyType t) noexcept {
  return t == KeyType::ed25519 ? crypto::ed25519_public_size : crypto::p256_point_size;
}

}  // namespace

ObjectHandle MemoryKeyStore::add(StoredObject object) {
  const ObjectHandle handle = next_handle_++;
  object.info.handle = handle;
  objects_.emplace(handle, std::move(object));
  return handle;
}

MemoryKeyStore::StoredObject* MemoryKeyStore::find(ObjectHandle handle) {
  auto it = objects_.find(handle);
  return it == objects_.end() ? nullptr : &it->second;
}

Result<ObjectHandle> MemoryKeyStore::generate_secret(const KeyTemplate& tmpl) {
  const std::size_t length = secret_length(tmpl);
  if (length == 0) return HsmError::bad_template;
  crypto::SecretBytes value(length);
  if (auto s = crypto::random_secret_bytes(value.span()); s != crypto::Status::ok) return from_status(s);
  std::lock_guard lock(mutex_);
  return add(StoredObject{ObjectInfo{invalid_handle, tmpl.label, ObjectClass::secret_key, tmpl.type, length,
                                     tmpl.usage, true},
                          std::move(value), {}});
}

Result<KeyPairHandles> MemoryKeyStore::add_pair(const KeyTemplate& tmpl, crypto::SecretBytes private_value,
                                                std::vector<std::uint8_t> public_value, bool generated) {
  KeyUsage public_usage{};
  public_usage.sensitive = false;
  public_usage.extractable = true;
  public_usage.verify = tmpl.usage.sign;
  std::lock_guard lock(mutex_);
  KeyPairHandles pair;
  pair.private_key = add(StoredObject{ObjectInfo{invalid_handle, tmpl.label, ObjectClass::private_key, tmpl.type,
                                                 private_value.size(), tmpl.usage, generated},
                                      std::move(private_value), public_value});
  pair.public_key = add(StoredObject{ObjectInfo{invalid_handle, tmpl.label, ObjectClass::public_key, tmpl.type,
                                                public_value.size(), public_usage, generated},
                                     crypto::SecretBytes{}, public_value});
  return pair;
}

Result<KeyPairHandles> MemoryKeyStore::generate_key_pair(const KeyTemplate& private_template) {
  if (!pair_template_ok(private_template)) return HsmError::bad_template;
  crypto::SecretBytes priv(32);
  std::vector<std::uint8_t> pub(public_length(private_template.type));
  crypto::Status s = private_template.type == KeyType::ed25519
                         ? crypto::ed25519_generate(std::span<std::uint8_t, 32>(priv.data(), 32),
                                                    std::span<std::uint8_t, 32>(pub.data(), 32))
                         : crypto::p256_generate(std::span<std::uint8_t, 32>(priv.data(), 32),
                                                 std::span<std::uint8_t, 65>(pub.data(), 65));
  if (s != crypto::Status::ok) return from_status(s);
  return add_pair(private_template, std::move(priv), std::move(pub), true);
}

Result<ObjectHandle> MemoryKeyStore::import_secret(const KeyTemplate& tmpl, std::span<const std::uint8_t> value) {
  if (!options_.allow_import) return HsmError::not_permitted;
  const std::size_t length = secret_length(tmpl, value.size());
  if (length == 0) return HsmError::bad_template;
  if (value.size() != length) return HsmError::bad_argument;
  std::lock_guard lock(mutex_);
  return add(StoredObject{ObjectInfo{invalid_handle, tmpl.label, ObjectClass::secret_key, tmpl.type, length,
                                     tmpl.usage, false},
                          crypto::SecretBytes(value), {}});
}

Result<KeyPairHandles> MemoryKeyStore::import_key_pair(const KeyTemplate& private_template,
                                                       std::span<const std::uint8_t> private_value) {
  if (!options_.allow_import) return HsmError::not_permitted;
  if (!pair_template_ok(private_template)) return HsmError::bad_template;
  if (private_value.size() != 32) return HsmError::bad_argument;
  crypto::SecretBytes priv(private_value);
  std::vector<std::uint8_t> pub(public_length(private_template.type));
  const std::span<const std::uint8_t, 32> d(priv.data(), 32);
  crypto::Status s = private_template.type == KeyType::ed25519
                         ? crypto::ed25519_public_from_seed(d, std::span<std::uint8_t, 32>(pub.data(), 32))
                         : crypto::p256_public_from_private(d, std::span<std::uint8_t, 65>(pub.data(), 65));
  if (s != crypto::Status::ok) return from_status(s);
  return add_pair(private_template, std::move(priv), std::move(pub), false);
}

Result<ObjectHandle> MemoryKeyStore::derive_key(ObjectHandle base, const DeriveParams& params,
                                                const KeyTemplate& derived) {
  std::lock_guard lock(mutex_);
  StoredObject* object = find(base);
  if (object == nullptr) return HsmError::not_found;
  if (object->info.object_class != ObjectClass::secret_key) return HsmError::bad_mechanism;
  if (!mechanism_fits(params.prf, object->info.type)) return HsmError::bad_mechanism;
  if (!object->info.usage.derive) return HsmError::not_permitted;
  const std::size_t length = secret_length(derived);
  if (length == 0) return HsmError::bad_template;

  crypto::Mac prf;
  if (auto s = prf.init(mac_algorithm(params.prf), object->value.span()); s != crypto::Status::ok)
    return from_status(s);
  crypto::SecretBytes value(length);
  if (auto s = crypto::kbkdf_counter(prf, params.label, params.context, value.span()); s != crypto::Status::ok)
    return from_status(s);
  return add(StoredObject{ObjectInfo{invalid_handle, derived.label, ObjectClass::secret_key, derived.type, length,
                                     derived.usage, false},
                          std::move(value), {}});
}

Result<crypto::SecretBytes> MemoryKeyStore::export_secret(ObjectHandle key) {
  std::lock_guard lock(mutex_);
  StoredObject* object = find(key);
  if (object == nullptr) return HsmError::not_found;
  if (object->info.object_class == ObjectClass::public_key) return HsmError::bad_argument;
  // Both attributes must allow it: CKA_SENSITIVE hides the value even from a token's
  // wrap-free read, CKA_EXTRACTABLE forbids it leaving at all.
  if (!object->info.usage.extractable || object->info.usage.sensitive) return HsmError::not_permitted;
  return object->value.clone();
}

Result<std::vector<std::uint8_t>> MemoryKeyStore::public_key(ObjectHandle key) {
  std::lock_guard lock(mutex_);
  StoredObject* object = find(key);
  if (object == nullptr) return HsmError::not_found;
  if (object->info.object_class == ObjectClass::secret_key) return HsmError::bad_argument;
  return object->public_value;
}

Result<std::vector<std::uint8_t>> MemoryKeyStore::aead_encrypt(ObjectHandle key, const AeadParams& params,
                                                               std::span<const std::uint8_t> plaintext) {
  std::lock_guard lock(mutex_);
  StoredObject* object = find(key);
  if (object == nullptr) return HsmError::not_found;
  if (object->info.object_class != ObjectClass::secret_key || !is_aes(object->info.type))
    return HsmError::bad_mechanism;
  if (!object->info.usage.encrypt) return HsmError::not_permitted;
  crypto::AesAead aead;
  if (auto s = aead.init(params.mode, object->value.span(), params.tag_length); s != crypto::Status::ok)
    return from_status(s);
  std::vector<std::uint8_t> out(plaintext.size() + params.tag_length);
  const std::span<std::uint8_t> all(out);
  if (auto s = aead.seal(params.nonce, params.aad, plaintext, all.first(plaintext.size()),
                         all.subspan(plaintext.size()));
      s != crypto::Status::ok)
    return from_status(s);
  return out;
}

Result<crypto::SecretBytes> MemoryKeyStore::aead_decrypt(ObjectHandle key, const AeadParams& params,
                                                         std::span<const std::uint8_t> ciphertext_and_tag) {
  std::lock_guard lock(mutex_);
  StoredObject* object = find(key);
  if (object == nullptr) return HsmError::not_found;
  if (object->info.object_class != ObjectClass::secret_key || !is_aes(object->info.type))
    return HsmError::bad_mechanism;
  if (!object->info.usage.decrypt) return HsmError::not_permitted;
  if (ciphertext_and_tag.size() < params.tag_length) return HsmError::bad_argument;
  crypto::AesAead aead;
  if (auto s = aead.init(params.mode, object->value.span(), params.tag_length); s != crypto::Status::ok)
    return from_status(s);
  const std::size_t body = ciphertext_and_tag.size() - params.tag_length;
  crypto::SecretBytes plaintext(body);
  if (auto s = aead.open(params.nonce, params.aad, ciphertext_and_tag.first(body),
                         ciphertext_and_tag.subspan(body), plaintext.span());
      s != crypto::Status::ok)
    return from_status(s);  // plaintext was wiped by open() and is dropped here
  return plaintext;
}

Result<std::vector<std::uint8_t>> MemoryKeyStore::mac(ObjectHandle key, MacMechanism mechanism,
                                                      std::span<const std::uint8_t> data) {
  std::lock_guard lock(mutex_);
  StoredObject* object = find(key);
  if (object == nullptr) return HsmError::not_found;
  if (object->info.object_class != ObjectClass::secret_key || !mechanism_fits(mechanism, object->info.type))
    return HsmError::bad_mechanism;
  if (!object->info.usage.sign) return HsmError::not_permitted;
  crypto::Mac m;
  if (auto s = m.init(mac_algorithm(mechanism), object->value.span()); s != crypto::Status::ok)
    return from_status(s);
  std::vector<std::uint8_t> tag(m.size());
  if (auto s = m.compute(data, tag); s != crypto::Status::ok) return from_status(s);
  return tag;
}

Result<void> MemoryKeyStore::mac_verify(ObjectHandle key, MacMechanism mechanism,
                                        std::span<const std::uint8_t> data, std::span<const std::uint8_t> tag) {
  std::lock_guard lock(mutex_);
  StoredObject* object = find(key);
  if (object == nullptr) return HsmError::not_found;
  if (object->info.object_class != ObjectClass::secret_key || !mechanism_fits(mechanism, object->info.type))
    return HsmError::bad_mechanism;
  if (!object->info.usage.verify) return HsmError::not_permitted;
  crypto::Mac m;
  if (auto s = m.init(mac_algorithm(mechanism), object->value.span()); s != crypto::Status::ok)
    return from_status(s);
  if (auto s = m.verify({data}, tag); s != crypto::Status::ok) return from_status(s);
  return {};
}

Result<std::vector<std::uint8_t>> MemoryKeyStore::sign(ObjectHandle key, SignMechanism mechanism,
                                                       std::span<const std::uint8_t> data) {
  std::lock_guard lock(mutex_);
  StoredObject* object = find(key);
  if (object == nullptr) return HsmError::not_found;
  if (object->info.object_class != ObjectClass::private_key) return HsmError::bad_mechanism;
  const KeyType wanted = mechanism == SignMechanism::ed25519 ? KeyType::ed25519 : KeyType::p256;
  if (object->info.type != wanted) return HsmError::bad_mechanism;
  if (!object->info.usage.sign) return HsmError::not_permitted;
  const std::span<const std::uint8_t, 32> priv(object->value.data(), 32);
  if (mechanism == SignMechanism::ed25519) {
    std::vector<std::uint8_t> signature(crypto::ed25519_signature_size);
    if (auto s = crypto::ed25519_sign(priv, data, std::span<std::uint8_t, 64>(signature.data(), 64));
        s != crypto::Status::ok)
      return from_status(s);
    return signature;
  }
  std::array<std::uint8_t, 72> der{};
  std::size_t length = 0;
  if (auto s = crypto::p256_ecdsa_sign(priv, data, der, length); s != crypto::Status::ok) return from_status(s);
  return std::vector<std::uint8_t>(der.begin(), der.begin() + static_cast<std::ptrdiff_t>(length));
}

Result<std::vector<ObjectHandle>> MemoryKeyStore::find_objects(std::string_view label) {
  std::lock_guard lock(mutex_);
  std::vector<ObjectHandle> found;
  for (const auto& [handle, object] : objects_)
    if (object.info.label == label) found.push_back(handle);
  return found;
}

Result<ObjectInfo> MemoryKeyStore::object_info(ObjectHandle handle) {
  std::lock_guard lock(mutex_);
  StoredObject* object = find(handle);
  if (object == nullptr) return HsmError::not_found;
  return object->info;
}

Result<void> MemoryKeyStore::destroy(ObjectHandle handle) {
  std::lock_guard lock(mutex_);
  auto it = objects_.find(handle);
  if (it == objects_.end()) return HsmError::not_found;
  objects_.erase(it);  // SecretBytes wipes the value on destruction
  return {};
}

}  // namespace meshsec::hsm
