// Where a node persists its whitelist after a change (a file on a gateway, flash on a
// microcontroller). The change goes live only once persist() returned ok.
#pragma once
#include "signing/signing_error.hpp"
#include "signing/whitelist.hpp"

namespace meshsec::signing {

class WhitelistSink {
 public:
  WhitelistSink() = default;
  WhitelistSink(const WhitelistSink&) = delete;
  WhitelistSink& operator=(const WhitelistSink&) = delete;
  virtual ~WhitelistSink() = default;
  // Errors: backend_failure.
  [[nodiscard]] virtual SigningError persist(const Whitelist& list) noexcept = 0;
};

}  // namespace meshsec::signing
