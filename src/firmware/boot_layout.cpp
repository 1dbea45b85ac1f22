// Byte layouts of the secure boot chain (docs/blob-format.md §7–§9).
#include "firmware/boot_layout.hpp"

#include <algorithm>

#include "wire/bounded_reader.hpp"

namespace meshsec::firmware {
namespace {

bool read_environment(std::uint8_t raw, Environment& out) noexcept {
  if (raw != static_cast<std::uint8_t>(Environment::development) &&
      raw != static_cast<std::uint8_t>(Environment::production)) {
    return false;
  }
  out = static_cast<Environment>(raw);
  return true;
}

bool magic_is(std::span<const std::uint8_t> got, const std::array<std::uint8_t, 4>& want) noexcept {
  return got.size() == want.size() && std::equal(got.begin(), got.end(), want.begin());
}

}  // namespace

BlobError parse_keystore(std::span<const std::uint8_t> bytes, KeystoreView& out) noexcept {
  out = KeystoreView{};
  if (bytes.size() < boot::keystore_fixed_size + blob::signature_size || bytes.size() > boot::max_keystore_size) {
    return BlobError::malformed;
  }
  wire::BoundedReader r(bytes);
  KeystoreView k;
  const auto magic = r.bytes(4);
  const std::uint8_t format = r.u8();
  const std::uint8_t environment = r.u8();
  k.customer_id = r.u64be();
  k.counter = r.u32be();
  r.copy_to(k.vendor_key_id);
  k.key_count = r.u8();
  if (r.ok() && (k.key_count == 0 || k.key_count > boot::max_keystore_keys)) {
    r.fail(wire::WireError::length_out_of_range);
  }
  bool usages_ok = true;
  for (std::size_t i = 0; i < k.key_count && r.ok(); ++i) {
    const std::uint8_t usage = r.u8();
    usages_ok = usages_ok && (usage == static_cast<std::uint8_t>(KeyUsage::application_signing) ||
                              usage == static_cast<std::uint8_t>(KeyUsage::blob_verification));
    k.keys[i].usage = static_cast<KeyUsage>(usage);
    r.copy_to(k.keys[i].public_key);
  }
  const std::size_t body_size = r.offset();
  k.signature = r.bytes(blob::signature_size);
  if (r.finish() != wire::WireError::ok) return BlobError::malformed;
  if (!magic_is(magic, boot::keystore_magic)) return BlobError::bad_magic;
  if (format != boot::format_version || !usages_ok || !read_environment(environment, k.environment)) {
    return BlobError::unsupported_format;
  }
  k.body = bytes.first(body_size);
  out = k;
  return BlobError::ok;
}

BlobError parse_app_image(std::span<const std::uint8_t> bytes, AppImageView& out) noexcept {
  out = AppImageView{};
  wire::BoundedReader r(bytes);
  AppImageView a;
  const auto magic = r.bytes(4);
  const std::uint8_t format = r.u8();
  const std::uint8_t environment = r.u8();
  a.customer_id = r.u64be();
  a.product_id = r.u32be();
  a.version.major = r.u8();
  a.version.minor = r.u8();
  a.version.revision = r.u16be();
  a.version.build = r.u32be();
  a.security_counter = r.u32be();
  const std::uint32_t app_size = r.u32be();
  r.copy_to(a.app_digest);
  r.copy_to(a.signing_key_id);
  if (r.ok() && (app_size == 0 || app_size > boot::max_app_size)) r.fail(wire::WireError::length_out_of_range);
  a.app = r.bytes(app_size);
  a.signature = r.bytes(blob::signature_size);
  if (r.finish() != wire::WireError::ok) return BlobError::malformed;
  if (!magic_is(magic, boot::app_magic)) return BlobError::bad_magic;
  if (format != boot::format_version || !read_environment(environment, a.environment)) {
    return BlobError::unsupported_format;
  }
  a.header = bytes.first(boot::app_header_size);
  out = a;
  return BlobError::ok;
}

BlobError parse_boot_image(std::span<const std::uint8_t> bytes, BootImageView& out) noexcept {
  out = BootImageView{};
  wire::BoundedReader r(bytes);
  const auto magic = r.bytes(4);
  const std::uint8_t format = r.u8();
  const auto keystore = r.prefixed_u16(boot::keystore_fixed_size + blob::signature_size, boot::max_keystore_size);
  const std::uint32_t app_size = r.u32be();
  if (r.ok() && (app_size < boot::app_header_size + blob::signature_size ||
                 app_size > boot::app_header_size + boot::max_app_size + blob::signature_size)) {
    r.fail(wire::WireError::length_out_of_range);
  }
  const auto app = r.bytes(app_size);
  if (r.finish() != wire::WireError::ok) return BlobError::malformed;
  if (!magic_is(magic, boot::image_magic)) return BlobError::bad_magic;
  if (format != boot::format_version) return BlobError::unsupported_format;
  out.keystore = keystore;
  out.app_image = app;
  return BlobError::ok;
}

BlobError keystore_signing_message(std::span<const std::uint8_t> body, std::span<std::uint8_t> out,
                                   std::size_t& length) noexcept {
  length = 0;
  wire::BoundedWriter w(out);
  w.bytes(boot::keystore_domain);
  w.bytes(body);
  if (!w.ok()) return BlobError::no_room;
  length = w.size();
  return BlobError::ok;
}

void app_signing_message(std::span<const std::uint8_t, boot::app_header_size> header,
                         std::span<std::uint8_t, app_signing_message_size> out) noexcept {
  wire::BoundedWriter w(out);
  w.bytes(boot::app_domain);
  w.bytes(header);
}

BlobError encode_keystore_body(Environment environment, std::uint64_t customer_id, std::uint32_t counter,
                               const blob::KeyId& vendor_key_id, std::span<const KeystoreEntry> keys,
                               wire::BoundedWriter& out) noexcept {
  if (keys.empty() || keys.size() > boot::max_keystore_keys) return BlobError::malformed;
  out.bytes(boot::keystore_magic);
  out.u8(boot::format_version);
  out.u8(static_cast<std::uint8_t>(environment));
  out.u64be(customer_id);
  out.u32be(counter);
  out.bytes(vendor_key_id);
  out.u8(static_cast<std::uint8_t>(keys.size()));
  for (const auto& k : keys) {
    out.u8(static_cast<std::uint8_t>(k.usage));
    out.bytes(k.public_key);
  }
  return out.ok() ? BlobError::ok : BlobError::no_room;
}

BlobError encode_app_header(const AppImageView& a, std::uint32_t app_size,
                            std::span<std::uint8_t, boot::app_header_size> out) noexcept {
  if (app_size == 0 || app_size > boot::max_app_size) return BlobError::malformed;
  wire::BoundedWriter w(out);
  w.bytes(boot::app_magic);
  w.u8(boot::format_version);
  w.u8(static_cast<std::uint8_t>(a.environment));
  w.u64be(a.customer_id);
  w.u32be(a.product_id);
  w.u8(a.version.major);
  w.u8(a.version.minor);
  w.u16be(a.version.revision);
  w.u32be(a.version.build);
  w.u32be(a.security_counter);
  w.u32be(app_size);
  w.bytes(a.app_digest);
  w.bytes(a.signing_key_id);
  return (w.ok() && w.size() == boot::app_header_size) ? BlobError::ok : BlobError::no_room;
}

BlobError encode_boot_image(std::span<const std::uint8_t> keystore, std::span<const std::uint8_t> app_image,
                            wire::BoundedWriter& out) noexcept {
  if (keystore.size() > boot::max_keystore_size || app_image.size() > UINT32_MAX) return BlobError::malformed;
  out.bytes(boot::image_magic);
  out.u8(boot::format_version);
  out.u16be(static_cast<std::uint16_t>(keystore.size()));
  out.bytes(keystore);
  out.u32be(static_cast<std::uint32_t>(app_image.size()));
  out.bytes(app_image);
  return out.ok() ? BlobError::ok : BlobError::no_room;
}

}  // namespace meshsec::firmware
