// Whitelist administration over the air (meshsec native; docs/signing.md §Whitelist admin).
// A C_INTERNAL frame of type 0xF0 from the gateway, P_CUSTOM, sensor 255, payload:
//
//   byte 0  version (1)
//   byte 1  operation: 1 add, 2 revoke
//   byte 2  node id the entry is about
//   3..11   serial (9 bytes; zero for revoke)
//
// 12 payload bytes leave 13 signature bytes (identifier + 96 MAC bits). A receiver acts
// on it only when it verified under the native scheme, came from the gateway (sender 0)
// and was addressed to itself; a fresh nonce makes every command single-use.
#pragma once
#include <cstdint>

#include "signing/atsha204_emulation.hpp"
#include "signing/mysensors_frame.hpp"

namespace meshsec::signing {

enum class AdminOperation : std::uint8_t { add = 1, revoke = 2 };

struct AdminCommand {
  AdminOperation operation = AdminOperation::revoke;
  std::uint8_t node_id = 0;
  Serial serial{};
};

inline constexpr std::size_t admin_payload_size = 12;

// The unsigned admin frame from the gateway to `destination` (sign it natively before sending).
[[nodiscard]] mys::Frame make_whitelist_admin(std::uint8_t destination, const AdminCommand& command) noexcept;
// Errors: wrong_message (not an admin frame), malformed (length, version, operation).
[[nodiscard]] SigningError read_whitelist_admin(const mys::Frame& frame, AdminCommand& out) noexcept;

}  // namespace meshsec::signing
