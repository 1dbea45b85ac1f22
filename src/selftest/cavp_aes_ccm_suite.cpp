// NIST CAVP AES-CCM (SP 800-38C) response files: the encryption tests VADT (associated data
// length), VNT (nonce length), VPT (payload length), VTT (tag length) and the
// decryption-verification test DVPT, whose "Result = Fail" entries must be refused.
#include <string>
#include <vector>

#include "selftest/aead_check.hpp"
#include "selftest/cavp_file.hpp"

namespace meshsec::selftest {
namespace {

// Lengths come from the file header or the section ("[Alen = 0, Plen = 0, Nlen = 7, Tlen = 4]");
// CAVP writes a lone "00" for an empty field.
Bytes field_of_length(const RspRecord& r, std::string_view name, std::size_t length) {
  Bytes b = r.hex(name);
  if (length == 0 && b.size() == 1 && b[0] == 0) b.clear();
  if (b.size() != length)
    throw VectorFileError("field '" + std::string(name) + "' has " + std::to_string(b.size()) +
                          " bytes, the header says " + std::to_string(length));
  return b;
}

VectorOutcome check_record(const RspRecord& r, bool decrypt_verify) {
  const std::size_t alen = r.number("Alen");
  const std::size_t plen = r.number("Plen");
  const std::size_t nlen = r.number("Nlen");
  const std::size_t tlen = r.number("Tlen");
  AeadCase c;
  c.mode = crypto::AeadMode::ccm;
  c.key = r.hex("Key");
  c.nonce = field_of_length(r, "Nonce", nlen);
  c.aad = field_of_length(r, "Adata", alen);
  const Bytes ct_and_tag = field_of_length(r, "CT", plen + tlen);
  c.ct.assign(ct_and_tag.begin(), ct_and_tag.begin() + static_cast<std::ptrdiff_t>(plen));
  c.tag.assign(ct_and_tag.begin() + static_cast<std::ptrdiff_t>(plen), ct_and_tag.end());
  if (decrypt_verify) {
    // DVPT128.txt writes "Pass (0)" / "Fail (2 - CT changed)"; the .rsp files the bare word.
    const std::string& result = r.text("Result");
    if (result.rfind("Fail", 0) == 0) return check_aead_invalid(c);
    if (result.rfind("Pass", 0) != 0) throw VectorFileError("unknown Result \"" + result + "\"");
  }
  c.msg = field_of_length(r, "Payload", plen);
  return check_aead_valid(c);
}

std::vector<FileResult> run(const SuiteContext& context) {
  std::vector<FileResult> results;
  for (const char* test : {"DVPT", "VADT", "VNT", "VPT", "VTT"}) {
    const bool decrypt_verify = std::string(test) == "DVPT";
    for (const char* bits : {"128", "192", "256"}) {
      const std::string path = std::string("ciphers/AES/CCM/") + test + bits + ".rsp";
      results.push_back(run_cavp_rsp_file(context, path, "Count", [decrypt_verify](const RspRecord& r) {
        return check_record(r, decrypt_verify);
      }));
    }
  }
  return results;
}

[[maybe_unused]] const bool registered = register_suite("cavp-aes-ccm", run);

}  // namespace
}  // namespace meshsec::selftest
