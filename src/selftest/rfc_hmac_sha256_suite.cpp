// RFC 4231 HMAC-SHA256 test cases (HMAC/rfc-4231-sha256.txt of python3-cryptography-vectors:
// records open with "Len" = message length in bits, then Key, Msg, MD).
#include <string>
#include <vector>

#include "selftest/cavp_file.hpp"
#include "selftest/mac_check.hpp"

namespace meshsec::selftest {
namespace {

VectorOutcome check_record(const RspRecord& r) {
  MacCase c;
  c.algorithm = crypto::MacAlgorithm::hmac_sha256;
  c.key = r.hex("Key");
  c.msg = r.hex("Msg");
  c.tag = r.hex("MD");
  c.min_tag_length = c.tag.size();
  if (r.number("Len") != 8 * c.msg.size())
    throw VectorFileError("field 'Msg' has " + std::to_string(c.msg.size()) + " bytes, Len = " + r.text("Len") + " bits");
  return check_mac_valid(c);
}

std::vector<FileResult> run(const SuiteContext& context) {
  return {run_cavp_rsp_file(context, "HMAC/rfc-4231-sha256.txt", "Len", check_record)};
}

[[maybe_unused]] const bool registered = register_suite("rfc-hmac-sha256", run);

}  // namespace
}  // namespace meshsec::selftest
