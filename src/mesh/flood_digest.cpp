#include "mesh/flood_digest.hpp"

#include <array>
#include <string_view>

#include "crypto/kdf.hpp"
#include "crypto/secret.hpp"

namespace meshsec::mesh {

bool FloodDigest::init(std::span<const std::uint8_t> node_secret, node::NodeId id) noexcept {
  constexpr std::string_view label = "meshsec flood digest v1";
  const std::array<std::uint8_t, 2> info{static_cast<std::uint8_t>(id >> 8), static_cast<std::uint8_t>(id)};
  crypto::SecretArray<16> key;
  const auto salt = std::span<const std::uint8_t>(reinterpret_cast<const std::uint8_t*>(label.data()), label.size());
  if (crypto::hkdf_sha256(salt, node_secret, info, key.span()) != crypto::Status::ok) return false;
  return mac_.init(crypto::MacAlgorithm::aes_cmac, key.span()) == crypto::Status::ok;
}

std::uint32_t FloodDigest::of(std::span<const std::uint8_t> carried) noexcept {
  if (!mac_.ready()) return 0;
  static_assert(bits % 8 == 0 && bits <= 32);
  std::array<std::uint8_t, bits / 8> out{};
  if (mac_.compute(carried, out) != crypto::Status::ok) return 0;
  std::uint32_t digest = 0;
  for (const std::uint8_t b : out) digest = (digest << 8) | b;
  return digest;
}

}  // namespace meshsec::mesh
