#include "signing/whitelist_codec.hpp"

#include <array>
#include <string_view>

#include "crypto/secure_memory.hpp"
#include "wire/bounded_reader.hpp"
#include "wire/bounded_writer.hpp"

namespace meshsec::signing {
namespace {

constexpr std::array<std::uint8_t, 4> magic{'M', 'S', 'W', 'L'};
constexpr std::uint8_t format_version = 1;
constexpr std::string_view mac_label = "meshsec-whitelist-v1";

SigningError record_mac(HmacKey& key, std::span<const std::uint8_t> body, std::span<std::uint8_t, 32> out) noexcept {
  std::array<std::uint8_t, mac_label.size() + whitelist_record_max> message{};
  std::size_t n = 0;
  for (char c : mac_label) message[n++] = static_cast<std::uint8_t>(c);
  if (body.size() > whitelist_record_max) return SigningError::corrupt_store;
  for (auto b : body) message[n++] = b;
  return key.hmac(std::span<const std::uint8_t>(message).first(n), out);
}

}  // namespace

SigningError encode_whitelist(const Whitelist& list, HmacKey& storage_key, std::span<std::uint8_t> out,
                              std::size_t& written) noexcept {
  written = 0;
  wire::BoundedWriter w(out);
  w.bytes(magic);
  w.u8(format_version);
  w.u32be(list.generation());
  w.u8(static_cast<std::uint8_t>(list.entries().size()));
  for (const auto& e : list.entries()) {
    w.u8(e.node_id);
    w.bytes(e.serial);
  }
  w.bytes(list.revoked_bitmap());
  const std::size_t body = w.size();
  auto tag = w.reserve(32);
  if (!w.ok()) return SigningError::malformed;
  std::array<std::uint8_t, 32> mac{};
  if (record_mac(storage_key, out.first(body), mac) != SigningError::ok) return SigningError::backend_failure;
  for (std::size_t i = 0; i < 32; ++i) tag[i] = mac[i];
  written = w.size();
  return SigningError::ok;
}

SigningError decode_whitelist(std::span<const std::uint8_t> record, HmacKey& storage_key, Whitelist& list) noexcept {
  SigningError result = SigningError::corrupt_store;
  wire::BoundedReader r(record);
  const auto m = r.bytes(magic.size());
  const std::uint8_t version = r.u8();
  const std::uint32_t generation = r.u32be();
  const std::uint8_t count = r.u8();
  if (!r.ok() || m.size() != magic.size() || m[0] != magic[0] || m[1] != magic[1] || m[2] != magic[2] ||
      m[3] != magic[3] || version != format_version || count > whitelist_capacity)
    return result;
  std::array<WhitelistEntry, whitelist_capacity> entries{};
  for (std::size_t i = 0; i < count; ++i) {
    entries[i].node_id = r.u8();
    r.copy_to(entries[i].serial);
  }
  std::array<std::uint8_t, 32> revoked{};
  r.copy_to(revoked);
  const std::size_t body = r.offset();
  const auto tag = r.bytes(32);
  if (r.finish() != wire::WireError::ok) return result;
  // Parse fully, then authenticate, then change state.
  std::array<std::uint8_t, 32> mac{};
  if (record_mac(storage_key, record.first(body), mac) != SigningError::ok) return SigningError::backend_failure;
  const bool authentic = crypto::equal_constant_time(mac, tag);
  if (authentic) {
    // Duplicate node ids would make find() ambiguous: refuse the record.
    for (std::size_t a = 0; a < count; ++a)
      for (std::size_t b = a + 1; b < count; ++b)
        if (entries[a].node_id == entries[b].node_id) return result;
    list.restore(std::span<const WhitelistEntry>(entries).first(count), revoked, generation);
    result = SigningError::ok;
  }
  for (auto& e : entries) crypto::secure_wipe(e.serial);
  return result;
}

}  // namespace meshsec::signing
