// AES-CMAC (SP 800-38B) examples, as python3-cryptography-vectors ships them
// (CMAC/nist-800-38b-aes{128,192,256}.txt: COUNT, KEY, MESSAGE, OUTPUT). The TDES file
// is not run: meshsec offers CMAC over AES only.
#include <string>
#include <vector>

#include "selftest/cavp_file.hpp"
#include "selftest/mac_check.hpp"

namespace meshsec::selftest {
namespace {

VectorOutcome check_record(const RspRecord& r) {
  MacCase c;
  c.algorithm = crypto::MacAlgorithm::aes_cmac;
  c.key = r.hex("KEY");
  c.msg = r.hex("MESSAGE");
  c.tag = r.hex("OUTPUT");
  c.min_tag_length = c.tag.size();
  return check_mac_valid(c);
}

std::vector<FileResult> run(const SuiteContext& context) {
  std::vector<FileResult> results;
  for (const char* bits : {"128", "192", "256"})
    results.push_back(run_cavp_rsp_file(context, std::string("CMAC/nist-800-38b-aes") + bits + ".txt", "COUNT",
                                        check_record));
  return results;
}

[[maybe_unused]] const bool registered = register_suite("cavp-cmac", run);

}  // namespace
}  // namespace meshsec::selftest
