// The four backends behind one interface, the frame parser's size rules, and the EEPROM
// personalisation image.
#include <gtest/gtest.h>

#include "hsm/memory_key_store.hpp"
#include "signing/debug_backend.hpp"
#include "signing/eeprom_layout.hpp"
#include "signing/frame_signature.hpp"
#include "signing/secure_element_backend.hpp"
#include "signing/soft_atsha204_backend.hpp"
#include "signing_harness.hpp"
#include "wire/hex.hpp"

namespace meshsec::signing {
namespace {
using testing::set_message;

std::vector<std::uint8_t> hex(const char* text) { return *wire::from_hex(text); }

TEST(FrameParser, EnforcesMySensorsSizes) {
  mys::Frame f;
  EXPECT_EQ(mys::parse_frame(hex("0101000a21020301"), f), SigningError::ok);
  EXPECT_EQ(f.payload_length(), 1U);
  EXPECT_EQ(mys::parse_frame(hex("0101000a210203"), f), SigningError::malformed);      // truncated
  EXPECT_EQ(mys::parse_frame(hex("0101000a2102030101"), f), SigningError::malformed);  // trailing byte
  EXPECT_EQ(mys::parse_frame(hex("0101000921020301"), f), SigningError::malformed);    // version 1
  EXPECT_EQ(mys::parse_frame(hex("0101000e21020301"), f), SigningError::malformed);    // signed but 8 bytes
  EXPECT_EQ(mys::parse_frame(hex("0101000a27020301"), f), SigningError::malformed);    // command 7
  EXPECT_EQ(mys::parse_frame(hex("010100"), f), SigningError::malformed);
  std::vector<std::uint8_t> too_long(33, 0);
  EXPECT_EQ(mys::parse_frame(too_long, f), SigningError::malformed);
  // A signed frame claiming 24 payload bytes has no room for a signature.
  std::vector<std::uint8_t> signed24(32, 0);
  signed24[3] = static_cast<std::uint8_t>((24 << 3) | 0x04 | 2);
  EXPECT_EQ(mys::parse_frame(signed24, f), SigningError::malformed);
}

TEST(FrameParser, SigningMessagesRoundTrip) {
  const auto presentation = mys::make_signing_presentation(0, 1, 0x03);
  EXPECT_EQ(wire::to_hex(presentation.on_air()), "00000112c30fff0103");
  std::uint8_t flags = 0;
  EXPECT_EQ(mys::read_signing_presentation(presentation, flags), SigningError::ok);
  EXPECT_EQ(flags, 0x03);
  EXPECT_EQ(wire::to_hex(mys::make_nonce_request(1, 0, 3).on_air()), "01010002031003");
  EXPECT_EQ(mys::read_nonce_request(presentation), SigningError::wrong_message);
}

TEST(Backends, NoneSignsNothing) {
  NoneBackend none;
  mys::Frame f = set_message(1, 0, {1});
  const Nonce n{};
  EXPECT_EQ(none.sign(f, n, nullptr), SigningError::backend_none);
  EXPECT_EQ(none.verify(f, n, nullptr), SigningError::backend_none);
  std::array<std::uint8_t, 25> out{};
  EXPECT_EQ(none.make_nonce(out), SigningError::backend_none);
}

TEST(Backends, DebugNeedsOptInAndIsNeverAcceptedAsReal) {
  DebugBackend refused(false);
  mys::Frame f = set_message(1, 0, {1});
  const Nonce n{};
  EXPECT_EQ(refused.sign(f, n, nullptr), SigningError::insecure_refused);
  DebugBackend debug(true);
  ASSERT_EQ(debug.sign(f, n, nullptr), SigningError::ok);
  EXPECT_EQ(signature_identifier(f), debug_identifier);
  EXPECT_EQ(debug.verify(f, n, nullptr), SigningError::ok);
  SoftAtsha204Backend soft;
  ASSERT_EQ(soft.init(testing::test_psk()), SigningError::ok);
  EXPECT_EQ(soft.verify(f, n, nullptr), SigningError::bad_identifier);
  mys::Frame real = set_message(1, 0, {1});
  ASSERT_EQ(soft.sign(real, n, nullptr), SigningError::ok);
  EXPECT_EQ(debug.verify(real, n, nullptr), SigningError::bad_identifier);
}

TEST(Backends, SecureElementMatchesSoftAndKeepsTheKey) {
  hsm::MemoryKeyStore store(hsm::MemoryKeyStore::Options{.allow_import = true});
  const auto psk = testing::test_psk();
  auto handle = store.import_secret(psk_key_template("mysensors-psk"), psk);
  ASSERT_TRUE(handle.ok());
  SecureElementBackend se(store, handle.value());
  SoftAtsha204Backend soft;
  ASSERT_EQ(soft.init(psk), SigningError::ok);
  Nonce n{};
  n.fill(0x11);
  mys::Frame a = set_message(1, 0, {1, 2, 3});
  mys::Frame b = a;
  ASSERT_EQ(se.sign(a, n, nullptr), SigningError::ok);
  ASSERT_EQ(soft.sign(b, n, nullptr), SigningError::ok);
  EXPECT_EQ(a.bytes, b.bytes);
  EXPECT_EQ(se.verify(b, n, nullptr), SigningError::ok);
  EXPECT_FALSE(store.export_secret(handle.value()).ok());
}

TEST(Eeprom, PersonalisationImageAndChecksum) {
  std::vector<std::uint8_t> image(1024, 0);
  const auto key = testing::test_psk();
  const std::array<std::uint8_t, 16> aes{};
  const Serial serial{1, 2, 3, 4, 5, 6, 7, 8, 9};
  ASSERT_EQ(eeprom::write_personalisation(image, key, aes, serial), SigningError::ok);
  EXPECT_EQ(image[eeprom::checksum_address], 0x73);  // documented example (vector v01)
  EXPECT_EQ(image[eeprom::hmac_key_address], 0x00);
  EXPECT_EQ(image[eeprom::hmac_key_address + 31], 0x1f);
  EXPECT_EQ(image[eeprom::soft_serial_address + 8], 0x09);
  EXPECT_EQ(image[0], 0xFF);
  EXPECT_EQ(image[eeprom::node_lock_address], 0xFF);
  EXPECT_TRUE(eeprom::personalisation_valid(image));
  image[eeprom::hmac_key_address + 5] ^= 1;
  EXPECT_FALSE(eeprom::personalisation_valid(image));
  std::vector<std::uint8_t> small(412, 0);
  EXPECT_EQ(eeprom::write_personalisation(small, key, aes, serial), SigningError::malformed);
}

}  // namespace
}  // namespace meshsec::signing
