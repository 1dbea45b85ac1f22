// Wycheproof X25519 (x25519_test.json). Policy for "acceptable" tests (docs/test-vectors.md):
//  - the shared secret is all zero (flag ZeroSharedSecret: low-order public keys) →
//    meshsec refuses it by policy (crypto::x25519 returns zero_shared_secret), booked as
//    rejected;
//  - any other acceptable test (points on the twist, non-canonical u ≥ p, special public
//    keys) → RFC 7748 §5 defines the result for every 32-byte string, so meshsec must
//    compute exactly the given shared secret.
#include <algorithm>
#include <array>
#include <string>
#include <vector>

#include "crypto/x25519.hpp"
#include "selftest/wycheproof_file.hpp"

namespace meshsec::selftest {
namespace {

using crypto::Status;

VectorOutcome check_test(const WycheproofTest& t) {
  if (json_string(t.group, "curve") != "curve25519")
    throw VectorFileError("group curve is not curve25519");
  const auto public_key = fixed_bytes<32>(json_hex(t.test, "public"), "public");
  const auto private_key = fixed_bytes<32>(json_hex(t.test, "private"), "private");
  const auto expected = fixed_bytes<32>(json_hex(t.test, "shared"), "shared");
  std::array<std::uint8_t, 32> shared{};
  const Status s = crypto::x25519(private_key, public_key, shared);
  const bool zero_expected = std::all_of(expected.begin(), expected.end(), [](std::uint8_t b) { return b == 0; });

  const bool must_refuse = t.expected == Expected::invalid || (t.expected == Expected::acceptable && zero_expected);
  if (must_refuse) {
    if (s == Status::ok) return VectorOutcome::failed("x25519 accepted a peer key meshsec must refuse");
    if (zero_expected && s != Status::zero_shared_secret)
      return VectorOutcome::failed("low-order key refused with " + std::string(crypto::to_string(s)) +
                                   " instead of zero_shared_secret");
    return VectorOutcome::rejected();
  }
  if (s != Status::ok) return VectorOutcome::failed("x25519 refused: " + std::string(crypto::to_string(s)));
  if (shared != expected) return VectorOutcome::failed("x25519: shared secret differs");
  return VectorOutcome::passed();
}

std::vector<FileResult> run(const SuiteContext& context) {
  return run_wycheproof_file(context, "x25519_test.json", check_test);
}

[[maybe_unused]] const bool registered = register_suite("wycheproof-x25519", run);

}  // namespace
}  // namespace meshsec::selftest
