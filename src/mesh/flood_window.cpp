#include "mesh/flood_window.hpp"

#include <string_view>

#include "crypto/mac.hpp"

namespace meshsec::mesh {

bool flood_window_tag(std::uint32_t network_id, std::uint32_t round, const ChainValue& key,
                      FloodWindowTag& out) noexcept {
  constexpr std::string_view label = "meshsec flood window v1";
  const std::array<std::uint8_t, 8> names{
      static_cast<std::uint8_t>(network_id >> 24), static_cast<std::uint8_t>(network_id >> 16),
      static_cast<std::uint8_t>(network_id >> 8),  static_cast<std::uint8_t>(network_id),
      static_cast<std::uint8_t>(round >> 24),      static_cast<std::uint8_t>(round >> 16),
      static_cast<std::uint8_t>(round >> 8),       static_cast<std::uint8_t>(round)};
  crypto::Mac mac;
  if (mac.init(crypto::MacAlgorithm::aes_cmac, key) != crypto::Status::ok) return false;
  const auto label_bytes = std::span<const std::uint8_t>(reinterpret_cast<const std::uint8_t*>(label.data()), label.size());
  return mac.compute({label_bytes, names}, out) == crypto::Status::ok;
}

}  // namespace meshsec::mesh
