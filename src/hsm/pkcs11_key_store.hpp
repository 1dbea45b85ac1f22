// Key custody on a PKCS#11 token (SoftHSM2 by default, any v2.40 module by configuration):
// the KeyStore interface of hsm/key_custody.hpp on one logged-in read-write session.
//
// How the interface maps onto the token (docs/factory.md §HSM):
//   generate_secret   CKM_AES_KEY_GEN / CKM_GENERIC_SECRET_KEY_GEN, token object
//   generate_key_pair CKM_EC_EDWARDS_KEY_PAIR_GEN (Ed25519) / CKM_EC_KEY_PAIR_GEN (P-256)
//   import_*          C_CreateObject with CKA_VALUE (only with Pkcs11Config::allow_import)
//   derive_key        SP 800-108 counter mode, each PRF block K(i) = C_Sign(CKM_SHA256_HMAC
//                     or CKM_AES_CMAC, base) inside the token; the result becomes a session
//                     object (C_CreateObject), so derived keys vanish with the session
//   export_secret     C_GetAttributeValue(CKA_VALUE) of a non-sensitive extractable key
//   aead_*            CKM_AES_GCM (SoftHSM 2.6 has no CKM_AES_CCM: ccm is bad_mechanism)
//   mac / mac_verify  CKM_SHA256_HMAC / CKM_AES_CMAC
//   sign              CKM_EDDSA (pure Ed25519) / CKM_ECDSA over SHA-256 computed here
//                     (SoftHSM 2.6 has no CKM_ECDSA_SHA256), r ‖ s re-encoded as DER
//
// One restriction beyond the in-memory store: the PRF of derive_key() is C_Sign, which a
// token allows only with CKA_SIGN, so a derivation base carries CKA_SIGN=TRUE. To keep a
// master usable for derivation only, mac() refuses every key with CKA_DERIVE=TRUE and a
// template asking for both derive and sign is bad_template.
#pragma once
#include <p11-kit/pkcs11.h>

#include <memory>
#include <mutex>
#include <string>

#include "hsm/key_custody.hpp"
#include "hsm/pkcs11_error.hpp"
#include "hsm/pkcs11_module.hpp"

namespace meshsec::hsm {

struct Pkcs11Config {
  std::string module_path;                // empty: default_pkcs11_module()
  std::string token_label = "meshsec-dev";
  std::string user_pin;                   // never logged
  bool allow_import = false;              // import_secret()/import_key_pair() (dev keys, tests)
};

class Pkcs11KeyStore final : public KeyStore {
 public:
  // Loads the module, finds the token by label, opens a session and logs in as user.
  [[nodiscard]] static Pkcs11Result<std::unique_ptr<Pkcs11KeyStore>> open(const Pkcs11Config& config);

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

  // The token's own answer to C_GetAttributeValue(key, CKA_VALUE), bypassing every check
  // of this class: tests use it to show that the token itself refuses to reveal a master.
  [[nodiscard]] CK_RV raw_read_value(ObjectHandle key);
  [[nodiscard]] const std::string& module_path() const noexcept { return session_.module()->path(); }

 private:
  Pkcs11KeyStore(Pkcs11Session session, bool allow_import) noexcept
      : session_(std::move(session)), allow_import_(allow_import) {}

  Result<ObjectHandle> create_secret(const KeyTemplate& tmpl, std::size_t length,
                                     std::span<const std::uint8_t> value, bool on_token);
  Result<KeyPairHandles> create_pair(const KeyTemplate& tmpl, std::span<const std::uint8_t> private_value);
  Result<std::vector<std::uint8_t>> sign_raw(CK_MECHANISM_TYPE mechanism, ObjectHandle key,
                                             std::span<const std::uint8_t> data, std::size_t max_out);
  Result<ObjectInfo> info_locked(ObjectHandle handle);
  Result<ObjectHandle> public_half(ObjectHandle private_key);

  Pkcs11Session session_;
  bool allow_import_ = false;
  std::mutex mutex_;  // a PKCS#11 session runs one operation at a time
};

}  // namespace meshsec::hsm
