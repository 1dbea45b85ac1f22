// NIST CAVP SP 800-108 KDF in counter mode (KDF/nist-800-108-KBKDF-CTR.txt), run through
// crypto::kbkdf_counter_fixed_input: the counter of RLEN bits before, after or in the
// middle of the fixed input data. meshsec's PRFs are AES-CMAC and HMAC-SHA256; the
// sections for other PRFs (HMAC-SHA1/224/384/512, CMAC-TDES) are booked as not applicable.
#include <string>
#include <vector>

#include "crypto/kdf.hpp"
#include "selftest/cavp_file.hpp"

namespace meshsec::selftest {
namespace {

using crypto::MacAlgorithm;

// Checks a "...Len" field against its data when the file gives both.
Bytes data_with_length(const RspRecord& r, std::string_view data_name, std::string_view length_name) {
  Bytes b = r.hex(data_name);
  if (r.has(length_name) && r.number(length_name) != b.size())
    throw VectorFileError("field '" + std::string(data_name) + "' has " + std::to_string(b.size()) +
                          " bytes, '" + std::string(length_name) + "' says " + r.text(length_name));
  return b;
}

VectorOutcome check_record(const RspRecord& r) {
  const std::string& prf_name = r.text("PRF");
  MacAlgorithm algorithm;
  if (prf_name == "CMAC_AES128" || prf_name == "CMAC_AES192" || prf_name == "CMAC_AES256")
    algorithm = MacAlgorithm::aes_cmac;
  else if (prf_name == "HMAC_SHA256")
    algorithm = MacAlgorithm::hmac_sha256;
  else
    return VectorOutcome::not_applicable("PRF " + prf_name +
                                         " (meshsec's SP 800-108 PRFs are AES-CMAC and HMAC-SHA256)");

  const std::string& rlen = r.text("RLEN");  // "8_BITS" .. "32_BITS"
  const std::size_t bits_end = rlen.find("_BITS");
  if (bits_end == std::string::npos) throw VectorFileError("field 'RLEN' is not \"<n>_BITS\": \"" + rlen + "\"");
  const unsigned counter_bits = static_cast<unsigned>(decimal_from_text(std::string_view(rlen).substr(0, bits_end), "RLEN"));

  const std::string& location = r.text("CTRLOCATION");
  Bytes before;
  Bytes after;
  if (location == "BEFORE_FIXED") {
    after = data_with_length(r, "FixedInputData", "FixedInputDataByteLen");
  } else if (location == "AFTER_FIXED") {
    before = data_with_length(r, "FixedInputData", "FixedInputDataByteLen");
  } else if (location == "MIDDLE_FIXED") {
    before = data_with_length(r, "DataBeforeCtrData", "DataBeforeCtrLen");
    after = data_with_length(r, "DataAfterCtrData", "DataAfterCtrLen");
  } else {
    throw VectorFileError("unknown CTRLOCATION \"" + location + "\"");
  }

  const std::size_t out_bits = r.number("L");
  const Bytes expected = r.hex("KO");
  if (out_bits % 8 != 0 || expected.size() != out_bits / 8)
    throw VectorFileError("field 'KO' has " + std::to_string(expected.size()) + " bytes, L = " + r.text("L"));

  crypto::Mac prf;
  crypto::Status s = prf.init(algorithm, r.hex("KI"));
  if (s != crypto::Status::ok)
    return VectorOutcome::failed("PRF key refused: " + std::string(crypto::to_string(s)));
  Bytes out(expected.size());
  s = crypto::kbkdf_counter_fixed_input(prf, before, after, counter_bits, out);
  if (s != crypto::Status::ok)
    return VectorOutcome::failed("kbkdf_counter_fixed_input failed: " + std::string(crypto::to_string(s)));
  if (out != expected) return VectorOutcome::failed("derived key differs from KO (" + prf_name + ", " + location + ", " + rlen + ")");
  return VectorOutcome::passed();
}

std::vector<FileResult> run(const SuiteContext& context) {
  return {run_cavp_rsp_file(context, "KDF/nist-800-108-KBKDF-CTR.txt", "COUNT", check_record)};
}

[[maybe_unused]] const bool registered = register_suite("cavp-kbkdf", run);

}  // namespace
}  // namespace meshsec::selftest
