// Wycheproof AES-CMAC and HMAC-SHA256 (aes_cmac_test.json, hmac_sha256_test.json). Tags
// may be truncated to the group's tagSize (bits), which is passed to
// Mac::verify_truncated() as the protocol's floor. Invalid tests (modified tags, CMAC keys
// of other sizes) must be refused; neither file holds "acceptable" tests.
#include <string>
#include <vector>

#include "selftest/mac_check.hpp"
#include "selftest/wycheproof_file.hpp"

namespace meshsec::selftest {
namespace {

VectorOutcome check_test(const WycheproofTest& t, crypto::MacAlgorithm algorithm) {
  MacCase c;
  c.algorithm = algorithm;
  c.key = json_hex(t.test, "key");
  c.msg = json_hex(t.test, "msg");
  c.tag = json_hex(t.test, "tag");
  const auto tag_bits = json_unsigned(t.group, "tagSize");
  if (tag_bits % 8 != 0) throw VectorFileError("group tagSize is not a whole number of bytes");
  c.min_tag_length = static_cast<std::size_t>(tag_bits / 8);
  switch (t.expected) {
    case Expected::valid: return check_mac_valid(c);
    case Expected::invalid: return check_mac_invalid(c);
    case Expected::acceptable: break;
  }
  return VectorOutcome::failed("\"acceptable\" MAC test without a documented policy");
}

std::vector<FileResult> run(const SuiteContext& context) {
  std::vector<FileResult> results;
  for (auto& r : run_wycheproof_file(context, "aes_cmac_test.json", [](const WycheproofTest& t) {
         return check_test(t, crypto::MacAlgorithm::aes_cmac);
       }))
    results.push_back(std::move(r));
  for (auto& r : run_wycheproof_file(context, "hmac_sha256_test.json", [](const WycheproofTest& t) {
         return check_test(t, crypto::MacAlgorithm::hmac_sha256);
       }))
    results.push_back(std::move(r));
  return results;
}

[[maybe_unused]] const bool registered = register_suite("wycheproof-mac", run);

}  // namespace
}  // namespace meshsec::selftest
