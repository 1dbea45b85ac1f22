// Wycheproof AES-CCM and AES-GCM (aes_ccm_test.json, aes_gcm_test.json). Every valid test
// must seal and open to the given values and drive the negative cases of
// check_aead_valid(); every invalid test (wrong tags, nonce or tag lengths the mode
// forbids) must be refused. Neither file holds "acceptable" tests; one appearing later is
// a failure until its policy is written down in docs/test-vectors.md.
#include <string>
#include <vector>

#include "selftest/aead_check.hpp"
#include "selftest/wycheproof_file.hpp"

namespace meshsec::selftest {
namespace {

// Group sizes are in bits; the test's fields must agree with them.
void check_size(const nlohmann::json& group, std::string_view size_name, const Bytes& field,
                std::string_view field_name) {
  const auto bits = json_unsigned(group, size_name);
  if (bits != 8 * field.size())
    throw VectorFileError("field '" + std::string(field_name) + "' has " + std::to_string(field.size()) +
                          " bytes, group " + std::string(size_name) + " is " + std::to_string(bits) + " bits");
}

VectorOutcome check_test(const WycheproofTest& t, crypto::AeadMode mode) {
  AeadCase c;
  c.mode = mode;
  c.key = json_hex(t.test, "key");
  c.nonce = json_hex(t.test, "iv");
  c.aad = json_hex(t.test, "aad");
  c.msg = json_hex(t.test, "msg");
  c.ct = json_hex(t.test, "ct");
  c.tag = json_hex(t.test, "tag");
  check_size(t.group, "keySize", c.key, "key");
  check_size(t.group, "ivSize", c.nonce, "iv");
  check_size(t.group, "tagSize", c.tag, "tag");
  switch (t.expected) {
    case Expected::valid: return check_aead_valid(c);
    case Expected::invalid: return check_aead_invalid(c);
    case Expected::acceptable: break;
  }
  return VectorOutcome::failed("\"acceptable\" AEAD test without a documented policy");
}

std::vector<FileResult> run(const SuiteContext& context) {
  std::vector<FileResult> results;
  for (auto& r : run_wycheproof_file(context, "aes_ccm_test.json",
                                     [](const WycheproofTest& t) { return check_test(t, crypto::AeadMode::ccm); }))
    results.push_back(std::move(r));
  for (auto& r : run_wycheproof_file(context, "aes_gcm_test.json",
                                     [](const WycheproofTest& t) { return check_test(t, crypto::AeadMode::gcm); }))
    results.push_back(std::move(r));
  return results;
}

[[maybe_unused]] const bool registered = register_suite("wycheproof-aead", run);

}  // namespace
}  // namespace meshsec::selftest
