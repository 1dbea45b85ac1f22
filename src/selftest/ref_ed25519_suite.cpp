// Ed25519 vectors of the reference implementation (asymmetric/Ed25519/sign.input): one
// vector a line, "sk‖pk:pk:msg:sig‖msg:" in hex, sk being the 32-byte seed. The public key
// must follow from the seed, signing must give the signature (Ed25519 is deterministic),
// and verification must accept it and refuse its mutations.
#include <algorithm>
#include <array>
#include <string>
#include <string_view>
#include <vector>

#include "crypto/ed25519.hpp"
#include "selftest/cavp_file.hpp"
#include "selftest/signature_check.hpp"

namespace meshsec::selftest {
namespace {

constexpr std::string_view kPath = "asymmetric/Ed25519/sign.input";

std::vector<std::string_view> split_colons(std::string_view line) {
  std::vector<std::string_view> parts;
  while (true) {
    const auto colon = line.find(':');
    parts.push_back(line.substr(0, colon));
    if (colon == std::string_view::npos) break;
    line.remove_prefix(colon + 1);
  }
  return parts;
}

VectorOutcome check_line(std::string_view line) {
  const auto parts = split_colons(line);
  if (parts.size() != 5 || !parts[4].empty())
    throw VectorFileError("expected \"sk||pk:pk:msg:sig||msg:\", found " + std::to_string(parts.size()) +
                          " colon-separated fields");
  const Bytes secret = bytes_from_hex(parts[0], "sk||pk");
  const auto public_key = fixed_bytes<32>(bytes_from_hex(parts[1], "pk"), "pk");
  const Bytes message = bytes_from_hex(parts[2], "msg");
  const Bytes signed_message = bytes_from_hex(parts[3], "sig||msg");
  if (secret.size() != 64) throw VectorFileError("field 'sk||pk' has " + std::to_string(secret.size()) + " bytes, expected 64");
  if (signed_message.size() != 64 + message.size() ||
      !std::equal(message.begin(), message.end(), signed_message.begin() + 64))
    throw VectorFileError("field 'sig||msg' does not end with msg");
  const Bytes signature(signed_message.begin(), signed_message.begin() + 64);
  std::array<std::uint8_t, 32> seed{};
  std::copy(secret.begin(), secret.begin() + 32, seed.begin());
  if (!std::equal(public_key.begin(), public_key.end(), secret.begin() + 32))
    throw VectorFileError("the pk half of 'sk||pk' differs from field 'pk'");

  std::array<std::uint8_t, 32> derived{};
  crypto::Status s = crypto::ed25519_public_from_seed(seed, derived);
  if (s != crypto::Status::ok) return VectorOutcome::failed("public_from_seed failed: " + std::string(crypto::to_string(s)));
  if (derived != public_key) return VectorOutcome::failed("public key derived from the seed differs");
  std::array<std::uint8_t, 64> produced{};
  s = crypto::ed25519_sign(seed, message, produced);
  if (s != crypto::Status::ok) return VectorOutcome::failed("sign failed: " + std::string(crypto::to_string(s)));
  if (!std::equal(produced.begin(), produced.end(), signature.begin()))
    return VectorOutcome::failed("signature differs from the vector");
  return check_signature_valid(
      [&](std::span<const std::uint8_t> m, std::span<const std::uint8_t> sig) {
        return crypto::ed25519_verify(public_key, m, sig);
      },
      message, signature);
}

std::vector<FileResult> run(const SuiteContext& context) {
  FileResult result;
  result.file = "cavp/" + std::string(kPath);
  const auto text = read_cavp_text(context, kPath, result);
  if (!text) return {result};
  std::string_view rest = *text;
  std::size_t line_number = 0;
  std::size_t lines = 0;
  while (!rest.empty()) {
    const auto nl = rest.find('\n');
    std::string_view line = rest.substr(0, nl);
    rest.remove_prefix(nl == std::string_view::npos ? rest.size() : nl + 1);
    ++line_number;
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    if (line.empty()) continue;
    ++lines;
    run_vector(result, "line " + std::to_string(line_number), [line] { return check_line(line); });
  }
  if (lines == 0) result.fail("no vector lines found (empty file)");
  return {result};
}

[[maybe_unused]] const bool registered = register_suite("ref-ed25519", run);

}  // namespace
}  // namespace meshsec::selftest
