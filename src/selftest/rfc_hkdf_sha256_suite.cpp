// RFC 5869 appendix A HKDF-SHA256 test cases (KDF/rfc-5869-HKDF-SHA256.txt): extract must
// give PRK, expand(PRK) and the one-shot hkdf_sha256 must both give OKM.
#include <string>
#include <vector>

#include "crypto/kdf.hpp"
#include "selftest/cavp_file.hpp"

namespace meshsec::selftest {
namespace {

VectorOutcome check_record(const RspRecord& r) {
  if (r.text("Hash") != "SHA-256")
    return VectorOutcome::not_applicable("HKDF with " + r.text("Hash") + " (meshsec's HKDF is HKDF-SHA256)");
  const Bytes ikm = r.hex("IKM");
  const Bytes salt = r.hex("salt");
  const Bytes info = r.hex("info");
  const Bytes prk_expected = r.hex("PRK");
  const Bytes okm_expected = r.hex("OKM");
  if (okm_expected.size() != r.number("L"))
    throw VectorFileError("field 'OKM' has " + std::to_string(okm_expected.size()) + " bytes, L = " + r.text("L"));

  Bytes prk(crypto::sha256_size);
  crypto::Status s = crypto::hkdf_sha256_extract(salt, ikm, prk);
  if (s != crypto::Status::ok) return VectorOutcome::failed("extract failed: " + std::string(crypto::to_string(s)));
  if (prk != prk_expected) return VectorOutcome::failed("extract: PRK differs");
  Bytes okm(okm_expected.size());
  s = crypto::hkdf_sha256_expand(prk, info, okm);
  if (s != crypto::Status::ok) return VectorOutcome::failed("expand failed: " + std::string(crypto::to_string(s)));
  if (okm != okm_expected) return VectorOutcome::failed("expand: OKM differs");
  Bytes one_shot(okm_expected.size());
  s = crypto::hkdf_sha256(salt, ikm, info, one_shot);
  if (s != crypto::Status::ok) return VectorOutcome::failed("hkdf_sha256 failed: " + std::string(crypto::to_string(s)));
  if (one_shot != okm_expected) return VectorOutcome::failed("hkdf_sha256: OKM differs");
  return VectorOutcome::passed();
}

std::vector<FileResult> run(const SuiteContext& context) {
  return {run_cavp_rsp_file(context, "KDF/rfc-5869-HKDF-SHA256.txt", "COUNT", check_record)};
}

[[maybe_unused]] const bool registered = register_suite("rfc-hkdf-sha256", run);

}  // namespace
}  // namespace meshsec::selftest
