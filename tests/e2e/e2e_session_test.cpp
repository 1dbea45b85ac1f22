// E2 / E3 sessions: round trips, what a relay can and cannot do, freshness across
// sessions and reboots, reordering, and L6 signatures.
#include <gtest/gtest.h>

#include <algorithm>
#include <array>
#include <vector>

#include "e2e/e2e_receiver.hpp"
#include "e2e/e2e_sender.hpp"
#include "e2e/memory_sequence_store.hpp"
#include "e2e_test_keys.hpp"

namespace meshsec::e2e {
namespace {

using Bytes = std::vector<std::uint8_t>;
constexpr std::uint32_t kNode = 0x00001234;

struct Link {
  std::array<std::uint8_t, 32> key = test::random_key();
  MemorySequenceStore store;
  E2eSender sender;
  E2eReceiver receiver;
  explicit Link(E2eLevel level = E2eLevel::e2, E2eReceiverPolicy policy = {}) {
    const E2eSessionParams params{level, E2eDirection::uplink, kNode};
    EXPECT_EQ(sender.start(params, key, 7, store), E2eError::ok);
    EXPECT_EQ(receiver.start(params, key, 7, policy), E2eError::ok);
  }
  Bytes seal(const Bytes& payload) {
    Bytes out(E2eLayout::max_message);
    std::size_t n = 0;
    EXPECT_EQ(sender.seal(payload, out, n), E2eError::ok);
    out.resize(n);
    return out;
  }
  E2eError open(const Bytes& message, Bytes* payload = nullptr, E2eOpened* info = nullptr) {
    Bytes out(E2eLayout::max_payload);
    std::size_t n = 0;
    const E2eError e = receiver.open(message, out, n, info);
    if (payload != nullptr) *payload = Bytes(out.begin(), out.begin() + static_cast<long>(n));
    return e;
  }
  // A reboot: a new session (fresh seed) resuming from the persisted counter.
  void reboot() {
    E2eSender fresh;
    EXPECT_EQ(fresh.start({sender.params()}, key, sender.key_version(), store), E2eError::ok);
    sender = std::move(fresh);
  }
};

const Bytes kReading = {'t', '=', '2', '1', '.', '5', 'C'};

TEST(E2eSession, RoundTripBothLevels) {
  for (E2eLevel level : {E2eLevel::e2, E2eLevel::e3}) {
    Link link(level);
    const Bytes m = link.seal(kReading);
    EXPECT_EQ(m.size(), kReading.size() + E2eLayout::overhead);
    Bytes out;
    E2eOpened info;
    ASSERT_EQ(link.open(m, &out, &info), E2eError::ok);
    EXPECT_EQ(out, kReading);
    EXPECT_EQ(info.key_version, 7u);
    EXPECT_TRUE(info.new_session);
  }
}

TEST(E2eSession, RelayCannotReadTheReading) {
  Link link;
  const Bytes m = link.seal(kReading);
  // The payload does not appear in the message; only header fields are in clear.
  EXPECT_EQ(std::search(m.begin(), m.end(), kReading.begin(), kReading.end()), m.end());
  // Another node's key (a relay is a node of the mesh) does not open it.
  E2eReceiver relay;
  const auto relay_key = test::random_key();
  ASSERT_EQ(relay.start({E2eLevel::e2, E2eDirection::uplink, kNode}, relay_key, 7), E2eError::ok);
  Bytes out(64);
  std::size_t n = 0;
  EXPECT_EQ(relay.open(m, out, n), E2eError::auth_failed);
  EXPECT_TRUE(std::all_of(out.begin(), out.end(), [](std::uint8_t b) { return b == 0; }));
}

TEST(E2eSession, RelayCannotAlterAnyByte) {
  Link link;
  const Bytes m = link.seal(kReading);
  for (std::size_t i = 0; i < m.size(); ++i) {
    Bytes altered = m;
    altered[i] ^= 0x01;
    EXPECT_NE(link.open(altered), E2eError::ok) << "byte " << i;
  }
  Bytes longer = m;
  longer.push_back(0);
  EXPECT_NE(link.open(longer), E2eError::ok);
  EXPECT_EQ(link.open(Bytes(m.begin(), m.begin() + 12)), E2eError::malformed);
  // Refusals changed nothing: the genuine message still opens.
  EXPECT_EQ(link.open(m), E2eError::ok);
}

TEST(E2eSession, MessageOfOneNodeIsRefusedForAnother) {
  // Same key bytes (e.g. a shared development key, W9) but another node id: the AAD and
  // nonce bind the node id.
  Link link;
  const Bytes m = link.seal(kReading);
  E2eReceiver other;
  ASSERT_EQ(other.start({E2eLevel::e2, E2eDirection::uplink, kNode + 1}, link.key, 7), E2eError::ok);
  Bytes out(64);
  std::size_t n = 0;
  EXPECT_EQ(other.open(m, out, n), E2eError::auth_failed);
}

TEST(E2eSession, LevelAndDirectionAreBound) {
  Link e2(E2eLevel::e2);
  E2eReceiver as_e3, as_downlink;
  ASSERT_EQ(as_e3.start({E2eLevel::e3, E2eDirection::uplink, kNode}, e2.key, 7), E2eError::ok);
  ASSERT_EQ(as_downlink.start({E2eLevel::e2, E2eDirection::downlink, kNode}, e2.key, 7), E2eError::ok);
  const Bytes m = e2.seal(kReading);
  Bytes out(64);
  std::size_t n = 0;
  EXPECT_EQ(as_e3.open(m, out, n), E2eError::wrong_level);
  EXPECT_EQ(as_downlink.open(m, out, n), E2eError::wrong_direction);
  // Flipping the bits in the header to match is caught by the tag.
  Bytes flipped = m;
  flipped[0] ^= E2eLayout::level_bit;
  EXPECT_EQ(as_e3.open(flipped, out, n), E2eError::auth_failed);
}

TEST(E2eSession, ReplayIsRejected) {
  Link link;
  const Bytes m = link.seal(kReading);
  ASSERT_EQ(link.open(m), E2eError::ok);
  EXPECT_EQ(link.open(m), E2eError::replayed);
}

TEST(E2eSession, ReplayAcrossSessionsIsRejected) {
  Link link;
  const Bytes old1 = link.seal(kReading);
  const Bytes old2 = link.seal(kReading);  // never delivered in its session
  ASSERT_EQ(link.open(old1), E2eError::ok);
  const std::uint32_t old_seed = link.sender.seed();
  link.reboot();
  EXPECT_NE(link.sender.seed(), old_seed);  // 2^-32 chance of a false failure
  const Bytes fresh = link.seal(kReading);
  E2eOpened info;
  ASSERT_EQ(link.open(fresh, nullptr, &info), E2eError::ok);
  EXPECT_TRUE(info.new_session);
  EXPECT_GE(info.sequence, SequenceCounter::default_block);  // jumped on boot
  EXPECT_EQ(link.open(old1), E2eError::replayed);
  EXPECT_NE(link.open(old2), E2eError::ok);
}

TEST(E2eSession, OldSessionInsideTheWindowIsStale) {
  Link link;
  MemorySequenceStore small;
  E2eSender s1;
  ASSERT_EQ(s1.start({E2eLevel::e2, E2eDirection::uplink, kNode}, link.key, 7, small, 4), E2eError::ok);
  Bytes a(64), b(64), c(64);
  std::size_t na = 0, nb = 0, nc = 0;
  ASSERT_EQ(s1.seal(kReading, a, na), E2eError::ok);  // seq 0, session 1
  ASSERT_EQ(s1.seal(kReading, b, nb), E2eError::ok);  // seq 1, session 1 (held back)
  E2eSender s2;  // reboot with a block of 4: next seq 4, inside the 64-window
  ASSERT_EQ(s2.start({E2eLevel::e2, E2eDirection::uplink, kNode}, link.key, 7, small, 4), E2eError::ok);
  ASSERT_EQ(s2.seal(kReading, c, nc), E2eError::ok);
  Bytes out(64);
  std::size_t n = 0;
  ASSERT_EQ(link.receiver.open(std::span(a).first(na), out, n), E2eError::ok);
  ASSERT_EQ(link.receiver.open(std::span(c).first(nc), out, n), E2eError::ok);
  EXPECT_EQ(link.receiver.open(std::span(b).first(nb), out, n), E2eError::stale_session);
}

TEST(E2eSession, ReorderingInsideTheWindowIsAcceptedOnce) {
  Link link;
  std::vector<Bytes> msgs;
  for (int i = 0; i < 5; ++i) msgs.push_back(link.seal(kReading));
  for (int i : {0, 3, 1, 4, 2}) EXPECT_EQ(link.open(msgs[static_cast<std::size_t>(i)]), E2eError::ok) << i;
  for (const auto& m : msgs) EXPECT_EQ(link.open(m), E2eError::replayed);
}

TEST(E2eSession, ReorderingIsRefusedInStrictMode) {
  Link link(E2eLevel::e2, E2eReceiverPolicy{true, false});
  const Bytes first = link.seal(kReading);
  const Bytes second = link.seal(kReading);
  ASSERT_EQ(link.open(second), E2eError::ok);
  EXPECT_EQ(link.open(first), E2eError::replayed);
}

TEST(E2eSession, TooOldForTheWindowIsRefused) {
  Link link;
  const Bytes old = link.seal(kReading);
  for (int i = 0; i < 70; ++i) ASSERT_EQ(link.open(link.seal(kReading)), E2eError::ok);
  EXPECT_EQ(link.open(old), E2eError::replayed);
}

TEST(E2eSession, SignedMessagesVerifyAgainstTheRegisteredKey) {
  test::SigningKey node_key;
  Link link(E2eLevel::e3, E2eReceiverPolicy{false, true});
  link.sender.enable_signing(node_key.seed);
  link.receiver.set_signature_key(node_key.pub);
  const Bytes m = link.seal(kReading);
  EXPECT_EQ(m.size(), kReading.size() + E2eLayout::signed_overhead);
  Bytes out;
  E2eOpened info;
  ASSERT_EQ(link.open(m, &out, &info), E2eError::ok);
  EXPECT_EQ(out, kReading);
  EXPECT_TRUE(info.is_signed);
}

TEST(E2eSession, SignatureByAnotherNodeIsRefused) {
  test::SigningKey registered, thief;
  Link link(E2eLevel::e3, E2eReceiverPolicy{false, true});
  link.sender.enable_signing(thief.seed);  // holds the AES key but not the node's signing key
  link.receiver.set_signature_key(registered.pub);
  const Bytes m = link.seal(kReading);
  EXPECT_EQ(link.open(m), E2eError::bad_signature);
  // Nothing moved: once signed properly, the same sequence number is still fresh.
}

TEST(E2eSession, UnsignedMessageRefusedWhenSignaturesAreRequired) {
  test::SigningKey node_key;
  Link link(E2eLevel::e3, E2eReceiverPolicy{false, true});
  link.receiver.set_signature_key(node_key.pub);
  EXPECT_EQ(link.open(link.seal(kReading)), E2eError::signature_required);
}

TEST(E2eSession, SenderRefusesOversizePayloadAndSmallBuffer) {
  Link link;
  Bytes big(E2eLayout::max_payload + 1), out(400);
  std::size_t n = 0;
  EXPECT_EQ(link.sender.seal(big, out, n), E2eError::no_room);
  Bytes tiny(10);
  EXPECT_EQ(link.sender.seal(kReading, tiny, n), E2eError::no_room);
  E2eSender unstarted;
  EXPECT_EQ(unstarted.seal(kReading, out, n), E2eError::not_ready);
}

}  // namespace
}  // namespace meshsec::e2e
