// Known-answer checks of signature verification (Ed25519, ECDSA P-256), shared by the suites.
#pragma once
#include <cstdint>
#include <functional>
#include <span>

#include "crypto/status.hpp"
#include "selftest/vector_file.hpp"
#include "selftest/vector_outcome.hpp"

namespace meshsec::selftest {

using SignatureVerifier =
    std::function<crypto::Status(std::span<const std::uint8_t> message, std::span<const std::uint8_t> signature)>;

// A valid signature must verify; flipping a signature byte at start, middle or end,
// changing the message or adding a byte to it must each be refused.
[[nodiscard]] VectorOutcome check_signature_valid(const SignatureVerifier& verify, const Bytes& message,
                                                  const Bytes& signature);

// An invalid signature (or key) must be refused.
[[nodiscard]] VectorOutcome check_signature_invalid(const SignatureVerifier& verify, const Bytes& message,
                                                    const Bytes& signature);

}  // namespace meshsec::selftest
