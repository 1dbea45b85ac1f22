// `meshsec selftest --json` run as a program: its JSON parses, adds up, and reports no
// failure over the installed vectors; a missing vector package makes it exit non-zero.
#include <gtest/gtest.h>
#include <sys/wait.h>

#include <array>
#include <cstdio>
#include <filesystem>
#include <iostream>
#include <string>

#include <nlohmann/json.hpp>

#include "support/test_paths.hpp"

namespace {

struct ProgramRun {
  int exit_code = -1;
  std::string out;
};

ProgramRun run_cli(const std::string& arguments) {
  const std::string command = "'" + meshsec::testing::cli_path() + "' " + arguments + " 2>/dev/null";
  ProgramRun result;
  FILE* pipe = ::popen(command.c_str(), "r");
  if (pipe == nullptr) return result;
  std::array<char, 4096> buffer{};
  std::size_t n = 0;
  while ((n = std::fread(buffer.data(), 1, buffer.size(), pipe)) > 0) result.out.append(buffer.data(), n);
  const int status = ::pclose(pipe);
  result.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return result;
}

// Until cli/cmd_selftest.cpp is part of the program the command cannot be tested; once the
// file is in the tree the command must be there.
bool selftest_command_built() {
  const ProgramRun help = run_cli("--help");
  if (help.out.find("selftest") != std::string::npos) return true;
  return std::filesystem::exists(std::filesystem::path(MESHSEC_SOURCE_DIR) / "cli" / "cmd_selftest.cpp");
}

// Every suite of the program runs; the CAVP and Wycheproof files must all pass (the other
// suites of the folder have tests of their own), and the exit code must follow the count.
TEST(SelftestCli, JsonReportAddsUpAndHasNoFailures) {
  if (!selftest_command_built()) GTEST_SKIP() << "meshsec is built without the selftest command";
  const ProgramRun run = run_cli("selftest --json");
  nlohmann::json report;
  ASSERT_NO_THROW(report = nlohmann::json::parse(run.out)) << run.out.substr(0, 2000);
  ASSERT_TRUE(report.contains("files"));
  ASSERT_TRUE(report["files"].is_array());
  std::size_t total = 0;
  std::size_t failures = 0;
  bool saw_cavp = false;
  bool saw_wycheproof = false;
  for (const auto& f : report["files"]) {
    ASSERT_TRUE(f["file"].is_string());
    for (const char* key : {"valid_passed", "invalid_rejected", "failures"})
      ASSERT_TRUE(f[key].is_number_unsigned()) << f.dump();
    total += f["valid_passed"].get<std::size_t>() + f["invalid_rejected"].get<std::size_t>() +
             f["failures"].get<std::size_t>();
    failures += f["failures"].get<std::size_t>();
    const auto name = f["file"].get<std::string>();
    if (name.rfind("cavp/", 0) == 0 || name.rfind("wycheproof/", 0) == 0) {
      EXPECT_EQ(f["failures"].get<std::size_t>(), 0u) << f.dump();
    }
    saw_cavp = saw_cavp || name == "cavp/ciphers/AES/CCM/DVPT128.rsp";
    saw_wycheproof = saw_wycheproof || name == "wycheproof/aes_ccm_test.json";
  }
  EXPECT_EQ(report["total_vectors"].get<std::size_t>(), total);
  EXPECT_EQ(report["failures"].get<std::size_t>(), failures);
  EXPECT_EQ(run.exit_code, failures == 0 ? 0 : 1);
  EXPECT_TRUE(saw_cavp);
  if (!meshsec::testing::shared_vectors_dir().empty()) {
    EXPECT_TRUE(saw_wycheproof);
  }
  EXPECT_GT(total, 50000u);
  std::cout << "meshsec selftest: " << total << " vectors run, " << failures << " failures, "
            << report["files"].size() << " files\n";
}

TEST(SelftestCli, MissingCryptographyVectorsExitsNonZero) {
  if (!selftest_command_built()) GTEST_SKIP() << "meshsec is built without the selftest command";
  const ProgramRun run =
      run_cli("selftest --json --suite cavp-cmac --cryptography-vectors /nonexistent/cryptography_vectors");
  EXPECT_NE(run.exit_code, 0);
  const auto report = nlohmann::json::parse(run.out);
  EXPECT_EQ(report["failures"].get<std::size_t>(), 3u);
}

TEST(SelftestCli, AbsentSharedFolderIsNotAFailure) {
  if (!selftest_command_built()) GTEST_SKIP() << "meshsec is built without the selftest command";
  const ProgramRun run = run_cli("selftest --json --suite wycheproof-aead --vectors /nonexistent/shared/vectors");
  EXPECT_EQ(run.exit_code, 0);
  const auto report = nlohmann::json::parse(run.out);
  EXPECT_TRUE(report["files"].empty());
  EXPECT_EQ(report["failures"].get<std::size_t>(), 0u);
}

TEST(SelftestCli, TableNamesFailures) {
  if (!selftest_command_built()) GTEST_SKIP() << "meshsec is built without the selftest command";
  const ProgramRun run = run_cli("selftest --suite rfc-x25519 --cryptography-vectors /nonexistent/cv");
  EXPECT_NE(run.exit_code, 0);
  EXPECT_NE(run.out.find("cavp/asymmetric/X25519/rfc7748.txt"), std::string::npos) << run.out;
  EXPECT_NE(run.out.find("python3-cryptography-vectors"), std::string::npos) << run.out;
}

}  // namespace
