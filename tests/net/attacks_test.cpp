// L7 / M3: every attack on the frame named by the network layer's issue, each rejected.
#include <gtest/gtest.h>

#include <set>
#include <utility>

#include "net_fixture.hpp"
#include "wire/net_frame.hpp"

using namespace meshsec;
using namespace meshsec::net;
using namespace meshsec::net::testing;

TEST(Attacks, ReplayWithinTheWindowIsDropped) {
  auto tx = make_node(1);
  auto rx = make_node(2);
  const Frame f = send_frame(**tx, 2, kSensorToken);
  ASSERT_TRUE(deliver(**rx, f).accepted());
  for (int i = 0; i < 3; ++i) EXPECT_EQ(deliver(**rx, f).reason, DropReason::replay);
  (*rx)->tick(10'000);  // 10 slots later, still inside the window
  EXPECT_EQ(deliver(**rx, f).reason, DropReason::replay);
  EXPECT_EQ((*rx)->counters().of(DropReason::replay), 4u);
}

TEST(Attacks, ReplayAfterTheWindowIsDropped) {
  auto tx = make_node(1);
  auto rx = make_node(2);
  const Frame f = send_frame(**tx, 2, kSensorToken);
  ASSERT_TRUE(deliver(**rx, f).accepted());
  (*rx)->tick(18'000);  // the replay cache may have forgotten; the time window has not
  EXPECT_EQ(deliver(**rx, f).reason, DropReason::time_too_old);
  // A node that rebooted (empty replay cache) and resynced is just as safe.
  auto fresh_rx = make_node(3, 1018);
  EXPECT_EQ(deliver(**fresh_rx, f).reason, DropReason::time_too_old);
  // One 16-bit time epoch later the same low bits come round again: the nonce uses the
  // full time, so the old MIC no longer verifies.
  auto epoch_later = make_node(4, 1000 + 65536);
  EXPECT_EQ(deliver(**epoch_later, f).reason, DropReason::mac_failure);
}

TEST(Attacks, EveryBitFlipInHeaderPayloadAndMicIsDropped) {
  auto tx = make_node(1);
  auto rx = make_node(2);
  const Frame f = send_frame(**tx, 2, kSensorToken, nullptr);
  const std::size_t ttl_offset = wire::net_ttl_offset(wire::NetFrameType::data);
  for (std::size_t bit = 0; bit < (f.size() - 2) * 8; ++bit) {
    if (bit / 8 == ttl_offset) continue;  // the TTL: see TtlTampering below
    Frame bad = f;
    bad[bit / 8] ^= static_cast<std::uint8_t>(1U << (bit % 8));
    fix_crc(bad);
    const RxResult r = deliver(**rx, bad);
    EXPECT_FALSE(r.accepted()) << "bit " << bit << " accepted";
    if (bit / 8 >= wire::NetLayout::header_size) {
      EXPECT_EQ(r.reason, DropReason::mac_failure) << bit;
    }
  }
  // None of the forgeries moved the replay cache: the genuine frame still passes once.
  EXPECT_TRUE(deliver(**rx, f).accepted());
}

TEST(Attacks, TtlTamperingIsBoundedAndForwardingDoesNotReencrypt) {
  auto tx = make_node(1);
  auto relay = make_node(2);
  auto far = make_node(3);
  const Frame f = send_frame(**tx, 0xffff, kSensorToken);
  const RxResult at_relay = deliver(**relay, f);
  ASSERT_TRUE(at_relay.may_relay);
  Frame relayed(f.size());
  std::size_t n = 0;
  ASSERT_TRUE((*relay)->forward(f, relayed, n));
  ASSERT_EQ(n, f.size());
  const std::size_t ttl = wire::net_ttl_offset(wire::NetFrameType::data);
  EXPECT_EQ(relayed[ttl], f[ttl] - 1);
  for (std::size_t i = 0; i + 2 < f.size(); ++i)
    if (i != ttl) {
      EXPECT_EQ(relayed[i], f[i]) << i;  // same ciphertext and MIC
    }
  EXPECT_TRUE(deliver(**far, relayed).accepted());
  // The copy that arrives by a second route is a duplicate.
  EXPECT_EQ(deliver(**far, f).reason, DropReason::replay);
  // An outsider raising the TTL above the network's limit is refused before cryptography;
  // within the limit the frame still floods at most once per node (replay cache).
  Frame inflated = f;
  inflated[ttl] = 200;
  fix_crc(inflated);
  auto other = make_node(4);
  EXPECT_EQ(deliver(**other, inflated).reason, DropReason::ttl_over_limit);
  inflated[ttl] = 16;
  fix_crc(inflated);
  EXPECT_TRUE(deliver(**other, inflated).accepted());
  EXPECT_EQ(deliver(**other, f).reason, DropReason::replay);
  // A frame with TTL 1 is delivered but not relayed further.
  Frame last_hop = f;
  last_hop[ttl] = 1;
  fix_crc(last_hop);
  Frame out(f.size());
  EXPECT_FALSE((*relay)->forward(last_hop, out, n));
}

TEST(Attacks, TruncationAndExtensionAreDropped) {
  auto tx = make_node(1);
  auto rx = make_node(2);
  const Frame f = send_frame(**tx, 2, kSensorToken);
  for (std::size_t cut = 1; cut + 2 < f.size(); ++cut) {
    Frame shorter(f.begin(), f.end() - static_cast<std::ptrdiff_t>(cut) - 2);
    shorter.resize(shorter.size() + 2);
    fix_crc(shorter);
    const RxResult r = deliver(**rx, shorter);
    EXPECT_FALSE(r.accepted()) << cut;
    EXPECT_TRUE(r.reason == DropReason::mac_failure || r.reason == DropReason::malformed) << to_string(r.reason);
  }
  for (std::size_t extra = 1; extra <= 8; ++extra) {
    Frame longer = f;
    longer.insert(longer.end() - 2, extra, 0x00);
    fix_crc(longer);
    EXPECT_EQ(deliver(**rx, longer).reason, DropReason::mac_failure) << extra;
  }
  // Shorter than a header, and a lone CRC.
  Frame tiny{0x15, 0x32};
  tiny.resize(4);
  fix_crc(tiny);
  EXPECT_EQ(deliver(**rx, tiny).reason, DropReason::malformed);
  EXPECT_EQ(deliver(**rx, Frame{}).reason, DropReason::bad_crc);
  EXPECT_TRUE(deliver(**rx, f).accepted());
}

TEST(Attacks, WrongKeyIndexIsDropped) {
  auto tx = make_node(1);
  auto rx = make_node(2);
  Frame f = send_frame(**tx, 2, kSensorToken);
  for (std::uint8_t index = 1; index <= 3; ++index) {
    Frame bad = f;
    bad[0] = static_cast<std::uint8_t>((bad[0] & 0xfc) | index);
    fix_crc(bad);
    EXPECT_EQ(deliver(**rx, bad).reason, DropReason::unknown_key_index);
  }
}

TEST(Attacks, FrameFromAnotherNetworkIsDropped) {
  auto rx = make_node(2);
  // Another installation that happens to use the same channel and domain numbers.
  auto stranger = make_node(1, 1000, kOtherNetKey);
  EXPECT_EQ(deliver(**rx, send_frame(**stranger, 2, kSensorToken)).reason, DropReason::mac_failure);
  // Key 128 vs 256 bits: a network on AES-256 is just as foreign.
  std::array<std::uint8_t, 32> key256{};
  key256.fill(0x5c);
  auto big = make_node(1, 1000, key256);
  auto big_rx = make_node(2, 1000, key256);
  const Frame f = send_frame(**big, 2, kSensorToken);
  EXPECT_TRUE(deliver(**big_rx, f).accepted());
  EXPECT_EQ(deliver(**rx, f).reason, DropReason::mac_failure);
}

TEST(Attacks, SenderAboutToReuseANonceIsRefused) {
  auto tx = make_node(1, 3000);
  std::set<std::pair<std::uint32_t, std::uint8_t>> nonces;
  auto record = [&](const Frame& f) {
    wire::BoundedReader in(f);
    wire::NetHeader h;
    ASSERT_EQ(wire::read_net_header(in, h), wire::WireError::ok);
    EXPECT_TRUE(nonces.insert({h.time, h.seq}).second) << "nonce reused";
  };
  // 256 frames fill slot 3000; the 257th is refused.
  SendError e = SendError::ok;
  for (int i = 0; i < 256; ++i) {
    record(send_frame(**tx, 2, kSensorToken, &e));
    ASSERT_EQ(e, SendError::ok);
  }
  EXPECT_TRUE(send_frame(**tx, 2, kSensorToken, &e).empty());
  EXPECT_EQ(e, SendError::slot_exhausted);
  // Global time pushed back (a bad time sync, a forged one, a bug): every slot already
  // used is refused, never reused.
  (*tx)->set_global_time(2990);
  EXPECT_TRUE(send_frame(**tx, 2, kSensorToken, &e).empty());
  EXPECT_EQ(e, SendError::time_behind_last_send);
  (*tx)->set_global_time(3001);
  record(send_frame(**tx, 2, kSensorToken, &e));
  EXPECT_EQ(e, SendError::ok);
  EXPECT_EQ((*tx)->counters().send_refused, 2u);
}

TEST(Attacks, NvWriteFailureRefusesToSend) {
  auto tx = make_node(1, 3000);
  tx->nv->fail_next = true;
  SendError e = SendError::ok;
  EXPECT_TRUE(send_frame(**tx, 2, kSensorToken, &e).empty());
  EXPECT_EQ(e, SendError::nv_write_failed);
  (void)send_frame(**tx, 2, kSensorToken, &e);
  EXPECT_EQ(e, SendError::ok);
}
