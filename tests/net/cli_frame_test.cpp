// `meshsec frame seal|open`, run as the real program: hex in, hex/JSON out, drop reasons.
#include <gtest/gtest.h>

#include <sys/wait.h>

#include <array>
#include <cstdio>
#include <string>

#include "crypto/aead.hpp"
#include "net/frame_crypto.hpp"
#include "support/test_paths.hpp"
#include "wire/hex.hpp"

namespace {

struct CliRun {
  int code = -1;
  std::string out;
};

CliRun run(const std::string& args) {
  CliRun r;
  const std::string cmd = meshsec::testing::cli_path() + " " + args + " 2>/dev/null";
  FILE* pipe = popen(cmd.c_str(), "r");
  if (pipe == nullptr) return r;
  std::array<char, 512> buf{};
  while (fgets(buf.data(), static_cast<int>(buf.size()), pipe) != nullptr) r.out += buf.data();
  const int status = pclose(pipe);
  r.code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return r;
}

const std::string kKey = "000102030405060708090a0b0c0d0e0f";
const std::string kNet = " --channel 3 --domain 677";

std::string trim(std::string s) {
  while (!s.empty() && (s.back() == '\n' || s.back() == ' ')) s.pop_back();
  return s;
}

}  // namespace

TEST(CliFrame, SealThenOpenRoundTrips) {
  const CliRun sealed = run("frame seal --key " + kKey + kNet +
                         " --src 258 --dst 65535 --time 201268 --seq 5 --ttl 7 --payload 2104deadbeef");
  ASSERT_EQ(sealed.code, 0);
  const std::string frame = trim(sealed.out);
  EXPECT_EQ(frame.size(), 2u * (11 + 6 + 8 + 2));
  const CliRun opened = run("frame open --json --key " + kKey + kNet + " --time 201270 --frame " + frame);
  EXPECT_EQ(opened.code, 0) << opened.out;
  EXPECT_NE(opened.out.find("\"accepted\": true"), std::string::npos) << opened.out;
  EXPECT_NE(opened.out.find("\"value\": \"deadbeef\""), std::string::npos);
  EXPECT_NE(opened.out.find("\"global_time\": 201268"), std::string::npos);
}

TEST(CliFrame, SealMatchesTheLibraryByteForByte) {
  const CliRun sealed = run("frame seal --key " + kKey + kNet +
                         " --src 9 --dst 4 --time 70000 --seq 3 --ttl 2 --key-index 2 --mic 16 --payload 2101aa");
  ASSERT_EQ(sealed.code, 0);
  auto key = meshsec::wire::from_hex(kKey);
  meshsec::crypto::AesAead aead;
  ASSERT_EQ(aead.init(meshsec::crypto::AeadMode::ccm, *key, 16), meshsec::crypto::Status::ok);
  meshsec::wire::NetHeader h;
  h.mic_code = 2;
  h.key_index = 2;
  h.channel = 3;
  h.domain = 677;
  h.src = 9;
  h.dst = 4;
  h.time = 70000;
  h.seq = 3;
  h.ttl = 2;
  const std::array<std::uint8_t, 3> body{0x21, 0x01, 0xaa};
  std::array<std::uint8_t, 64> out{};
  std::size_t n = 0;
  ASSERT_EQ(meshsec::net::seal_frame(aead, h, 70000, body, out, n), meshsec::net::BuildError::ok);
  EXPECT_EQ(trim(sealed.out), meshsec::wire::to_hex(std::span(out).first(n)));
}

TEST(CliFrame, OpenReportsDropReasonsAndExitsNonZero) {
  const std::string frame = trim(
      run("frame seal --key " + kKey + kNet + " --src 258 --time 5000 --payload 2104deadbeef").out);
  const CliRun wrong_key =
      run("frame open --json --key 0f0e0d0c0b0a09080706050403020100" + kNet + " --time 5000 --frame " + frame);
  EXPECT_EQ(wrong_key.code, 2);
  EXPECT_NE(wrong_key.out.find("\"reason\": \"mac_failure\""), std::string::npos) << wrong_key.out;
  EXPECT_NE(wrong_key.out.find("\"src\": 258"), std::string::npos);  // header still decoded
  const CliRun foreign = run("frame open --json --key " + kKey + " --channel 3 --domain 678 --time 5000 --frame " + frame);
  EXPECT_NE(foreign.out.find("foreign_domain"), std::string::npos);
  const CliRun old = run("frame open --key " + kKey + kNet + " --time 5100 --frame " + frame);
  EXPECT_EQ(old.code, 2);
  EXPECT_EQ(trim(old.out), "dropped: time_too_old");
  std::string flipped = frame;
  flipped[30] = flipped[30] == '0' ? '1' : '0';
  EXPECT_NE(run("frame open --key " + kKey + kNet + " --time 5000 --frame " + flipped).out.find("bad_crc"),
            std::string::npos);
}

TEST(CliFrame, ShortMicNeedsAnExplicitOptIn) {
  EXPECT_NE(run("frame seal --key " + kKey + " --mic 4 --payload 00").code, 0);
  EXPECT_EQ(run("frame seal --key " + kKey + " --mic 4 --allow-short-mic --payload 2100").code, 0);
}
