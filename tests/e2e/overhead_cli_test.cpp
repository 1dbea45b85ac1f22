// `meshsec overhead --json` reports every required combination (L8) with figures that
// match the E2/E3 layout and the E1 frame the network layer builds.
#include <gtest/gtest.h>

#include <cstdio>
#include <map>
#include <nlohmann/json.hpp>
#include <string>

#include "e2e/e2e_message_layout.hpp"
#include "support/test_paths.hpp"

namespace meshsec::e2e {
namespace {

std::string run_cli(const std::string& args) {
  const std::string command = meshsec::testing::cli_path() + " " + args + " 2>/dev/null";
  std::FILE* pipe = ::popen(command.c_str(), "r");
  if (pipe == nullptr) return {};
  std::string out;
  char buffer[4096];
  std::size_t n = 0;
  while ((n = std::fread(buffer, 1, sizeof buffer, pipe)) > 0) out.append(buffer, n);
  ::pclose(pipe);
  return out;
}

TEST(OverheadCli, JsonListsTheRequiredCombinations) {
  const auto doc = nlohmann::json::parse(run_cli("overhead --json"));
  std::map<std::string, nlohmann::json> rows;
  for (const auto& row : doc.at("combinations")) rows[row.at("levels").get<std::string>()] = row;
  for (const char* name : {"E1+E2+E4", "E1+E3+E4", "E1+E2+E3+E4"}) {
    ASSERT_TRUE(rows.count(name)) << name;
    const auto& r = rows[name];
    for (const char* key : {"overhead_bytes", "payload_left_32", "payload_left_127"})
      EXPECT_TRUE(r.contains(key)) << name << " " << key;
  }
  const auto base = rows.at("E1+E4").at("overhead_bytes").get<long>();
  EXPECT_GT(base, 0);  // E1 costs header, MIC, CRC and token header; E4 costs nothing
  EXPECT_EQ(rows.at("E1+E4").at("e4_bytes").get<long>(), 0);
  EXPECT_EQ(rows.at("E1+E2+E4").at("overhead_bytes").get<long>(), base + static_cast<long>(E2eLayout::overhead));
  EXPECT_EQ(rows.at("E1+E3+E4").at("overhead_bytes").get<long>(), base + static_cast<long>(E2eLayout::overhead));
  EXPECT_EQ(rows.at("E1+E2+E3+E4").at("overhead_bytes").get<long>(),
            base + 2 * static_cast<long>(E2eLayout::overhead));
  EXPECT_EQ(rows.at("E1+E2+E3+E4+L6").at("overhead_bytes").get<long>(),
            base + 2 * static_cast<long>(E2eLayout::signed_overhead));
  // Less payload with every level added.
  EXPECT_GT(rows.at("E1+E2+E4").at("payload_left_127").get<long>(),
            rows.at("E1+E2+E3+E4").at("payload_left_127").get<long>());
}

TEST(OverheadCli, MicLengthChangesOnlyE1) {
  const auto mic4 = nlohmann::json::parse(run_cli("overhead --json --mic 4"));
  const auto mic16 = nlohmann::json::parse(run_cli("overhead --json --mic 16"));
  EXPECT_EQ(mic16.at("combinations")[0].at("e1_bytes").get<long>() -
                mic4.at("combinations")[0].at("e1_bytes").get<long>(),
            12);
}

}  // namespace
}  // namespace meshsec::e2e
