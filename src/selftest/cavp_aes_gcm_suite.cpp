// NIST CAVP AES-GCM (SP 800-38D) response files: gcmEncryptExtIV (encryption with an
// external IV) and gcmDecrypt, whose "FAIL" entries must be refused. Lengths in the
// section headers ([Keylen], [IVlen], [PTlen], [AADlen], [Taglen]) are in bits.
#include <string>
#include <vector>

#include "selftest/aead_check.hpp"
#include "selftest/cavp_file.hpp"

namespace meshsec::selftest {
namespace {

Bytes field_of_bits(const RspRecord& r, std::string_view name, std::string_view length_name) {
  const std::size_t bits = r.number(length_name);
  Bytes b = r.hex(name);
  if (bits % 8 != 0 || b.size() != bits / 8)
    throw VectorFileError("field '" + std::string(name) + "' has " + std::to_string(b.size()) + " bytes, [" +
                          std::string(length_name) + " = " + std::to_string(bits) + "] says otherwise");
  return b;
}

VectorOutcome check_record(const RspRecord& r, bool decrypt) {
  AeadCase c;
  c.mode = crypto::AeadMode::gcm;
  c.key = field_of_bits(r, "Key", "Keylen");
  c.nonce = field_of_bits(r, "IV", "IVlen");
  c.aad = field_of_bits(r, "AAD", "AADlen");
  c.ct = field_of_bits(r, "CT", "PTlen");
  c.tag = field_of_bits(r, "Tag", "Taglen");
  if (decrypt && r.has("FAIL")) return check_aead_invalid(c);
  c.msg = field_of_bits(r, "PT", "PTlen");
  return check_aead_valid(c);
}

std::vector<FileResult> run(const SuiteContext& context) {
  std::vector<FileResult> results;
  for (const char* test : {"gcmEncryptExtIV", "gcmDecrypt"}) {
    const bool decrypt = std::string(test) == "gcmDecrypt";
    for (const char* bits : {"128", "192", "256"}) {
      const std::string path = std::string("ciphers/AES/GCM/") + test + bits + ".rsp";
      results.push_back(run_cavp_rsp_file(context, path, "Count",
                                          [decrypt](const RspRecord& r) { return check_record(r, decrypt); }));
    }
  }
  return results;
}

[[maybe_unused]] const bool registered = register_suite("cavp-aes-gcm", run);

}  // namespace
}  // namespace meshsec::selftest
