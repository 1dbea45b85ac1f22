// Key custody: the one interface through which host-side code (factory, uploader, gateway,
// back-end, signing tools) uses keys it may not see.
//
// Shaped after PKCS#11 v2.40 so that a token backend (hsm/pkcs11_key_store) implements it
// without new mechanisms: a KeyStore is a logged-in session; keys are objects named by
// opaque 64-bit handles (CK_OBJECT_HANDLE) and described by attributes (CKA_LABEL,
// CKA_CLASS, CKA_KEY_TYPE, CKA_SENSITIVE, CKA_EXTRACTABLE, CKA_DERIVE, CKA_ENCRYPT, ...).
// Every operation on key material runs inside the store; the only ways bytes leave it are
// export_secret() of an object created extractable and non-sensitive, and public_key().
//
// Derivation (docs/keys.md §Custody): derive_key() is SP 800-108 counter mode with the PRF
// keyed by the base object,
//   K(i) = PRF(base, [i]_32 ‖ Label ‖ 0x00 ‖ Context ‖ [L]_32),  L = 8 · derived length,
// PRF = HMAC-SHA256 (base: generic secret) or AES-CMAC (base: AES key). PKCS#11 v2.40 has
// no SP 800-108 mechanism (and SoftHSM 2.6 lacks the v3.0 CKM_SP800_108_COUNTER_KDF), so a
// token backend computes each K(i) with C_Sign(CKM_SHA256_HMAC or CKM_AES_CMAC) on the base
// handle and creates the derived object from the result; the base never leaves the token.
#pragma once
#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "crypto/aead.hpp"
#include "crypto/secret.hpp"
#include "hsm/hsm_error.hpp"
#include "hsm/hsm_result.hpp"

namespace meshsec::hsm {

// Opaque object handle; 0 is never a valid object (CK_INVALID_HANDLE).
using ObjectHandle = std::uint64_t;
inline constexpr ObjectHandle invalid_handle = 0;

enum class ObjectClass : std::uint8_t { secret_key, private_key, public_key };

enum class KeyType : std::uint8_t {
  aes128,          // CKK_AES, 16 bytes
  aes256,          // CKK_AES, 32 bytes
  generic_secret,  // CKK_GENERIC_SECRET: HMAC keys and HMAC-PRF derivation bases, 1..64 bytes
  ed25519,         // CKK_EC_EDWARDS (Ed25519), key pair
  p256,            // CKK_EC on prime256v1, key pair
};

// Attribute flags. Defaults are the safe ones: sensitive, not extractable, no usage.
struct KeyUsage {
  bool sensitive = true;     // CKA_SENSITIVE: the value is never readable in plaintext
  bool extractable = false;  // CKA_EXTRACTABLE: the value may leave the store at all
  bool derive = false;       // may key the derivation PRF (CKA_DERIVE)
  bool encrypt = false;      // AEAD seal (CKA_ENCRYPT)
  bool decrypt = false;      // AEAD open (CKA_DECRYPT)
  bool sign = false;         // MAC compute, signature (CKA_SIGN)
  bool verify = false;       // MAC verify (CKA_VERIFY)
};

// What to create. For a key pair it describes the private half; the public half gets the
// same label, class public_key, and is readable.
struct KeyTemplate {
  std::string label;                // 1..255 bytes (CKA_LABEL); need not be unique
  KeyType type = KeyType::aes256;
  std::size_t length = 0;           // bytes; generic_secret only (1..64), 0 = 32
  KeyUsage usage{};
};

struct ObjectInfo {
  ObjectHandle handle = invalid_handle;
  std::string label;
  ObjectClass object_class = ObjectClass::secret_key;
  KeyType type = KeyType::aes256;
  std::size_t length = 0;         // value length in bytes (public: encoded point length)
  KeyUsage usage{};
  bool generated_inside = false;  // CKA_LOCAL: generated in the store, never imported/derived
};

struct KeyPairHandles {
  ObjectHandle private_key = invalid_handle;
  ObjectHandle public_key = invalid_handle;
};

enum class MacMechanism : std::uint8_t {
  hmac_sha256,  // CKM_SHA256_HMAC, generic_secret keys, 32-byte tag
  aes_cmac,     // CKM_AES_CMAC, AES keys, 16-byte tag
};

struct DeriveParams {
  MacMechanism prf = MacMechanism::hmac_sha256;
  std::span<const std::uint8_t> label;    // SP 800-108 Label
  std::span<const std::uint8_t> context;  // SP 800-108 Context
};

// CKM_AES_CCM / CKM_AES_GCM. Ciphertext travels as ciphertext ‖ tag, as PKCS#11 returns it.
struct AeadParams {
  crypto::AeadMode mode = crypto::AeadMode::ccm;
  std::span<const std::uint8_t> nonce;
  std::span<const std::uint8_t> aad;
  std::size_t tag_length = 16;
};

enum class SignMechanism : std::uint8_t {
  ed25519,            // CKM_EDDSA (pure Ed25519), 64-byte signature
  ecdsa_p256_sha256,  // CKM_ECDSA_SHA256; returned DER-encoded (a token's r ‖ s is re-encoded)
};

class KeyStore {
 public:
  KeyStore() = default;
  KeyStore(const KeyStore&) = delete;
  KeyStore& operator=(const KeyStore&) = delete;
  virtual ~KeyStore() = default;

  // A fresh random secret key that exists only inside. Errors: bad_template, backend_failure.
  virtual Result<ObjectHandle> generate_secret(const KeyTemplate& tmpl) = 0;
  // A fresh key pair (type ed25519 or p256). Errors: bad_template, backend_failure.
  virtual Result<KeyPairHandles> generate_key_pair(const KeyTemplate& private_template) = 0;

  // Brings known bytes in (development keys, tests). Disabled unless the store was opened
  // with imports allowed. value must have the type's length. Errors: not_permitted,
  // bad_template, bad_argument, backend_failure.
  virtual Result<ObjectHandle> import_secret(const KeyTemplate& tmpl,
                                             std::span<const std::uint8_t> value) = 0;
  // private_value: Ed25519 32-byte seed or P-256 32-byte big-endian scalar.
  virtual Result<KeyPairHandles> import_key_pair(const KeyTemplate& private_template,
                                                 std::span<const std::uint8_t> private_value) = 0;

  // A new secret object computed inside from `base` (see the header comment). base must be
  // a secret key with usage.derive; PRF hmac_sha256 needs a generic_secret base, aes_cmac an
  // AES base. Errors: not_found, not_permitted, bad_mechanism, bad_template, bad_argument
  // (label/context too long), backend_failure.
  virtual Result<ObjectHandle> derive_key(ObjectHandle base, const DeriveParams& params,
                                          const KeyTemplate& derived) = 0;

  // The plaintext value of a secret or private key, only if it was created extractable and
  // not sensitive. Master keys never are. Errors: not_found, not_permitted, bad_argument
  // (public object: use public_key()).
  virtual Result<crypto::SecretBytes> export_secret(ObjectHandle key) = 0;

  // Ed25519: 32 raw bytes; P-256: 65-byte uncompressed point. Accepts the public object or
  // the private half of a pair made by this store. Errors: not_found, bad_argument.
  virtual Result<std::vector<std::uint8_t>> public_key(ObjectHandle key) = 0;

  // Errors: not_found, not_permitted (no encrypt/decrypt usage), bad_mechanism (not AES),
  // bad_argument (nonce/tag length), auth_failed (decrypt), backend_failure.
  virtual Result<std::vector<std::uint8_t>> aead_encrypt(ObjectHandle key, const AeadParams& params,
                                                         std::span<const std::uint8_t> plaintext) = 0;
  virtual Result<crypto::SecretBytes> aead_decrypt(ObjectHandle key, const AeadParams& params,
                                                   std::span<const std::uint8_t> ciphertext_and_tag) = 0;

  // Full-length tag. Errors: not_found, not_permitted (no sign usage), bad_mechanism.
  virtual Result<std::vector<std::uint8_t>> mac(ObjectHandle key, MacMechanism mechanism,
                                                std::span<const std::uint8_t> data) = 0;
  // Constant-time check of a tag (truncated to no less than 8 bytes). Errors: as mac()
  // (verify usage), bad_argument (tag length), auth_failed.
  virtual Result<void> mac_verify(ObjectHandle key, MacMechanism mechanism,
                                  std::span<const std::uint8_t> data,
                                  std::span<const std::uint8_t> tag) = 0;

  // Signs with a private key. Errors: not_found, not_permitted, bad_mechanism, backend_failure.
  virtual Result<std::vector<std::uint8_t>> sign(ObjectHandle key, SignMechanism mechanism,
                                                 std::span<const std::uint8_t> data) = 0;

  // Every object with exactly this label (C_FindObjects on CKA_LABEL), in creation order.
  virtual Result<std::vector<ObjectHandle>> find_objects(std::string_view label) = 0;
  virtual Result<ObjectInfo> object_info(ObjectHandle handle) = 0;
  // Errors: not_found.
  virtual Result<void> destroy(ObjectHandle handle) = 0;
};

[[nodiscard]] constexpr std::string_view to_string(KeyType t) noexcept {
  switch (t) {
    case KeyType::aes128: return "aes128";
    case KeyType::aes256: return "aes256";
    case KeyType::generic_secret: return "generic_secret";
    case KeyType::ed25519: return "ed25519";
    case KeyType::p256: return "p256";
  }
  return "unknown";
}

}  // namespace meshsec::hsm
