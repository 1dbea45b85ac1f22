// NIST CAVP AES known-answer tests in ECB mode (AESVS GFSbox, KeySbox, VarKey, VarTxt and
// the multi-block message test MMT), as python3-cryptography-vectors ships them
// (ciphers/AES/ECB/ECB<test>128.rsp: COUNT, KEY, PLAINTEXT, CIPHERTEXT). The [ENCRYPT] and
// [DECRYPT] sections state the same key/plaintext/ciphertext relation, so every record is
// checked by encrypting its plaintext: AesBlock offers no decryption, since the one-way
// functions built on it need none. The 192- and 256-bit files are not run: AesBlock is
// AES-128 only.
#include <string>
#include <vector>

#include "crypto/aes_block.hpp"
#include "selftest/block_check.hpp"
#include "selftest/cavp_file.hpp"

namespace meshsec::selftest {
namespace {

VectorOutcome check_record(const RspRecord& r) {
  BlockCase c;
  c.key = r.hex("KEY");
  c.plaintext = r.hex("PLAINTEXT");
  c.ciphertext = r.hex("CIPHERTEXT");
  if (c.plaintext.empty() || c.plaintext.size() % crypto::AesBlock::block_size != 0)
    throw VectorFileError("field 'PLAINTEXT' has " + std::to_string(c.plaintext.size()) +
                          " bytes, not a whole number of 16-byte blocks");
  if (c.ciphertext.size() != c.plaintext.size())
    throw VectorFileError("field 'CIPHERTEXT' has " + std::to_string(c.ciphertext.size()) +
                          " bytes, 'PLAINTEXT' has " + std::to_string(c.plaintext.size()));
  return check_block_valid(c);
}

std::vector<FileResult> run(const SuiteContext& context) {
  std::vector<FileResult> results;
  for (const char* test : {"GFSbox", "KeySbox", "VarKey", "VarTxt", "MMT"})
    results.push_back(run_cavp_rsp_file(context, std::string("ciphers/AES/ECB/ECB") + test + "128.rsp",
                                        "COUNT", check_record));
  return results;
}

[[maybe_unused]] const bool registered = register_suite("cavp-aes-ecb", run);

}  // namespace
}  // namespace meshsec::selftest
