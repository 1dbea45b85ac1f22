// RFC 7748 §5.2 X25519 test vectors (asymmetric/X25519/rfc7748.txt: INPUT_SCALAR, INPUT_U,
// OUTPUT_U).
#include <string>
#include <vector>

#include "crypto/x25519.hpp"
#include "selftest/cavp_file.hpp"

namespace meshsec::selftest {
namespace {

VectorOutcome check_record(const RspRecord& r) {
  const auto scalar = fixed_bytes<32>(r.hex("INPUT_SCALAR"), "INPUT_SCALAR");
  const auto u = fixed_bytes<32>(r.hex("INPUT_U"), "INPUT_U");
  const auto expected = fixed_bytes<32>(r.hex("OUTPUT_U"), "OUTPUT_U");
  std::array<std::uint8_t, 32> out{};
  const crypto::Status s = crypto::x25519(scalar, u, out);
  if (s != crypto::Status::ok) return VectorOutcome::failed("x25519 failed: " + std::string(crypto::to_string(s)));
  if (out != expected) return VectorOutcome::failed("x25519: output differs");
  return VectorOutcome::passed();
}

std::vector<FileResult> run(const SuiteContext& context) {
  return {run_cavp_rsp_file(context, "asymmetric/X25519/rfc7748.txt", "COUNT", check_record)};
}

[[maybe_unused]] const bool registered = register_suite("rfc-x25519", run);

}  // namespace
}  // namespace meshsec::selftest
