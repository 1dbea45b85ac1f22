// Files of Debian's python3-cryptography-vectors (NIST CAVP response files and RFC test
// vectors), found under SuiteContext::cryptography_vectors. Results are named
// "cavp/<path inside the package>". A missing package or file is a failure, not a skip:
// the setup script installs the package.
#pragma once
#include <functional>
#include <optional>
#include <string>
#include <string_view>

#include "selftest/rsp_file.hpp"
#include "selftest/suite_registry.hpp"
#include "selftest/vector_outcome.hpp"

namespace meshsec::selftest {

using RspCheck = std::function<VectorOutcome(const RspRecord&)>;

// The file's text, or nullopt after booking a failure that names the missing path.
[[nodiscard]] std::optional<std::string> read_cavp_text(const SuiteContext& context,
                                                        std::string_view relative_path,
                                                        FileResult& result);

// Runs check over every record of one .rsp-shaped file. A file that cannot be parsed, or
// holds no record at all, is one failure.
[[nodiscard]] FileResult run_cavp_rsp_file(const SuiteContext& context, std::string_view relative_path,
                                           std::string_view start_key, const RspCheck& check);

}  // namespace meshsec::selftest
