// `meshsec overhead`: the radio bytes each combination of security levels costs (L8),
// measured by running the real encoders — the E1 frame sealer of src/net/ and the E2/E3
// senders of src/e2e/ — over a probe payload.
#include <CLI/CLI.hpp>

#include <algorithm>
#include <array>
#include <iostream>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "command_registry.hpp"
#include "crypto/aead.hpp"
#include "crypto/random.hpp"
#include "e2e/overhead_report.hpp"
#include "net/frame_crypto.hpp"
#include "wire/bounded_writer.hpp"
#include "wire/net_frame.hpp"
#include "wire/net_token.hpp"

namespace {

using meshsec::e2e::LevelSet;
using meshsec::e2e::SecurityLevel;

// E1 as the network layer builds it: the E2/E3 bytes travel as one token of a data frame
// sealed under the (AES-128) network key with the configured MIC, then the CRC-16.
class NetFrameSizer final : public meshsec::e2e::LinkFrameSizer {
 public:
  explicit NetFrameSizer(std::size_t mic_length) : mic_length_(mic_length) {
    std::array<std::uint8_t, 16> key{};
    if (meshsec::crypto::random_secret_bytes(key) != meshsec::crypto::Status::ok ||
        aead_.init(meshsec::crypto::AeadMode::ccm, key, mic_length) != meshsec::crypto::Status::ok)
      throw std::runtime_error("cannot set up the E1 frame sealer");
  }
  bool radio_length(std::size_t body_size, std::size_t& radio_length) const noexcept override {
    using namespace meshsec;
    std::array<std::uint8_t, 256> value{};
    std::array<std::uint8_t, 260> tokens{};
    if (body_size > value.size()) return false;
    wire::BoundedWriter w(tokens);
    // Application token type 0x01; any type below the reserved range costs the same.
    if (wire::write_token(w, 0x01, std::span(value).first(body_size)) != wire::WireError::ok) return false;
    wire::NetHeader header;
    header.type = wire::NetFrameType::data;
    header.mic_code = wire::mic_code_for(mic_length_);
    header.src = 1;
    header.dst = 0;
    header.ttl = 4;
    std::array<std::uint8_t, wire::NetLayout::max_frame_size + 8> frame{};
    return net::seal_frame(aead_, header, 0, w.written(), frame, radio_length) == net::BuildError::ok;
  }
  // A 32-byte radio payload holds the whole frame with its CRC; an 802.15.4 frame leaves
  // max_frame_size bytes after its MAC header, plus the 2-byte FCS our CRC-16 stands for.
  std::size_t budget_32() const noexcept override { return meshsec::wire::NetLayout::small_radio_payload; }
  std::size_t budget_127() const noexcept override { return meshsec::wire::NetLayout::max_frame_size + 2; }

 private:
  mutable meshsec::crypto::AesAead aead_;
  std::size_t mic_length_;
};

struct Combination {
  LevelSet levels;
  bool with_signature;
};

void run(bool json, std::size_t mic_length) {
  const NetFrameSizer e1(mic_length);
  const LevelSet e1e4 = LevelSet{}.with(SecurityLevel::e1).with(SecurityLevel::e4);
  const LevelSet e1e2e4 = e1e4.with(SecurityLevel::e2);
  const LevelSet e1e3e4 = e1e4.with(SecurityLevel::e3);
  const LevelSet all = e1e2e4.with(SecurityLevel::e3);
  const std::vector<Combination> combos = {{e1e4, false},   {e1e2e4, false}, {e1e3e4, false},
                                           {all, false},    {e1e2e4, true},  {e1e3e4, true},
                                           {all, true}};
  nlohmann::json rows = nlohmann::json::array();
  for (const Combination& c : combos) {
    meshsec::e2e::OverheadRow row;
    const auto e = meshsec::e2e::measure_overhead(c.levels, c.with_signature, &e1, row);
    if (e != meshsec::e2e::E2eError::ok)
      throw std::runtime_error("measuring " + c.levels.name() + ": " + std::string(meshsec::e2e::to_string(e)));
    std::string name = c.levels.name();
    if (c.with_signature) name += "+L6";
    rows.push_back({{"levels", name},
                    {"signature", c.with_signature},
                    {"overhead_bytes", row.overhead_bytes},
                    {"payload_left_32", std::max(0L, row.payload_left_32)},
                    {"payload_left_127", std::max(0L, row.payload_left_127)},
                    {"fits_32", row.payload_left_32 > 0},
                    {"fits_127", row.payload_left_127 > 0},
                    {"e1_bytes", row.e1_bytes},
                    {"e2_bytes", row.e2_bytes},
                    {"e3_bytes", row.e3_bytes},
                    {"e4_bytes", row.e4_bytes}});
  }
  if (json) {
    std::cout << nlohmann::json{{"mic_length", mic_length}, {"combinations", rows}}.dump(2) << "\n";
    return;
  }
  std::cout << "E1 MIC " << mic_length << " bytes; E4 is TLS on the gateway uplink (0 radio bytes)\n";
  std::cout << "levels              overhead  left(32)  left(127)   E1  E2  E3\n";
  for (const auto& r : rows) {
    std::string name = r["levels"];
    name.resize(20, ' ');
    std::cout << name << std::to_string(r["overhead_bytes"].get<std::size_t>()) << "\t  "
              << r["payload_left_32"].get<long>() << "\t    " << r["payload_left_127"].get<long>() << "\t"
              << r["e1_bytes"].get<std::size_t>() << "  " << r["e2_bytes"].get<std::size_t>() << "  "
              << r["e3_bytes"].get<std::size_t>() << "\n";
  }
}

const bool registered = meshsec::cli::register_command(60, [](CLI::App& root) {
  auto* cmd = root.add_subcommand("overhead", "Radio bytes each combination of security levels costs (L8)");
  auto json = std::make_shared<bool>(false);
  auto mic = std::make_shared<std::size_t>(8);
  cmd->add_flag("--json", *json, "Print JSON");
  cmd->add_option("--mic", *mic, "E1 MIC length in bytes (4, 8 or 16)")->check(CLI::IsMember({4, 8, 16}));
  cmd->callback([json, mic] { run(*json, *mic); });
});

}  // namespace
