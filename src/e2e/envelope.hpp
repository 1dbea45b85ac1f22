// Stacks the configured end-to-end levels around a payload and peels them off again
// (docs/e2e.md §8): E3 inside E2, the result carried as the body of an E1 frame (sealed by
// src/net/), E4 being the gateway's TLS uplink. Every receiver refuses a message that
// carries fewer levels than it is configured for (downgrade).
#pragma once
#include <cstddef>
#include <cstdint>
#include <span>

#include "e2e/e2e_error.hpp"
#include "e2e/e2e_message_layout.hpp"
#include "e2e/e2e_receiver.hpp"
#include "e2e/e2e_sender.hpp"
#include "e2e/security_levels.hpp"

namespace meshsec::e2e {

// Node side, uplink.
class EnvelopeSealer {
 public:
  // Senders for the configured E2 / E3 levels (nullptr for a level not configured).
  // Errors: not_ready (a configured level without its sender, or a sender of the wrong level).
  [[nodiscard]] E2eError configure(LevelSet levels, E2eSender* e2, E2eSender* e3) noexcept;
  // Writes the E1 body: E2(E3(payload)), E2(payload), E3(payload) or the payload itself.
  // Errors: from E2eSender::seal, not_ready, no_room.
  [[nodiscard]] E2eError seal(std::span<const std::uint8_t> payload, std::span<std::uint8_t> out,
                              std::size_t& written) noexcept;
  // Bytes seal() adds to any payload.
  [[nodiscard]] std::size_t overhead() const noexcept;

 private:
  LevelSet levels_;
  E2eSender* e2_ = nullptr;
  E2eSender* e3_ = nullptr;
  bool ready_ = false;
};

// Gateway side: terminates E2, checks that E3 is present when configured, and hands on
// what goes up over E4 (the E3 message, or the payload when E3 is not configured).
class EnvelopeGateway {
 public:
  [[nodiscard]] E2eError configure(LevelSet levels, E2eReceiver* e2) noexcept;
  // Errors: downgrade, and those of E2eReceiver::open.
  [[nodiscard]] E2eError open(std::span<const std::uint8_t> e1_body, std::span<std::uint8_t> out,
                              std::size_t& written) noexcept;

 private:
  LevelSet levels_;
  E2eReceiver* e2_ = nullptr;
  bool ready_ = false;
};

// Back-end side: terminates E3 for messages a gateway forwarded.
class EnvelopeBackend {
 public:
  [[nodiscard]] E2eError configure(LevelSet levels, E2eReceiver* e3) noexcept;
  // Errors: downgrade (E3 configured but the forwarded bytes are not an E3 message),
  // and those of E2eReceiver::open.
  [[nodiscard]] E2eError open(std::span<const std::uint8_t> forwarded, std::span<std::uint8_t> out,
                              std::size_t& written) noexcept;

 private:
  LevelSet levels_;
  E2eReceiver* e3_ = nullptr;
  bool ready_ = false;
};

}  // namespace meshsec::e2e
