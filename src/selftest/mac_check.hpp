// Known-answer checks of crypto::Mac (HMAC-SHA256, AES-CMAC), shared by the suites.
#pragma once
#include <cstddef>

#include "crypto/mac.hpp"
#include "selftest/vector_file.hpp"
#include "selftest/vector_outcome.hpp"

namespace meshsec::selftest {

struct MacCase {
  crypto::MacAlgorithm algorithm = crypto::MacAlgorithm::hmac_sha256;
  Bytes key, msg, tag;
  std::size_t min_tag_length = 0;  // the protocol's truncation floor for verify_truncated()
};

// A valid vector: compute() (truncated to the tag's length) must give the tag,
// verify_truncated() must accept it, and the tag with a byte flipped at start, middle or end,
// or the message with a byte added, must be refused.
[[nodiscard]] VectorOutcome check_mac_valid(const MacCase& c);

// An invalid vector: init() or verify_truncated() must refuse it.
[[nodiscard]] VectorOutcome check_mac_invalid(const MacCase& c);

}  // namespace meshsec::selftest
