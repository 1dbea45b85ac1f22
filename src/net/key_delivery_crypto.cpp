#include "net/key_delivery_crypto.hpp"

#include "wire/bounded_writer.hpp"

namespace meshsec::net {

crypto::Status init_key_encryption_key(crypto::AesAead& kek, std::span<const std::uint8_t> key) noexcept {
  if (key.size() != 16 && key.size() != 32) return crypto::Status::bad_key_length;
  return kek.init(crypto::AeadMode::ccm, key, wire::KeyDeliveryLayout::tag_size);
}

BuildError seal_key_delivery(crypto::AesAead& kek, std::uint16_t net_id, std::uint16_t target,
                             std::uint32_t epoch, std::uint8_t flags,
                             std::span<const std::uint8_t> new_key, std::span<std::uint8_t> out,
                             std::size_t& blob_length) noexcept {
  blob_length = 0;
  if (new_key.size() != 16 && new_key.size() != 32) return BuildError::bad_field;
  if (kek.tag_length() != wire::KeyDeliveryLayout::tag_size) return BuildError::bad_field;
  wire::BoundedWriter w(out);
  if (wire::write_key_delivery_head(w, target, epoch, flags) != wire::WireError::ok)
    return w.ok() ? BuildError::bad_field : BuildError::too_long;
  auto wrapped = w.reserve(new_key.size());
  auto tag = w.reserve(wire::KeyDeliveryLayout::tag_size);
  if (!w.ok()) return BuildError::too_long;
  const auto nonce = wire::key_delivery_nonce(net_id, target, epoch, flags);
  const auto aad = out.first(wire::KeyDeliveryLayout::fixed_size);
  if (kek.seal(nonce, aad, new_key, wrapped, tag) != crypto::Status::ok)
    return BuildError::crypto_failure;
  blob_length = w.size();
  return BuildError::ok;
}

crypto::Status open_key_delivery(crypto::AesAead& kek, std::uint16_t net_id,
                                 const wire::KeyDeliveryView& delivery,
                                 std::span<std::uint8_t> key_out) noexcept {
  if (key_out.size() != delivery.wrapped_key.size()) return crypto::Status::bad_length;
  const auto nonce = wire::key_delivery_nonce(net_id, delivery.target, delivery.epoch, delivery.flags);
  return kek.open(nonce, delivery.aad, delivery.wrapped_key, delivery.tag, key_out);
}

}  // namespace meshsec::net
