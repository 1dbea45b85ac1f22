// Wycheproof Ed25519 (ed25519_test.json): valid signatures must verify and refuse their
// mutations; invalid ones (non-canonical S, wrong lengths, modified R/S, ...) must be refused.
#include <string>
#include <vector>

#include "crypto/ed25519.hpp"
#include "selftest/signature_check.hpp"
#include "selftest/wycheproof_file.hpp"

namespace meshsec::selftest {
namespace {

VectorOutcome check_test(const WycheproofTest& t) {
  const Bytes public_key = json_hex(json_object(t.group, "publicKey"), "pk");
  const Bytes message = json_hex(t.test, "msg");
  const Bytes signature = json_hex(t.test, "sig");
  const SignatureVerifier verify = [&](std::span<const std::uint8_t> m, std::span<const std::uint8_t> sig) {
    return crypto::ed25519_verify(public_key, m, sig);
  };
  switch (t.expected) {
    case Expected::valid: return check_signature_valid(verify, message, signature);
    case Expected::invalid: return check_signature_invalid(verify, message, signature);
    case Expected::acceptable: break;
  }
  return VectorOutcome::failed("\"acceptable\" Ed25519 test without a documented policy");
}

std::vector<FileResult> run(const SuiteContext& context) {
  return run_wycheproof_file(context, "ed25519_test.json", check_test);
}

[[maybe_unused]] const bool registered = register_suite("wycheproof-ed25519", run);

}  // namespace
}  // namespace meshsec::selftest
