// SHA-256 through OpenSSL: the one-shot helper keeps one context per thread and restarts
// it for every hash, so consecutive and concurrent calls must each give the digest of
// their own input, equal to the streaming object's.
#include "crypto/mac.hpp"

#include <gtest/gtest.h>

#include <array>
#include <cstdint>
#include <string_view>
#include <thread>
#include <vector>

namespace {

using namespace meshsec::crypto;
using Digest = std::array<std::uint8_t, sha256_size>;

std::span<const std::uint8_t> bytes_of(std::string_view s) {
  return {reinterpret_cast<const std::uint8_t*>(s.data()), s.size()};
}

// FIPS 180-2, appendix B.1: SHA-256("abc").
constexpr Digest abc_digest = {0xba, 0x78, 0x16, 0xbf, 0x8f, 0x01, 0xcf, 0xea, 0x41, 0x41, 0x40,
                               0xde, 0x5d, 0xae, 0x22, 0x23, 0xb0, 0x03, 0x61, 0xa3, 0x96, 0x17,
                               0x7a, 0x9c, 0xb4, 0x10, 0xff, 0x61, 0xf2, 0x00, 0x15, 0xad};

TEST(Sha256, OneShotPartsStreamingAndRestartAgree) {
  Digest one{};
  ASSERT_EQ(sha256({bytes_of("a"), bytes_of("bc")}, one), Status::ok);
  EXPECT_EQ(one, abc_digest);
  Digest again{};
  ASSERT_EQ(sha256({bytes_of("abc")}, again), Status::ok);
  EXPECT_EQ(again, abc_digest) << "a second call starts from scratch";
  Sha256 stream;
  ASSERT_EQ(stream.update(bytes_of("something else")), Status::ok);
  ASSERT_EQ(stream.restart(), Status::ok);  // drops what was fed
  ASSERT_EQ(stream.update(bytes_of("ab")), Status::ok);
  ASSERT_EQ(stream.update(bytes_of("c")), Status::ok);
  Digest streamed{};
  ASSERT_EQ(stream.finish(streamed), Status::ok);
  EXPECT_EQ(streamed, abc_digest);
  Digest short_out{};
  EXPECT_EQ(sha256({bytes_of("abc")}, std::span<std::uint8_t>(short_out).first(31)), Status::bad_length);
  ASSERT_EQ(sha256({bytes_of("abc")}, again), Status::ok);
  EXPECT_EQ(again, abc_digest) << "a refused call leaves nothing behind";
}

TEST(Sha256, ThreadsHashIndependently) {
  std::vector<std::thread> threads;
  std::array<bool, 4> right{};
  for (std::size_t t = 0; t < right.size(); ++t)
    threads.emplace_back([t, &right] {
      bool all = true;
      for (int i = 0; i < 2000; ++i) {
        Digest d{};
        all = all && sha256({bytes_of("a"), bytes_of("b"), bytes_of("c")}, d) == Status::ok && d == abc_digest;
      }
      right[t] = all;
    });
  for (auto& th : threads) th.join();
  for (const bool r : right) EXPECT_TRUE(r);
}

}  // namespace
