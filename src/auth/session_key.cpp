#include "auth/session_key.hpp"

#include <array>
#include <string_view>

#include "crypto/kdf.hpp"
#include "crypto/mac.hpp"
#include "wire/bounded_writer.hpp"

namespace meshsec::auth {

AuthError derive_session_key(std::span<const std::uint8_t> key, const Random& r_a, const Random& r_b,
                             const EntityId& a, const EntityId& b, SessionKey& out) noexcept {
  static constexpr std::string_view label = "meshsec 9798-2 session v1";
  if (!auth_key_length_ok(key.size())) return AuthError::bad_key;
  std::array<std::uint8_t, 2 * random_size + 2 * id_size> context{};
  wire::BoundedWriter w(context);
  w.bytes(r_a);
  w.bytes(r_b);
  w.bytes(a);
  w.bytes(b);
  crypto::Mac prf;
  if (prf.init(crypto::MacAlgorithm::aes_cmac, key) != crypto::Status::ok) return AuthError::crypto_failure;
  if (crypto::kbkdf_counter(prf, {reinterpret_cast<const std::uint8_t*>(label.data()), label.size()}, context,
                            out.span()) != crypto::Status::ok) {
    out.wipe();
    return AuthError::crypto_failure;
  }
  return AuthError::ok;
}

}  // namespace meshsec::auth
