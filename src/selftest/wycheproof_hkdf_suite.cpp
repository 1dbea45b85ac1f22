// Wycheproof HKDF-SHA256 (hkdf_sha256_test.json). Valid tests must derive okm both through
// hkdf_sha256() and through extract-then-expand; the invalid ones ask for more than
// 255·32 bytes (RFC 5869 §2.3) and must be refused.
#include <string>
#include <vector>

#include "crypto/kdf.hpp"
#include "selftest/wycheproof_file.hpp"

namespace meshsec::selftest {
namespace {

using crypto::Status;

VectorOutcome check_test(const WycheproofTest& t) {
  const Bytes ikm = json_hex(t.test, "ikm");
  const Bytes salt = json_hex(t.test, "salt");
  const Bytes info = json_hex(t.test, "info");
  const auto size = static_cast<std::size_t>(json_unsigned(t.test, "size"));
  if (size > (std::size_t{1} << 20)) throw VectorFileError("field 'size' is implausibly large");
  Bytes out(size);
  const Status s = crypto::hkdf_sha256(salt, ikm, info, out);
  switch (t.expected) {
    case Expected::invalid: return refusal_outcome(s, "hkdf_sha256");
    case Expected::valid: {
      const Bytes okm = json_hex(t.test, "okm");
      if (okm.size() != size) throw VectorFileError("field 'okm' has " + std::to_string(okm.size()) + " bytes, size is " + std::to_string(size));
      if (s != Status::ok) return VectorOutcome::failed("hkdf_sha256 failed: " + std::string(crypto::to_string(s)));
      if (out != okm) return VectorOutcome::failed("hkdf_sha256: okm differs");
      Bytes prk(crypto::sha256_size);
      Bytes expanded(size);
      Status e = crypto::hkdf_sha256_extract(salt, ikm, prk);
      if (e == Status::ok) e = crypto::hkdf_sha256_expand(prk, info, expanded);
      if (e != Status::ok) return VectorOutcome::failed("extract/expand failed: " + std::string(crypto::to_string(e)));
      if (expanded != okm) return VectorOutcome::failed("extract then expand: okm differs");
      return VectorOutcome::passed();
    }
    case Expected::acceptable: break;
  }
  return VectorOutcome::failed("\"acceptable\" HKDF test without a documented policy");
}

std::vector<FileResult> run(const SuiteContext& context) {
  return run_wycheproof_file(context, "hkdf_sha256_test.json", check_test);
}

[[maybe_unused]] const bool registered = register_suite("wycheproof-hkdf", run);

}  // namespace
}  // namespace meshsec::selftest
