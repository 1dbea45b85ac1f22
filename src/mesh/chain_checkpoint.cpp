// Layout of the beacon chain's signed checkpoint and of the request for one
// (chain_checkpoint.hpp, docs/wire-format.md §6.5).
#include "mesh/chain_checkpoint.hpp"

#include "wire/bounded_reader.hpp"
#include "wire/bounded_writer.hpp"

namespace meshsec::mesh {

std::size_t encode_chain_checkpoint(const ChainCheckpoint& c, std::span<std::uint8_t> out) noexcept {
  if (c.round == 0) return 0;
  wire::BoundedWriter w(out);
  w.u32be(c.round);
  w.bytes(c.value);
  w.bytes(c.signature);
  return w.ok() ? w.size() : 0;
}

std::size_t chain_checkpoint_signed_message(const ChainCheckpoint& c, std::span<std::uint8_t> out) noexcept {
  if (c.round == 0) return 0;
  wire::BoundedWriter w(out);
  w.bytes(chain_checkpoint_domain);
  w.u32be(c.network_id);
  w.u32be(c.round);
  w.bytes(c.value);
  return w.ok() ? w.size() : 0;
}

bool parse_chain_checkpoint(std::span<const std::uint8_t> body, std::uint32_t network_id, ChainCheckpoint& c) noexcept {
  wire::BoundedReader r(body);
  ChainCheckpoint p;
  p.network_id = network_id;
  p.round = r.u32be();
  r.copy_to(p.value);
  r.copy_to(p.signature);
  if (r.finish() != wire::WireError::ok || p.round == 0) return false;
  c = p;
  return true;
}

std::size_t encode_chain_request(std::uint32_t trusted_round, std::span<std::uint8_t> out) noexcept {
  wire::BoundedWriter w(out);
  w.u32be(trusted_round);
  return w.ok() ? w.size() : 0;
}

bool parse_chain_request(std::span<const std::uint8_t> body, std::uint32_t& trusted_round) noexcept {
  wire::BoundedReader r(body);
  const std::uint32_t round = r.u32be();
  if (r.finish() != wire::WireError::ok) return false;
  trusted_round = round;
  return true;
}

}  // namespace meshsec::mesh
