// Wycheproof ECDSA P-256 with SHA-256, DER signatures (ecdsa_secp256r1_sha256_test.json):
// the group's publicKey.uncompressed is the key; valid signatures must verify and refuse
// their mutations; invalid ones (BER/non-minimal encodings, r or s out of range, modified
// values, ...) must be refused.
#include <string>
#include <vector>

#include "crypto/p256.hpp"
#include "selftest/signature_check.hpp"
#include "selftest/wycheproof_file.hpp"

namespace meshsec::selftest {
namespace {

VectorOutcome check_test(const WycheproofTest& t) {
  const auto& key = json_object(t.group, "publicKey");
  if (json_string(key, "curve") != "secp256r1") throw VectorFileError("publicKey curve is not secp256r1");
  if (json_string(t.group, "sha") != "SHA-256") throw VectorFileError("group hash is not SHA-256");
  const Bytes public_key = json_hex(key, "uncompressed");
  const Bytes message = json_hex(t.test, "msg");
  const Bytes signature = json_hex(t.test, "sig");
  const SignatureVerifier verify = [&](std::span<const std::uint8_t> m, std::span<const std::uint8_t> sig) {
    return crypto::p256_ecdsa_verify(public_key, m, sig);
  };
  switch (t.expected) {
    case Expected::valid: return check_signature_valid(verify, message, signature);
    case Expected::invalid: return check_signature_invalid(verify, message, signature);
    case Expected::acceptable: break;
  }
  return VectorOutcome::failed("\"acceptable\" ECDSA test without a documented policy");
}

std::vector<FileResult> run(const SuiteContext& context) {
  return run_wycheproof_file(context, "ecdsa_secp256r1_sha256_test.json", check_test);
}

[[maybe_unused]] const bool registered = register_suite("wycheproof-ecdsa-p256", run);

}  // namespace
}  // namespace meshsec::selftest
