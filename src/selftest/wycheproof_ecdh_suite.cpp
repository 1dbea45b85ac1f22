// Wycheproof ECDH P-256 with the peer key as DER SubjectPublicKeyInfo
// (ecdh_secp256r1_test.json; the private key's hex may carry a leading 00 byte).
// Policy for "acceptable" tests (docs/test-vectors.md):
//  - InvalidAsn (BER length forms, indefinite lengths, stray tags in the SPKI) → refused:
//    meshsec demands strict DER, as it does for signatures;
//  - UnnamedCurve (explicit curve parameters, even ones that describe P-256) → refused:
//    RFC 5480 §2.1.1 allows only the namedCurve form;
//  - CompressedPublic (SEC1 compressed point) → accepted, with the given shared secret.
// An acceptable test with none of these flags is a failure until its policy is written down.
#include <string>
#include <vector>

#include "crypto/p256.hpp"
#include "selftest/wycheproof_file.hpp"

namespace meshsec::selftest {
namespace {

using crypto::Status;

VectorOutcome check_test(const WycheproofTest& t) {
  if (json_string(t.group, "curve") != "secp256r1") throw VectorFileError("group curve is not secp256r1");
  if (json_string(t.group, "encoding") != "asn") throw VectorFileError("group encoding is not asn");
  const Bytes peer = json_hex(t.test, "public");
  const Bytes private_key = json_hex(t.test, "private");
  std::array<std::uint8_t, 32> shared{};
  const Status s = crypto::p256_ecdh(private_key, peer, true, shared);
  if (t.expected == Expected::invalid) return refusal_outcome(s, "p256_ecdh");
  if (t.expected == Expected::acceptable) {
    if (t.has_flag("InvalidAsn") || t.has_flag("UnnamedCurve")) return refusal_outcome(s, "p256_ecdh");
    if (!t.has_flag("CompressedPublic"))
      return VectorOutcome::failed("\"acceptable\" ECDH test without a documented policy");
  }
  const auto expected = fixed_bytes<32>(json_hex(t.test, "shared"), "shared");
  if (s != Status::ok) return VectorOutcome::failed("p256_ecdh refused: " + std::string(crypto::to_string(s)));
  if (shared != expected) return VectorOutcome::failed("p256_ecdh: shared secret differs");
  return VectorOutcome::passed();
}

std::vector<FileResult> run(const SuiteContext& context) {
  return run_wycheproof_file(context, "ecdh_secp256r1_test.json", check_test);
}

[[maybe_unused]] const bool registered = register_suite("wycheproof-ecdh-p256", run);

}  // namespace
}  // namespace meshsec::selftest
