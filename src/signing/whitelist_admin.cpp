#include "signing/whitelist_admin.hpp"

#include <array>

#include "wire/bounded_reader.hpp"

namespace meshsec::signing {
namespace {
constexpr std::uint8_t admin_version = 1;
}

mys::Frame make_whitelist_admin(std::uint8_t destination, const AdminCommand& command) noexcept {
  std::array<std::uint8_t, admin_payload_size> payload{};
  payload[0] = admin_version;
  payload[1] = static_cast<std::uint8_t>(command.operation);
  payload[2] = command.node_id;
  if (command.operation == AdminOperation::add)
    for (std::size_t i = 0; i < mys::serial_size; ++i) payload[3 + i] = command.serial[i];
  mys::Header h;
  h.sender = mys::gateway_address;
  h.destination = destination;
  h.command = mys::Command::internal;
  h.payload_type = mys::PayloadType::custom;
  h.type = mys::internal_type::meshsec_whitelist_admin;
  h.sensor = mys::node_sensor_id;
  mys::Frame f;
  (void)mys::build_frame(h, payload, f);  // 12 bytes always fit
  return f;
}

SigningError read_whitelist_admin(const mys::Frame& frame, AdminCommand& out) noexcept {
  out = AdminCommand{};
  if (!frame.is_internal(mys::internal_type::meshsec_whitelist_admin)) return SigningError::wrong_message;
  wire::BoundedReader r(frame.payload());
  const std::uint8_t version = r.u8();
  const std::uint8_t operation = r.u8();
  const std::uint8_t node = r.u8();
  Serial serial{};
  r.copy_to(serial);
  if (r.finish() != wire::WireError::ok || version != admin_version) return SigningError::malformed;
  if (operation != static_cast<std::uint8_t>(AdminOperation::add) &&
      operation != static_cast<std::uint8_t>(AdminOperation::revoke))
    return SigningError::malformed;
  out.operation = static_cast<AdminOperation>(operation);
  out.node_id = node;
  out.serial = serial;
  return SigningError::ok;
}

}  // namespace meshsec::signing
