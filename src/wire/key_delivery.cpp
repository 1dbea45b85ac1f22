#include "wire/key_delivery.hpp"

#include "wire/bounded_reader.hpp"

namespace meshsec::wire {

WireError read_key_delivery(std::span<const std::uint8_t> blob, KeyDeliveryView& out) noexcept {
  if (blob.size() != KeyDeliveryLayout::size_128 && blob.size() != KeyDeliveryLayout::size_256)
    return WireError::length_out_of_range;
  BoundedReader in(blob);
  out.aad = blob.first(KeyDeliveryLayout::fixed_size);
  out.target = in.u16be();
  out.epoch = in.u32be();
  out.flags = in.u8();
  out.wrapped_key = in.bytes(in.remaining() - KeyDeliveryLayout::tag_size);
  out.tag = in.bytes(KeyDeliveryLayout::tag_size);
  if (out.flags != KeyDeliveryLayout::flag_staged && out.flags != KeyDeliveryLayout::flag_final)
    in.fail(WireError::bad_value);
  return in.finish();
}

WireError write_key_delivery_head(BoundedWriter& out, std::uint16_t target, std::uint32_t epoch,
                                  std::uint8_t flags) noexcept {
  if (flags != KeyDeliveryLayout::flag_staged && flags != KeyDeliveryLayout::flag_final)
    return WireError::bad_value;
  out.u16be(target);
  out.u32be(epoch);
  out.u8(flags);
  return out.error();
}

NetNonce key_delivery_nonce(std::uint16_t net_id, std::uint16_t target, std::uint32_t epoch,
                            std::uint8_t flags) noexcept {
  NetNonce n{};
  n[0] = 0x02;  // nonce kind: key delivery
  n[1] = static_cast<std::uint8_t>(net_id >> 8);
  n[2] = static_cast<std::uint8_t>(net_id);
  n[3] = static_cast<std::uint8_t>(target >> 8);
  n[4] = static_cast<std::uint8_t>(target);
  n[5] = static_cast<std::uint8_t>(epoch >> 24);
  n[6] = static_cast<std::uint8_t>(epoch >> 16);
  n[7] = static_cast<std::uint8_t>(epoch >> 8);
  n[8] = static_cast<std::uint8_t>(epoch);
  n[9] = flags;
  n[10] = key_index_of_epoch(epoch);
  return n;
}

}  // namespace meshsec::wire
