// The wave's erasure code: any k of n fragments rebuild the item, byte for byte; fewer
// than k never "succeed".
#include "mesh/wave_coder.hpp"

#include <gtest/gtest.h>

#include <array>
#include <bit>
#include <algorithm>
#include <random>
#include <vector>

namespace meshsec::mesh {
namespace {

std::vector<std::uint8_t> random_item(std::size_t k, std::size_t n, std::mt19937& rng) {
  std::vector<std::uint8_t> buffer(n * wave_fragment_size, 0);
  for (std::size_t i = 0; i < k * wave_fragment_size; ++i) buffer[i] = static_cast<std::uint8_t>(rng());
  return buffer;
}

TEST(WaveCoder, DataFragmentsForSizes) {
  EXPECT_EQ(wave_data_fragments(1), 1U);
  EXPECT_EQ(wave_data_fragments(82), 1U);
  EXPECT_EQ(wave_data_fragments(83), 2U);
  EXPECT_EQ(wave_data_fragments(188), 3U);   // the signed blob header
  EXPECT_EQ(wave_data_fragments(1213), 15U); // a 1 KiB chunk packet with a 5-level path
  EXPECT_EQ(wave_data_fragments(31 * 82), 31U);
  EXPECT_EQ(wave_data_fragments(32 * 82), 0U);
}

TEST(WaveCoder, RejectsBadGeometry) {
  std::vector<std::uint8_t> buffer(32 * wave_fragment_size);
  EXPECT_FALSE(wave_encode(0, 4, buffer));
  EXPECT_FALSE(wave_encode(4, 4, buffer));
  EXPECT_FALSE(wave_encode(4, 33, buffer));
  EXPECT_FALSE(wave_encode(4, 8, std::span<std::uint8_t>(buffer).first(7 * wave_fragment_size)));
  EXPECT_FALSE(wave_recover(4, 8, 0xFF, std::span<std::uint8_t>(buffer).first(7 * wave_fragment_size)));
}

TEST(WaveCoder, EveryErasurePatternUpToParityIsRecovered) {
  // k = 6, n = 9: all 2^9 patterns; exactly those with >= 6 fragments present recover.
  std::mt19937 rng(7);
  const std::size_t k = 6, n = 9;
  const auto original = random_item(k, n, rng);
  auto encoded = original;
  ASSERT_TRUE(wave_encode(k, n, encoded));
  for (std::size_t i = 0; i < k * wave_fragment_size; ++i) ASSERT_EQ(encoded[i], original[i]) << "systematic";
  for (std::uint32_t have = 0; have < (1U << n); ++have) {
    auto received = encoded;
    for (std::size_t f = 0; f < n; ++f) {
      if ((have >> f & 1U) != 0) continue;
      for (std::size_t b = 0; b < wave_fragment_size; ++b) received[f * wave_fragment_size + b] = 0xA5;
    }
    const bool enough = static_cast<std::size_t>(std::popcount(have)) >= k;
    ASSERT_EQ(wave_recover(k, n, have, received), enough) << have;
    if (!enough) continue;
    for (std::size_t i = 0; i < k * wave_fragment_size; ++i) ASSERT_EQ(received[i], original[i]) << have;
  }
}

TEST(WaveCoder, OneParityFragmentMatchesTheFullEncoding) {
  // Repair sends parity fragments one at a time: each must equal wave_encode()'s, for any n.
  std::mt19937 rng(5);
  for (const std::size_t k : {std::size_t{1}, std::size_t{3}, std::size_t{15}, std::size_t{19}}) {
    const std::size_t n = std::min<std::size_t>(k + 8, wave_max_fragments);
    const auto original = random_item(k, n, rng);
    auto encoded = original;
    ASSERT_TRUE(wave_encode(k, n, encoded));
    for (std::size_t number = k; number < n; ++number) {
      std::array<std::uint8_t, wave_fragment_size> one{};
      ASSERT_TRUE(wave_parity_fragment(k, number, std::span<const std::uint8_t>(original).first(k * wave_fragment_size), one));
      EXPECT_TRUE(std::equal(one.begin(), one.end(), encoded.begin() + static_cast<std::ptrdiff_t>(number * wave_fragment_size)))
          << k << " " << number;
    }
    std::array<std::uint8_t, wave_fragment_size> one{};
    EXPECT_FALSE(wave_parity_fragment(k, k - 1, original, one));  // a data fragment, not parity
    EXPECT_FALSE(wave_parity_fragment(k, wave_max_fragments, original, one));
    EXPECT_FALSE(wave_parity_fragment(k, k, std::span<const std::uint8_t>(original).first(k * wave_fragment_size - 1), one));
  }
}

TEST(WaveCoder, ChunkGeometryRandomLosses) {
  // The default wave: 15 data + 3 parity, and the header's 3 data + 15 parity.
  std::mt19937 rng(11);
  for (const auto& [k, n] : {std::pair<std::size_t, std::size_t>{15, 18}, {3, 18}, {31, 32}, {1, 2}}) {
    const auto original = random_item(k, n, rng);
    auto encoded = original;
    ASSERT_TRUE(wave_encode(k, n, encoded));
    for (int trial = 0; trial < 200; ++trial) {
      std::vector<std::size_t> order(n);
      for (std::size_t i = 0; i < n; ++i) order[i] = i;
      std::shuffle(order.begin(), order.end(), rng);
      std::uint32_t have = 0;
      for (std::size_t i = 0; i < k; ++i) have |= 1U << order[i];
      auto received = encoded;
      for (std::size_t f = 0; f < n; ++f)
        if ((have >> f & 1U) == 0) std::fill_n(received.begin() + static_cast<std::ptrdiff_t>(f * wave_fragment_size), wave_fragment_size, 0);
      ASSERT_TRUE(wave_recover(k, n, have, received));
      ASSERT_TRUE(std::equal(original.begin(), original.begin() + static_cast<std::ptrdiff_t>(k * wave_fragment_size), received.begin()));
    }
  }
}

TEST(WaveCoder, ACorruptFragmentCorruptsTheRebuiltItem) {
  // The code corrects erasures, not errors: a forged fragment yields a wrong item, which is
  // why every rebuilt item is verified (signature / Merkle path) before it is kept.
  std::mt19937 rng(3);
  const std::size_t k = 15, n = 18;
  const auto original = random_item(k, n, rng);
  auto encoded = original;
  ASSERT_TRUE(wave_encode(k, n, encoded));
  encoded[15 * wave_fragment_size + 5] ^= 0x40;  // a parity fragment the attacker forged
  const std::uint32_t have = ((1U << n) - 1U) & ~1U;  // data fragment 0 lost
  ASSERT_TRUE(wave_recover(k, n, have, encoded));
  EXPECT_FALSE(std::equal(original.begin(), original.begin() + static_cast<std::ptrdiff_t>(wave_fragment_size), encoded.begin()));
}

TEST(WaveCoder, ParityForALinkMeetsItsTarget) {
  // 15 data fragments on a link losing 10 %: 8 parity lose an item with chance 2.2e-4,
  // 9 with 5.2e-5 (binomial tail); a lossless link needs one; an impossible target, all.
  EXPECT_EQ(wave_parity_for(15, 0.10, 16, 1e-4), 9U);
  EXPECT_EQ(wave_parity_for(15, 0.10, 16, 3e-4), 8U);
  EXPECT_EQ(wave_parity_for(15, 0.0, 16, 1e-9), 1U);
  EXPECT_EQ(wave_parity_for(15, 0.5, 16, 1e-9), 16U);
}

TEST(WaveCoder, ParityRoomIsOneAboveTheMedianNeed) {
  EXPECT_EQ(wave_parity_room({6, 8, 9, 10, 12}, 16), 10U);
  EXPECT_EQ(wave_parity_room({12, 6, 8, 10}, 16), 11U);  // upper median of an even count
  EXPECT_EQ(wave_parity_room({16, 16, 16}, 16), 16U);     // never above the largest room
  EXPECT_EQ(wave_parity_room({0}, 16), 1U);
  EXPECT_EQ(wave_parity_room({}, 16), 1U);
}

}  // namespace
}  // namespace meshsec::mesh
