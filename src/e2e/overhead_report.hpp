// L8: what each combination of levels costs on the radio, measured by running the real
// encoders (E2/E3 senders, and the E1 frame sealer through LinkFrameSizer) over a probe
// payload — never from constants.
#pragma once
#include <cstddef>
#include <cstdint>

#include "e2e/e2e_error.hpp"
#include "e2e/security_levels.hpp"

namespace meshsec::e2e {

// The E1 side, implemented over src/net/'s frame sealer by the program that owns both
// layers (cli/cmd_overhead.cpp): the radio bytes of one E1 data frame whose token payload
// carries `body_size` bytes, and the frame budgets of the two radio classes.
class LinkFrameSizer {
 public:
  virtual ~LinkFrameSizer() = default;
  // Errors as false: the body does not fit an E1 frame at all.
  [[nodiscard]] virtual bool radio_length(std::size_t body_size, std::size_t& radio_length) const noexcept = 0;
  // Bytes available to the E1 frame in a 32-byte radio payload and in a 127-byte
  // 802.15.4 frame (after its MAC header).
  [[nodiscard]] virtual std::size_t budget_32() const noexcept = 0;
  [[nodiscard]] virtual std::size_t budget_127() const noexcept = 0;
};

struct OverheadRow {
  LevelSet levels;
  bool with_signature = false;      // L6 signature on every E2/E3 layer configured
  std::size_t e1_bytes = 0;         // frame header, MIC, CRC and token header
  std::size_t e2_bytes = 0;
  std::size_t e3_bytes = 0;
  std::size_t e4_bytes = 0;         // always 0: TLS on the gateway's uplink, not the radio
  std::size_t overhead_bytes = 0;   // sum of the above
  long payload_left_32 = 0;         // may be negative: the combination does not fit
  long payload_left_127 = 0;
};

// Seals a probe payload with fresh random keys for the levels asked for and measures.
// e1 may be null when E1 is not in `levels`. Errors: not_ready (E1 asked for without a
// sizer, or the E1 sizer refused), crypto_failure, and those of the senders.
[[nodiscard]] E2eError measure_overhead(LevelSet levels, bool with_signature, const LinkFrameSizer* e1,
                                        OverheadRow& out) noexcept;

}  // namespace meshsec::e2e
