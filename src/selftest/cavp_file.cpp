#include "selftest/cavp_file.hpp"

namespace meshsec::selftest {

std::optional<std::string> read_cavp_text(const SuiteContext& context, std::string_view relative_path,
                                          FileResult& result) {
  std::error_code ec;
  if (context.cryptography_vectors.empty() || !std::filesystem::is_directory(context.cryptography_vectors, ec)) {
    result.fail("cryptography vectors not found at '" + context.cryptography_vectors.string() +
                "' (install Debian's python3-cryptography-vectors, or pass --cryptography-vectors DIR)");
    return std::nullopt;
  }
  try {
    return read_text_file(context.cryptography_vectors / std::filesystem::path(relative_path));
  } catch (const std::exception& e) {
    result.fail(e.what());
    return std::nullopt;
  }
}

FileResult run_cavp_rsp_file(const SuiteContext& context, std::string_view relative_path,
                             std::string_view start_key, const RspCheck& check) {
  FileResult result;
  result.file = "cavp/" + std::string(relative_path);
  auto text = read_cavp_text(context, relative_path, result);
  if (!text) return result;
  std::vector<RspRecord> records;
  try {
    records = parse_rsp(*text, start_key);
  } catch (const std::exception& e) {
    result.fail(std::string("unparsable file: ") + e.what());
    return result;
  }
  if (records.empty()) {
    result.fail("no '" + std::string(start_key) + "' record found (empty or truncated file)");
    return result;
  }
  for (const auto& record : records) run_vector(result, record.id(), [&] { return check(record); });
  return result;
}

}  // namespace meshsec::selftest
