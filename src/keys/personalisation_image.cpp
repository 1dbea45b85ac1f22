#include "keys/personalisation_image.hpp"

#include "crypto/mac.hpp"
#include "crypto/secure_memory.hpp"
#include "wire/bounded_reader.hpp"
#include "wire/bounded_writer.hpp"

namespace meshsec::keys {
namespace {

ImageError from_wire(wire::WireError e) noexcept {
  switch (e) {
    case wire::WireError::ok: return ImageError::ok;
    case wire::WireError::truncated: return ImageError::truncated;
    case wire::WireError::trailing_bytes: return ImageError::trailing_bytes;
    case wire::WireError::no_room: return ImageError::no_room;
    case wire::WireError::length_out_of_range:
    case wire::WireError::bad_value: return ImageError::bad_field;
  }
  return ImageError::bad_field;
}

bool key_bits_valid(std::uint16_t bits) noexcept { return bits == 128 || bits == 256; }

// A node without a chain could never take a beacon, and a gateway could not build one past
// 32-bit positions: neither is a node worth booting.
bool chain_rounds_valid(std::uint32_t rounds) noexcept { return rounds >= 1 && rounds <= max_beacon_chain_rounds; }

}  // namespace

bool PersonalisationImage::set_customer_id(std::string_view id) noexcept {
  if (!is_valid_customer_id(id)) return false;
  for (std::size_t i = 0; i < id.size(); ++i) customer_id_bytes[i] = id[i];
  customer_id_size = id.size();
  return true;
}

bool PersonalisationImage::set_keystore(std::span<const std::uint8_t> bytes) noexcept {
  if (bytes.size() > keystore.size()) return false;
  for (std::size_t i = 0; i < bytes.size(); ++i) keystore[i] = bytes[i];
  keystore_size = bytes.size();
  return true;
}

void PersonalisationImage::wipe() noexcept {
  keys.wipe();
  // NodeKeySet::wipe() clears the keys; the public fields go too, so a failed parse leaves
  // nothing that could be mistaken for a node.
  keys.node_id = 0;
  keys.key_version = 0;
  keys.network_id = 0;
  keys.network_key_index = 0;
  keys.blob_key_version = 0;
  keys.has_blob_decryption_key = false;
  keys.blob_verification_key.fill(0);
  keys.beacon_chain_rounds = 0;
  keys.beacon_anchor.fill(0);
  secret_serial.wipe();
  device_auth_key.wipe();
  keystore.fill(0);
  keystore_size = 0;
  customer_id_bytes.fill(0);
  customer_id_size = 0;
}

ImageError encode_personalisation_image(const PersonalisationImage& image, std::span<std::uint8_t> out,
                                        std::size_t& written) noexcept {
  written = 0;
  if (!is_valid(image.environment) || !is_valid(image.keys.key_size) || !is_valid_customer_id(image.customer_id()) ||
      image.keystore_size > image.keystore.size() || !chain_rounds_valid(image.keys.beacon_chain_rounds) ||
      (!image.keys.has_blob_decryption_key && image.keys.blob_key_version != 0)) {
    return ImageError::bad_field;
  }
  const std::size_t k = key_bytes(image.keys.key_size);
  const auto id = image.customer_id();
  wire::BoundedWriter w(out);
  w.bytes(personalisation_magic);
  w.u8(personalisation_format_version);
  w.u8(image.keys.has_blob_decryption_key ? personalisation_flag_gateway : 0);
  w.u8(static_cast<std::uint8_t>(image.environment));
  w.u16be(static_cast<std::uint16_t>(image.keys.key_size));
  w.u8(static_cast<std::uint8_t>(id.size()));
  w.bytes({reinterpret_cast<const std::uint8_t*>(id.data()), id.size()});
  w.u32be(image.keys.node_id);
  w.u32be(image.keys.key_version);
  w.u32be(image.keys.network_id);
  w.u8(image.keys.network_key_index);
  w.u32be(image.keys.blob_key_version);
  w.bytes(image.secret_serial.span());
  w.bytes(image.keys.auth_key.span().first(k));
  w.bytes(image.keys.enc_key.span().first(k));
  w.bytes(image.keys.e2_key.span().first(k));
  w.bytes(image.keys.network_key.span().first(k));
  for (const auto& cover_key : image.keys.cover_keys) w.bytes(cover_key.span().first(k));
  w.u32be(image.keys.beacon_chain_rounds);
  w.bytes(image.keys.beacon_anchor);
  if (image.keys.has_blob_decryption_key) {
    w.bytes(image.keys.blob_decryption_key.span().first(k));
    w.bytes(image.keys.beacon_chain_seed.span());
  }
  w.bytes(image.keys.blob_verification_key);
  w.bytes(image.device_auth_key.span());
  w.u16be(static_cast<std::uint16_t>(image.keystore_size));
  w.bytes({image.keystore.data(), image.keystore_size});
  const std::size_t body = w.size();
  auto checksum = w.reserve(personalisation_checksum_size);
  if (!w.ok()) {
    crypto::secure_wipe(out.first(w.size()));
    return from_wire(w.error());
  }
  if (crypto::sha256({out.first(body)}, checksum) != crypto::Status::ok) {
    crypto::secure_wipe(out.first(w.size()));
    return ImageError::crypto_failure;
  }
  written = w.size();
  return ImageError::ok;
}

ImageError parse_personalisation_image(std::span<const std::uint8_t> bytes, PersonalisationImage& out) noexcept {
  out.wipe();
  ImageError result = ImageError::bad_field;  // reaches ok only at the end
  wire::BoundedReader r(bytes);
  const auto magic = r.bytes(personalisation_magic.size());
  const std::uint8_t version = r.u8();
  const std::uint8_t flags = r.u8();
  const std::uint8_t environment = r.u8();
  const std::uint16_t key_bits = r.u16be();
  if (!r.ok()) {
    result = from_wire(r.error());
  } else if (!crypto::equal_constant_time(magic, personalisation_magic)) {
    result = ImageError::bad_magic;
  } else if (version != personalisation_format_version) {
    result = ImageError::unsupported_version;
  } else if ((flags & ~personalisation_flag_gateway) != 0 || !is_valid(static_cast<Environment>(environment)) ||
             !key_bits_valid(key_bits)) {
    result = ImageError::bad_field;
  } else {
    const bool gateway = (flags & personalisation_flag_gateway) != 0;
    const KeySize size = static_cast<KeySize>(key_bits);
    const std::size_t k = key_bytes(size);
    const auto id = r.prefixed_u8(1, max_customer_id_size);
    out.keys.node_id = r.u32be();
    out.keys.key_version = r.u32be();
    out.keys.network_id = r.u32be();
    out.keys.network_key_index = r.u8();
    out.keys.blob_key_version = r.u32be();
    r.copy_to(out.secret_serial.span());
    r.copy_to(out.keys.auth_key.span().first(k));
    r.copy_to(out.keys.enc_key.span().first(k));
    r.copy_to(out.keys.e2_key.span().first(k));
    r.copy_to(out.keys.network_key.span().first(k));
    for (auto& cover_key : out.keys.cover_keys) r.copy_to(cover_key.span().first(k));
    out.keys.beacon_chain_rounds = r.u32be();
    r.copy_to(out.keys.beacon_anchor);
    if (gateway) {
      r.copy_to(out.keys.blob_decryption_key.span().first(k));
      r.copy_to(out.keys.beacon_chain_seed.span());
    }
    r.copy_to(out.keys.blob_verification_key);
    r.copy_to(out.device_auth_key.span());
    const auto keystore = r.prefixed_u16(0, max_image_keystore_size);
    const std::size_t body = r.offset();
    const auto checksum = r.bytes(personalisation_checksum_size);
    const wire::WireError parsed = r.finish();
    const std::string_view id_text(reinterpret_cast<const char*>(id.data()), id.size());
    std::array<std::uint8_t, personalisation_checksum_size> expected{};
    if (parsed != wire::WireError::ok) {
      result = from_wire(parsed);
    } else if (!is_valid_customer_id(id_text) || (!gateway && out.keys.blob_key_version != 0) ||
               !chain_rounds_valid(out.keys.beacon_chain_rounds)) {
      result = ImageError::bad_field;
    } else if (crypto::sha256({bytes.first(body)}, expected) != crypto::Status::ok) {
      result = ImageError::crypto_failure;
    } else if (!crypto::equal_constant_time(expected, checksum)) {
      result = ImageError::bad_checksum;
    } else {
      out.environment = static_cast<Environment>(environment);
      out.keys.key_size = size;
      out.keys.has_blob_decryption_key = gateway;
      (void)out.set_customer_id(id_text);
      (void)out.set_keystore(keystore);
      result = ImageError::ok;
    }
  }
  if (result != ImageError::ok) out.wipe();
  return result;
}

}  // namespace meshsec::keys
