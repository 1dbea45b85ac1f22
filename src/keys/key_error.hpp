// Error values of the key hierarchy (device side: returned, never thrown).
#pragma once
#include <cstdint>
#include <string_view>

namespace meshsec::keys {

enum class KeyError : std::uint8_t {
  ok = 0,
  bad_customer_id,  // empty, longer than 64 bytes, or a byte outside [A-Za-z0-9._-]
  bad_environment,  // not dev or prod
  bad_purpose,      // not a known purpose code
  bad_key_size,     // not 128 or 256 bits (a chain seed: not 128), or an output buffer of the wrong size
  bad_subject,      // subject id not allowed for the purpose (blob keys are customer-wide: 0), or a
                    // node id no mesh node has (above max_mesh_node_id: no cover keys)
  bad_version,      // version out of range for the purpose (network key index: 0..255; cover: a subtree)
  crypto_failure,   // the crypto layer failed; outputs were wiped
};

[[nodiscard]] constexpr std::string_view to_string(KeyError e) noexcept {
  switch (e) {
    case KeyError::ok: return "ok";
    case KeyError::bad_customer_id: return "bad_customer_id";
    case KeyError::bad_environment: return "bad_environment";
    case KeyError::bad_purpose: return "bad_purpose";
    case KeyError::bad_key_size: return "bad_key_size";
    case KeyError::bad_subject: return "bad_subject";
    case KeyError::bad_version: return "bad_version";
    case KeyError::crypto_failure: return "crypto_failure";
  }
  return "unknown";
}

}  // namespace meshsec::keys
