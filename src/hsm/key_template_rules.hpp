// The template rules every key-custody backend applies, in one place, so the in-memory
// store and the PKCS#11 store accept and refuse exactly the same templates.
#pragma once
#include <cstddef>
#include <string>

#include "hsm/key_custody.hpp"

namespace meshsec::hsm {

inline constexpr std::size_t max_label_length = 255;
inline constexpr std::size_t max_generic_secret = 64;
inline constexpr std::size_t default_generic_secret = 32;

[[nodiscard]] bool label_ok(const std::string& label) noexcept;
[[nodiscard]] bool is_aes(KeyType t) noexcept;

// The value length a secret-key template asks for; 0 when the template is inconsistent.
// `import_length` lets an import of a generic secret with no declared length take the
// length of the value brought in.
[[nodiscard]] std::size_t secret_length(const KeyTemplate& t, std::size_t import_length = 0) noexcept;

// A signing key pair signs; ECDH and encryption with it are not offered.
[[nodiscard]] bool pair_template_ok(const KeyTemplate& t) noexcept;

// HMAC runs on generic secrets, CMAC on AES keys.
[[nodiscard]] bool mechanism_fits(MacMechanism m, KeyType t) noexcept;

}  // namespace meshsec::hsm
