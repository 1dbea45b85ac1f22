#include "mesh/rekey_message.hpp"

#include <algorithm>

#include "crypto/kdf.hpp"
#include "crypto/mac.hpp"
#include "crypto/secure_memory.hpp"
#include "wire/bounded_reader.hpp"
#include "wire/bounded_writer.hpp"

namespace meshsec::mesh {
namespace {

[[nodiscard]] bool is_node(node::NodeId id) noexcept {
  return id != 0 && id != node::no_node && id != node::broadcast_id;
}

[[nodiscard]] bool fields_valid(const CoverAnnouncement& a) noexcept {
  if (a.epoch == 0 || a.parts == 0 || a.parts > cover_max_parts || a.part >= a.parts || a.ack_one_in == 0 ||
      a.count > cover_ids_per_part)
    return false;
  for (std::size_t i = 0; i < a.count; ++i) {
    if (!is_node(a.revoked[i])) return false;
    for (std::size_t j = 0; j < i; ++j)
      if (a.revoked[j] == a.revoked[i]) return false;
  }
  return true;
}

void write_list_fields(wire::BoundedWriter& w, const CoverAnnouncement& a) noexcept {
  w.u32be(a.epoch);
  w.u8(a.part);
  w.u8(a.parts);
  w.u8(a.ack_one_in);
  w.u8(a.count);
}

[[nodiscard]] std::array<std::uint8_t, 13> cover_key_nonce(std::uint16_t net_id, std::uint32_t epoch,
                                                           keys::SubtreeIndex subset) noexcept {
  std::array<std::uint8_t, 13> n{};
  wire::BoundedWriter w(n);
  w.u8(0x03);  // nonce kind: a sealed cover key (0x01 network frames, 0x02 key deliveries)
  w.u16be(net_id);
  w.u32be(epoch);
  w.u32be(subset);
  w.u8('C');
  w.u8('V');
  return n;
}

inline constexpr std::array<std::uint8_t, 21> cover_check_label = {'m', 'e', 's', 'h', 's', 'e', 'c', ' ', 'c', 'o', 'v',
                                                                    'e', 'r', ' ', 'c', 'h', 'e', 'c', 'k', ' ', '1'};

[[nodiscard]] bool make_cover_key_check(const CoverCheckKey& check_key, std::span<const std::uint8_t> checked_bytes,
                                        std::span<std::uint8_t, cover_key_check_size> out) noexcept {
  crypto::Mac mac;
  return mac.init(crypto::MacAlgorithm::hmac_sha256, check_key.span()) == crypto::Status::ok &&
         mac.compute(checked_bytes, out) == crypto::Status::ok;
}

}  // namespace

std::size_t encode_cover_announcement(const CoverAnnouncement& a, std::span<std::uint8_t> out) noexcept {
  if (!fields_valid(a)) return 0;
  wire::BoundedWriter w(out);
  w.u8(cover_announcement_kind);
  write_list_fields(w, a);
  for (const auto id : a.ids()) w.u16be(id);
  w.bytes(a.signature);
  return w.ok() ? w.size() : 0;
}

std::size_t cover_announcement_signed_message(const CoverAnnouncement& a, std::span<std::uint8_t> out) noexcept {
  if (!fields_valid(a)) return 0;
  wire::BoundedWriter w(out);
  w.bytes(cover_announcement_domain);
  w.u16be(a.net_id);
  write_list_fields(w, a);
  for (std::size_t i = 0; i < cover_ids_per_part; ++i) w.u16be(i < a.count ? a.revoked[i] : 0);
  return w.ok() ? w.size() : 0;
}

bool parse_cover_announcement(std::span<const std::uint8_t> body, std::uint16_t net_id, CoverAnnouncement& a) noexcept {
  wire::BoundedReader r(body);
  const std::uint8_t kind = r.u8();
  CoverAnnouncement p;
  p.net_id = net_id;
  p.epoch = r.u32be();
  p.part = r.u8();
  p.parts = r.u8();
  p.ack_one_in = r.u8();
  p.count = r.u8();
  if (!r.ok() || kind != cover_announcement_kind || p.count > cover_ids_per_part) return false;
  for (std::size_t i = 0; i < p.count; ++i) p.revoked[i] = r.u16be();
  r.copy_to(p.signature);
  if (r.finish() != wire::WireError::ok || !fields_valid(p)) return false;
  a = p;
  return true;
}

bool commit_cover_key(std::uint16_t net_id, std::uint32_t epoch, std::span<const std::uint8_t> key,
                      CoverCommitment& out) noexcept {
  static constexpr std::array<std::uint8_t, 19> label = {'m', 'e', 's', 'h', 's', 'e', 'c', ' ', 'c', 'o',
                                                         'v', 'e', 'r', ' ', 'k', 'e', 'y', ' ', '1'};
  std::array<std::uint8_t, 6> where{};
  wire::BoundedWriter w(where);
  w.u16be(net_id);
  w.u32be(epoch);
  std::array<std::uint8_t, crypto::sha256_size> digest{};
  if (crypto::sha256({label, where, key}, digest) != crypto::Status::ok) return false;
  std::copy_n(digest.begin(), out.size(), out.begin());
  return true;
}

std::size_t encode_cover_commitment(const CoverKeyCommitment& c, std::span<std::uint8_t> out) noexcept {
  if (c.epoch == 0) return 0;
  wire::BoundedWriter w(out);
  w.u8(cover_commitment_kind);
  w.u32be(c.epoch);
  w.bytes(c.commitment);
  w.bytes(c.signature);
  return w.ok() ? w.size() : 0;
}

std::size_t cover_commitment_signed_message(const CoverKeyCommitment& c, std::span<std::uint8_t> out) noexcept {
  if (c.epoch == 0) return 0;
  wire::BoundedWriter w(out);
  w.bytes(cover_commitment_domain);
  w.u16be(c.net_id);
  w.u32be(c.epoch);
  w.bytes(c.commitment);
  return w.ok() ? w.size() : 0;
}

bool parse_cover_commitment(std::span<const std::uint8_t> body, std::uint16_t net_id, CoverKeyCommitment& c) noexcept {
  wire::BoundedReader r(body);
  const std::uint8_t kind = r.u8();
  CoverKeyCommitment p;
  p.net_id = net_id;
  p.epoch = r.u32be();
  r.copy_to(p.commitment);
  r.copy_to(p.signature);
  if (r.finish() != wire::WireError::ok || kind != cover_commitment_kind || p.epoch == 0) return false;
  c = p;
  return true;
}

crypto::Status init_cover_key(crypto::AesAead& subset_key, std::span<const std::uint8_t> key) noexcept {
  if (key.size() != 16 && key.size() != 32) return crypto::Status::bad_key_length;
  return subset_key.init(crypto::AeadMode::ccm, key, cover_key_tag_size);
}

std::size_t seal_cover_key(crypto::AesAead& subset_key, std::uint16_t net_id, std::uint32_t epoch,
                           keys::SubtreeIndex subset, std::span<const std::uint8_t> new_key,
                           std::span<std::uint8_t> out) noexcept {
  if ((new_key.size() != 16 && new_key.size() != 32) || epoch == 0 || !keys::is_valid_subtree(subset) ||
      subset_key.tag_length() != cover_key_tag_size)
    return 0;
  wire::BoundedWriter w(out);
  w.u8(cover_key_kind);
  w.u32be(epoch);
  w.u32be(subset);
  auto sealed = w.reserve(new_key.size());
  auto tag = w.reserve(cover_key_tag_size);
  auto check = w.reserve(cover_key_check_size);
  if (!w.ok()) return 0;
  const auto nonce = cover_key_nonce(net_id, epoch, subset);
  if (subset_key.seal(nonce, out.first(cover_key_head_size), new_key, sealed, tag) != crypto::Status::ok) return 0;
  CoverCheckKey check_key;
  if (!derive_cover_check_key(net_id, epoch, new_key, check_key) ||
      !make_cover_key_check(check_key, out.first(w.size() - cover_key_check_size),
                            check.first<cover_key_check_size>()))
    return 0;
  return w.size();
}

bool derive_cover_check_key(std::uint16_t net_id, std::uint32_t epoch, std::span<const std::uint8_t> key,
                            CoverCheckKey& out) noexcept {
  if (key.size() != 16 && key.size() != 32) return false;
  std::array<std::uint8_t, cover_check_label.size() + 6> info{};
  wire::BoundedWriter w(info);
  w.bytes(cover_check_label);
  w.u16be(net_id);
  w.u32be(epoch);
  return w.ok() && crypto::hkdf_sha256({}, key, info, out.span()) == crypto::Status::ok;
}

bool cover_key_check_passes(const CoverCheckKey& check_key, const CoverKeyView& v) noexcept {
  std::array<std::uint8_t, cover_key_check_size> expected{};
  return make_cover_key_check(check_key, v.checked_bytes, expected) && crypto::equal_constant_time(expected, v.check);
}

std::uint32_t rekey_body_epoch(std::span<const std::uint8_t> body) noexcept {
  wire::BoundedReader r(body);
  (void)r.u8();
  const std::uint32_t epoch = r.u32be();
  return r.ok() ? epoch : 0;
}

bool parse_cover_key(std::span<const std::uint8_t> body, CoverKeyView& v) noexcept {
  wire::BoundedReader r(body);
  const std::uint8_t kind = r.u8();
  CoverKeyView p;
  p.epoch = r.u32be();
  p.subset = r.u32be();
  p.aad = body.first(std::min(body.size(), cover_key_head_size));
  constexpr std::size_t trailer = cover_key_tag_size + cover_key_check_size;
  const std::size_t key_size = r.remaining() >= trailer ? r.remaining() - trailer : 0;
  if (key_size != 16 && key_size != 32) return false;
  p.sealed_key = r.bytes(key_size);
  p.tag = r.bytes(cover_key_tag_size);
  p.checked_bytes = body.first(std::min(body.size(), cover_key_head_size + key_size + cover_key_tag_size));
  p.check = r.bytes(cover_key_check_size);
  if (r.finish() != wire::WireError::ok || kind != cover_key_kind || p.epoch == 0 || !keys::is_valid_subtree(p.subset))
    return false;
  v = p;
  return true;
}

crypto::Status open_cover_key(crypto::AesAead& subset_key, std::uint16_t net_id, const CoverKeyView& v,
                              std::span<std::uint8_t> key_out) noexcept {
  if (key_out.size() != v.sealed_key.size()) return crypto::Status::bad_length;
  const auto nonce = cover_key_nonce(net_id, v.epoch, v.subset);
  return subset_key.open(nonce, v.aad, v.sealed_key, v.tag, key_out);
}

}  // namespace meshsec::mesh
