// Error values of key custody. They mirror the PKCS#11 return codes a token gives for the
// same situations, so a PKCS#11 backend maps CK_RV onto them one to one.
#pragma once
#include <cstdint>
#include <string_view>

namespace meshsec::hsm {

enum class HsmError : std::uint8_t {
  not_found,        // no object with this handle/label (CKR_OBJECT_HANDLE_INVALID)
  not_permitted,    // the object's attributes forbid the operation: reading a sensitive or
                    // non-extractable key, using a key without the usage flag, import
                    // disabled (CKR_KEY_UNEXTRACTABLE, CKR_ATTRIBUTE_SENSITIVE,
                    // CKR_KEY_FUNCTION_NOT_PERMITTED)
  bad_mechanism,    // mechanism does not fit the key type (CKR_KEY_TYPE_INCONSISTENT,
                    // CKR_MECHANISM_INVALID)
  bad_template,     // inconsistent key template: class/type/length/flags (CKR_TEMPLATE_INCONSISTENT)
  bad_argument,     // a parameter is out of range: nonce/tag length, key value size
                    // (CKR_ARGUMENTS_BAD, CKR_MECHANISM_PARAM_INVALID)
  auth_failed,      // AEAD tag or MAC did not verify (CKR_ENCRYPTED_DATA_INVALID,
                    // CKR_SIGNATURE_INVALID); no plaintext is returned
  backend_failure,  // the backend (OpenSSL, token, module) failed
};

[[nodiscard]] constexpr std::string_view to_string(HsmError e) noexcept {
  switch (e) {
    case HsmError::not_found: return "not_found";
    case HsmError::not_permitted: return "not_permitted";
    case HsmError::bad_mechanism: return "bad_mechanism";
    case HsmError::bad_template: return "bad_template";
    case HsmError::bad_argument: return "bad_argument";
    case HsmError::auth_failed: return "auth_failed";
    case HsmError::backend_failure: return "backend_failure";
  }
  return "unknown";
}

}  // namespace meshsec::hsm
