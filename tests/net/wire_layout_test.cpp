// Byte layout of the network frame (docs/wire-format.md §2-§5), checked field by field
// and against an independent construction of nonce and AAD straight from the document.
#include <gtest/gtest.h>

#include <array>
#include <string_view>

#include "crypto/aead.hpp"
#include "net/frame_crypto.hpp"
#include "net_fixture.hpp"
#include "wire/crc16.hpp"
#include "wire/key_delivery.hpp"
#include "wire/net_frame.hpp"
#include "wire/net_token.hpp"

using namespace meshsec;
using namespace meshsec::net::testing;

TEST(Crc16, CatalogueCheckValueOf802154Fcs) {
  // CRC-16/KERMIT check value over "123456789" (the CRC catalogue's "check" field).
  constexpr std::string_view text = "123456789";
  std::array<std::uint8_t, 9> bytes{};
  for (std::size_t i = 0; i < bytes.size(); ++i) bytes[i] = static_cast<std::uint8_t>(text[i]);
  EXPECT_EQ(wire::crc16_kermit(bytes), 0x2189);
}

TEST(Crc16, EverySingleBitErrorIsDetected) {
  std::array<std::uint8_t, 34> frame{};
  for (std::size_t i = 0; i < 32; ++i) frame[i] = static_cast<std::uint8_t>(i * 37 + 1);
  ASSERT_TRUE(wire::append_crc16(frame, 32));
  ASSERT_TRUE(wire::check_crc16(frame));
  for (std::size_t bit = 0; bit < frame.size() * 8; ++bit) {
    auto bad = frame;
    bad[bit / 8] ^= static_cast<std::uint8_t>(1U << (bit % 8));
    EXPECT_FALSE(wire::check_crc16(bad)) << bit;
  }
  EXPECT_FALSE(wire::check_crc16(std::span<const std::uint8_t>(frame).first(1)));
}

TEST(NetFrameLayout, HeaderRoundTripsBitForBit) {
  wire::NetHeader h;
  h.type = wire::NetFrameType::data;
  h.mic_code = 2;
  h.key_index = 3;
  h.channel = 0x0b;
  h.domain = 0x0a5c;
  h.src = 0x1234;
  h.dst = 0xc001;
  h.time = 0x0001beef;
  h.seq = 0x7e;
  h.ttl = 9;
  std::array<std::uint8_t, 11> buf{};
  wire::BoundedWriter w(buf);
  ASSERT_EQ(wire::write_net_header(w, h), wire::WireError::ok);
  EXPECT_EQ(w.size(), wire::NetLayout::header_size);
  // ctl = 00 | 00 | 10 | 11
  const std::array<std::uint8_t, 11> expected{0x0b, 0xba, 0x5c, 0x12, 0x34, 0xc0, 0x01, 0xbe, 0xef, 0x7e, 0x09};
  EXPECT_EQ(buf, expected);
  wire::BoundedReader r(buf);
  wire::NetHeader back;
  ASSERT_EQ(wire::read_net_header(r, back), wire::WireError::ok);
  EXPECT_EQ(back.time, 0xbeefU);  // only the low 16 bits travel in a data frame
  EXPECT_EQ(back.domain, h.domain);
  EXPECT_EQ(back.channel, h.channel);
  EXPECT_EQ(back.key_index, 3);
  EXPECT_EQ(back.mic_code, 2);
  EXPECT_EQ(back.ttl, 9);
}

TEST(NetFrameLayout, RejectsFieldsWiderThanTheirBits) {
  std::array<std::uint8_t, 16> buf{};
  wire::NetHeader h;
  h.domain = 0x1000;
  wire::BoundedWriter w(buf);
  EXPECT_EQ(wire::write_net_header(w, h), wire::WireError::bad_value);
  h.domain = 1;
  h.key_index = 4;
  wire::BoundedWriter w2(buf);
  EXPECT_EQ(wire::write_net_header(w2, h), wire::WireError::bad_value);
}

TEST(NetFrameLayout, SizesAndSecurityBytesAgainstBluetoothMesh) {
  for (std::size_t mic : {4u, 8u, 16u}) {
    const std::size_t frame = wire::NetLayout::header_size + mic;
    // Room for tokens in a 32-byte radio payload (the CRC is the radio's trailer).
    EXPECT_GE(wire::NetLayout::small_radio_payload - frame, mic == 16 ? 5u : 13u);
    // Security bytes: nonce material on air (time 2 + seq 1 + ctl byte carrying the key
    // index 1) + MIC, against Bluetooth Mesh's SEQ 3 + IVI/NID 1 + NetMIC.
    const std::size_t ours = 2 + 1 + 1 + mic;
    const std::size_t bluetooth_mesh = 3 + 1 + mic;
    EXPECT_LE(ours, bluetooth_mesh);
  }
  EXPECT_EQ(wire::NetLayout::max_frame_size + 9 + 2, 127u);
  EXPECT_EQ(wire::mic_length_of(3), 0u);
  EXPECT_EQ(wire::mic_code_for(6), 3);
}

TEST(NetFrameLayout, SealMatchesAnIndependentConstructionFromTheDocument) {
  // Build the frame with the network layer's sealer, then rebuild nonce and AAD by hand
  // exactly as wire-format.md §4 states and open with a bare AEAD.
  crypto::AesAead aead;
  ASSERT_EQ(aead.init(crypto::AeadMode::ccm, kNetKey, 8), crypto::Status::ok);
  wire::NetHeader h;
  h.mic_code = 1;
  h.key_index = 1;
  h.channel = 3;
  h.domain = 0x2a5;
  h.src = 0x0102;
  h.dst = 0xffff;
  h.seq = 5;
  h.ttl = 7;
  const std::uint32_t full_time = 0x00031234;
  h.time = full_time;
  std::array<std::uint8_t, 64> out{};
  std::size_t n = 0;
  ASSERT_EQ(net::seal_frame(aead, h, full_time, kSensorToken, out, n), net::BuildError::ok);
  ASSERT_EQ(n, 11 + kSensorToken.size() + 8 + 2);
  const std::array<std::uint8_t, 13> nonce{0x01, 0x32, 0xa5, 0x01, 0x02, 0x00, 0x03, 0x12, 0x34, 0x05, 0, 0, 0};
  const std::array<std::uint8_t, 10> aad{0x05, 0x32, 0xa5, 0x01, 0x02, 0xff, 0xff, 0x12, 0x34, 0x05};
  EXPECT_TRUE(std::equal(aad.begin(), aad.end(), out.begin()));
  EXPECT_EQ(out[10], 7);
  crypto::AesAead bare;
  ASSERT_EQ(bare.init(crypto::AeadMode::ccm, kNetKey, 8), crypto::Status::ok);
  std::array<std::uint8_t, 6> plain{};
  ASSERT_EQ(bare.open(nonce, aad, std::span(out).subspan(11, 6), std::span(out).subspan(17, 8), plain),
            crypto::Status::ok);
  EXPECT_EQ(plain, kSensorToken);
  EXPECT_TRUE(wire::check_crc16(std::span(out).first(n)));
}

TEST(NetTokens, WalkerChecksEveryLength) {
  const std::array<std::uint8_t, 7> two{0x01, 0x01, 0xaa, 0x02, 0x02, 0xbb, 0xcc};
  EXPECT_EQ(wire::validate_tokens(two), wire::WireError::ok);
  const std::array<std::uint8_t, 3> overlong{0x01, 0x05, 0xaa};
  EXPECT_NE(wire::validate_tokens(overlong), wire::WireError::ok);
  const std::array<std::uint8_t, 1> header_only{0x01};
  EXPECT_NE(wire::validate_tokens(header_only), wire::WireError::ok);
  EXPECT_EQ(wire::validate_tokens({}), wire::WireError::ok);
}

TEST(KeyDeliveryLayout, ExactSizesAndFlagsOnly) {
  std::array<std::uint8_t, 56> blob{};
  blob[6] = wire::KeyDeliveryLayout::flag_staged;
  wire::KeyDeliveryView v;
  EXPECT_EQ(wire::read_key_delivery(std::span(blob).first(39), v), wire::WireError::ok);
  EXPECT_EQ(v.wrapped_key.size(), 16u);
  EXPECT_EQ(wire::read_key_delivery(std::span(blob).first(55), v), wire::WireError::ok);
  EXPECT_EQ(v.wrapped_key.size(), 32u);
  EXPECT_NE(wire::read_key_delivery(std::span(blob).first(40), v), wire::WireError::ok);
  EXPECT_NE(wire::read_key_delivery(blob, v), wire::WireError::ok);
  blob[6] = 7;
  EXPECT_NE(wire::read_key_delivery(std::span(blob).first(39), v), wire::WireError::ok);
}
