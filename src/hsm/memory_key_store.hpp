// In-memory key custody: the KeyStore for tests, the simulator and development tools.
// Values live in SecretBytes inside this object and every operation runs through
// src/crypto; the attribute rules are the same ones a PKCS#11 token enforces, so code that
// works here keeps working against the token backend. Thread-safe (one mutex).
#pragma once
#include <map>
#include <mutex>

#include "hsm/key_custody.hpp"

namespace meshsec::hsm {

class MemoryKeyStore final : public KeyStore {
 public:
  struct Options {
    // import_secret()/import_key_pair() are refused (not_permitted) unless set: production
    // masters are generated inside, never brought in.
    bool allow_import = false;
  };

  MemoryKeyStore() : MemoryKeyStore(Options{}) {}
  explicit MemoryKeyStore(Options options) : options_(options) {}

  Result<ObjectHandle> generate_secret(const KeyTemplate& tmpl) override;
  Result<KeyPairHandles> generate_key_pair(const KeyTemplate& private_template) override;
  Result<ObjectHandle> import_secret(const KeyTemplate& tmpl, std::span<const std::uint8_t> value) override;
  Result<KeyPairHandles> import_key_pair(const KeyTemplate& private_template,
                                         std::span<const std::uint8_t> private_value) override;
  Result<ObjectHandle> derive_key(ObjectHandle base, const DeriveParams& params,
                                  const KeyTemplate& derived) override;
  Result<crypto::SecretBytes> export_secret(ObjectHandle key) override;
  Result<std::vector<std::uint8_t>> public_key(ObjectHandle key) override;
  Result<std::vector<std::uint8_t>> aead_encrypt(ObjectHandle key, const AeadParams& params,
                                                 std::span<const std::uint8_t> plaintext) override;
  Result<crypto::SecretBytes> aead_decrypt(ObjectHandle key, const AeadParams& params,
                                           std::span<const std::uint8_t> ciphertext_and_tag) override;
  Result<std::vector<std::uint8_t>> mac(ObjectHandle key, MacMechanism mechanism,
                                        std::span<const std::uint8_t> data) override;
  Result<void> mac_verify(ObjectHandle key, MacMechanism mechanism, std::span<const std::uint8_t> data,
                          std::span<const std::uint8_t> tag) override;
  Result<std::vector<std::uint8_t>> sign(ObjectHandle key, SignMechanism mechanism,
                                         std::span<const std::uint8_t> data) override;
  Result<std::vector<ObjectHandle>> find_objects(std::string_view label) override;
  Result<ObjectInfo> object_info(ObjectHandle handle) override;
  Result<void> destroy(ObjectHandle handle) override;

 private:
  struct StoredObject {
    ObjectInfo info;
    crypto::SecretBytes value;                // secret or private value
    std::vector<std::uint8_t> public_value;   // key pairs: both halves carry it
  };

  ObjectHandle add(StoredObject object);
  StoredObject* find(ObjectHandle handle);
  Result<KeyPairHandles> add_pair(const KeyTemplate& tmpl, crypto::SecretBytes private_value,
                                  std::vector<std::uint8_t> public_value, bool generated);

  Options options_;
  std::mutex mutex_;
  std::map<ObjectHandle, StoredObject> objects_;
  ObjectHandle next_handle_ = 1;
};

}  // namespace meshsec::hsm
