// Known-answer checks of crypto::AesAead, shared by the CAVP and Wycheproof suites.
#pragma once
#include "crypto/aead.hpp"
#include "selftest/vector_file.hpp"
#include "selftest/vector_outcome.hpp"

namespace meshsec::selftest {

struct AeadCase {
  crypto::AeadMode mode = crypto::AeadMode::ccm;
  Bytes key, nonce, aad, msg, ct, tag;
};

// A valid vector: seal() must give ct and tag, open() must give msg back, and every
// mutation (STYLE.md §11: tag byte flipped at start, middle and end; nonce, associated data
// and ciphertext changed; a trailing byte added; the last byte cut) must be refused with
// the plaintext output wiped. A vector whose nonce or tag length is outside meshsec's AEAD
// limits must be refused by init()/seal() and is booked as a documented exclusion.
[[nodiscard]] VectorOutcome check_aead_valid(const AeadCase& c);

// An invalid vector: init() or open() must refuse it (and open() must wipe its output).
[[nodiscard]] VectorOutcome check_aead_invalid(const AeadCase& c);

}  // namespace meshsec::selftest
