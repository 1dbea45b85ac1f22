#include "keys/derivation_label.hpp"

#include "keys/cover_tree.hpp"
#include "wire/bounded_writer.hpp"

namespace meshsec::keys {
namespace {

constexpr std::array<std::uint8_t, 7> kDomain{'m', 'e', 's', 'h', 's', 'e', 'c'};

std::span<const std::uint8_t> as_bytes(std::string_view text) noexcept {
  return {reinterpret_cast<const std::uint8_t*>(text.data()), text.size()};
}

}  // namespace

KeyError validate_derivation_input(const DerivationInput& input) noexcept {
  if (!is_valid_customer_id(input.customer_id)) return KeyError::bad_customer_id;
  if (!is_valid(input.environment)) return KeyError::bad_environment;
  if (!is_valid(input.purpose)) return KeyError::bad_purpose;
  if (!is_valid(input.key_size)) return KeyError::bad_key_size;
  // Blob keys belong to the customer, not to a node or network: one subject only.
  if (input.purpose == KeyPurpose::blob && input.subject_id != 0) return KeyError::bad_subject;
  // The network key index travels in one byte of every E1 frame.
  if (input.purpose == KeyPurpose::net && input.version > max_network_key_index) return KeyError::bad_version;
  // A cover key names one subset of the cover tree; 0 and indices past the leaves name none.
  if (input.purpose == KeyPurpose::cover && !is_valid_subtree(input.version)) return KeyError::bad_version;
  // A chain seed is one AES-128 block of the chain (mesh/beacon_chain.hpp), whatever size
  // the customer's keys have.
  if (input.purpose == KeyPurpose::chain && input.key_size != beacon_chain_seed_key_size) return KeyError::bad_key_size;
  return KeyError::ok;
}

KeyError encode_derivation_label(const DerivationInput& input, DerivationLabel& out) noexcept {
  out.label_size_ = 0;
  out.context_size_ = 0;
  if (KeyError e = validate_derivation_input(input); e != KeyError::ok) return e;

  const std::string_view purpose_name = to_string(input.purpose);
  wire::BoundedWriter label(out.label_);
  label.u8(static_cast<std::uint8_t>(kDomain.size()));
  label.bytes(kDomain);
  label.u8(label_format_version);
  label.u8(static_cast<std::uint8_t>(input.purpose));
  label.u8(static_cast<std::uint8_t>(purpose_name.size()));
  label.bytes(as_bytes(purpose_name));

  wire::BoundedWriter context(out.context_);
  context.u8(static_cast<std::uint8_t>(input.environment));
  context.u8(static_cast<std::uint8_t>(input.customer_id.size()));
  context.bytes(as_bytes(input.customer_id));
  context.u32be(input.subject_id);
  context.u32be(input.version);
  context.u16be(static_cast<std::uint16_t>(input.key_size));

  // The buffers are sized for the longest valid input; a failure here is a bug in the
  // size constants, reported rather than encoded short.
  if (!label.ok() || !context.ok()) return KeyError::bad_customer_id;
  out.label_size_ = label.size();
  out.context_size_ = context.size();
  out.key_size_ = input.key_size;
  return KeyError::ok;
}

}  // namespace meshsec::keys
