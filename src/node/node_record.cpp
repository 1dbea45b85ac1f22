#include "node/node_record.hpp"

#include <array>

#include "wire/bounded_reader.hpp"
#include "wire/bounded_writer.hpp"

namespace meshsec::node {
namespace {

constexpr std::size_t tag_size = 8;

std::array<std::uint8_t, 13> record_nonce(RecordKind kind, RecordDirection direction, NodeId node,
                                          std::uint32_t counter) noexcept {
  std::array<std::uint8_t, 13> n{};
  wire::BoundedWriter w(n);
  w.u8(static_cast<std::uint8_t>(kind));
  w.u8(static_cast<std::uint8_t>(direction));
  w.u16be(node);
  w.u32be(counter);
  w.u8('M');
  w.u8('R');
  w.u8('E');
  w.u8('C');
  w.u8(0);
  return n;
}

}  // namespace

bool RecordSealer::init(std::span<const std::uint8_t> key) noexcept {
  return aead_.init(crypto::AeadMode::ccm, key, tag_size) == crypto::Status::ok;
}

std::size_t RecordSealer::seal(RecordKind kind, RecordDirection direction, NodeId node, std::uint32_t counter,
                               std::span<const std::uint8_t> plaintext, std::span<std::uint8_t> out) noexcept {
  wire::BoundedWriter w(out);
  w.u16be(node);
  w.u32be(counter);
  auto ciphertext = w.reserve(plaintext.size());
  auto tag = w.reserve(tag_size);
  if (!w.ok()) return 0;
  const auto nonce = record_nonce(kind, direction, node, counter);
  if (aead_.seal(nonce, out.first(6), plaintext, ciphertext, tag) != crypto::Status::ok) return 0;
  return w.size();
}

bool RecordSealer::open(RecordKind kind, RecordDirection direction, NodeId expected_node,
                        std::span<const std::uint8_t> record, std::uint32_t& counter,
                        std::span<std::uint8_t> out) noexcept {
  if (record.size() < record_overhead || out.size() != record.size() - record_overhead) return false;
  wire::BoundedReader r(record);
  const NodeId node = r.u16be();
  const std::uint32_t c = r.u32be();
  auto ciphertext = r.bytes(out.size());
  auto tag = r.bytes(tag_size);
  if (r.finish() != wire::WireError::ok || node != expected_node) return false;
  const auto nonce = record_nonce(kind, direction, node, c);
  if (aead_.open(nonce, record.first(6), ciphertext, tag, out) != crypto::Status::ok) return false;
  counter = c;
  return true;
}

NodeId record_node(std::span<const std::uint8_t> record) noexcept {
  if (record.size() < record_overhead) return no_node;
  return static_cast<NodeId>((record[0] << 8) | record[1]);
}

}  // namespace meshsec::node
