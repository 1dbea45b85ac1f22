#include "selftest/signature_check.hpp"

#include <string>

namespace meshsec::selftest {

using crypto::Status;

VectorOutcome check_signature_valid(const SignatureVerifier& verify, const Bytes& message,
                                    const Bytes& signature) {
  const Status s = verify(message, signature);
  if (s != Status::ok)
    return VectorOutcome::failed("valid signature refused: " + std::string(crypto::to_string(s)));
  if (signature.empty()) return VectorOutcome::passed();
  std::size_t rejected = 0;
  const std::size_t positions[] = {0, signature.size() / 2, signature.size() - 1};
  for (std::size_t pos : positions) {
    // The top bit, not the lowest: ECDSA's (r, n - s) twin of a valid signature is valid
    // too, and for s = (n ± 1) / 2 it differs from s in the lowest bit only.
    Bytes bad = signature;
    bad[pos] ^= 0x80;
    if (verify(message, bad) == Status::ok)
      return VectorOutcome::failed("signature with byte " + std::to_string(pos) + " flipped was accepted");
    ++rejected;
  }
  Bytes longer = message;
  longer.push_back(0x00);
  if (verify(longer, signature) == Status::ok)
    return VectorOutcome::failed("message with a trailing byte was accepted");
  ++rejected;
  if (!message.empty()) {
    Bytes changed = message;
    changed[changed.size() / 2] ^= 0x01;
    if (verify(changed, signature) == Status::ok)
      return VectorOutcome::failed("changed message was accepted");
    ++rejected;
  }
  return VectorOutcome::passed(rejected);
}

VectorOutcome check_signature_invalid(const SignatureVerifier& verify, const Bytes& message,
                                      const Bytes& signature) {
  return refusal_outcome(verify(message, signature), "verify");
}

}  // namespace meshsec::selftest
