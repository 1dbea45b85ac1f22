// The secure link after 9798-2: chunk transfer under K_s, replay and reordering rejected,
// and resumption of an interrupted transfer in a new session (docs/auth.md §4–§6).
#include <gtest/gtest.h>

#include "auth/secure_link.hpp"
#include "auth_fixture.hpp"

namespace meshsec::auth {
namespace {

using testing::entity;

class SecureLinkTest : public ::testing::Test {
 protected:
  void SetUp() override {
    key_ = testing::key_bytes(16, 0x70);
    image_.resize(1000);
    for (std::size_t i = 0; i < image_.size(); ++i) image_[i] = static_cast<std::uint8_t>(i * 13 + 1);
    received_.assign(image_.size(), 0);
  }
  // A fresh authenticated session; links are ready afterwards.
  void open_session() {
    NodeAuthenticator b;
    ASSERT_EQ(b.init(entity(0xB0), key_), AuthError::ok);
    UploaderAuthenticator a{entity(0xA0)};
    TransferResume resume;
    ASSERT_EQ(testing::run(b, a, key_, offer_, progress_, resume), AuthError::ok);
    resume_point_ = resume.next_chunk;
    SessionKey ka, kb;
    ASSERT_EQ(a.take_session_key(ka), AuthError::ok);
    ASSERT_EQ(b.take_session_key(kb), AuthError::ok);
    uploader_ = UploaderLink{};
    node_ = NodeLink{};
    ASSERT_EQ(uploader_.init(std::move(ka), offer_, resume.next_chunk), AuthError::ok);
    ASSERT_EQ(node_.init(std::move(kb)), AuthError::ok);
  }
  std::span<const std::uint8_t> chunk(std::uint32_t index) const {
    return std::span(image_).subspan(std::size_t{index} * offer_.chunk_size, progress_.chunk_length(index));
  }
  std::vector<std::uint8_t> seal(std::uint32_t index) {
    std::vector<std::uint8_t> out(layout::max_data_size);
    std::size_t n = 0;
    EXPECT_EQ(uploader_.seal_chunk(index, chunk(index), out, n), AuthError::ok);
    out.resize(n);
    return out;
  }
  // Node receives one message; stores a new chunk.
  AuthError deliver(const std::vector<std::uint8_t>& message, bool* is_new_out = nullptr) {
    std::array<std::uint8_t, layout::max_link_payload> buf{};
    std::size_t length = 0;
    std::uint32_t index = 0;
    bool is_new = false;
    const AuthError e = node_.open_chunk(message, progress_, buf, length, index, is_new);
    if (e == AuthError::ok && is_new) {
      std::copy(buf.begin(), buf.begin() + static_cast<std::ptrdiff_t>(length),
                received_.begin() + static_cast<std::ptrdiff_t>(std::size_t{index} * offer_.chunk_size));
    }
    if (is_new_out != nullptr) *is_new_out = is_new;
    return e;
  }
  AuthError acknowledge() {
    std::array<std::uint8_t, layout::ack_size> ack{};
    std::size_t n = 0;
    if (const AuthError e = node_.seal_ack(progress_, ack, n); e != AuthError::ok) return e;
    return uploader_.open_ack(std::span(ack).first(n));
  }

  std::vector<std::uint8_t> key_, image_, received_;
  TransferOffer offer_ = testing::offer_for(1000, 64);
  TransferProgress progress_{};  // the node's persisted progress
  std::uint32_t resume_point_ = 0;
  UploaderLink uploader_;
  NodeLink node_;
};

TEST_F(SecureLinkTest, TransfersWholeImage) {
  open_session();
  EXPECT_EQ(resume_point_, 0U);
  while (!uploader_.complete()) {
    ASSERT_EQ(deliver(seal(uploader_.next_chunk())), AuthError::ok);
    ASSERT_EQ(acknowledge(), AuthError::ok);
  }
  EXPECT_TRUE(progress_.complete());
  EXPECT_EQ(progress_.next_chunk, 16U);
  EXPECT_EQ(received_, image_);
}

// Attack: a recorded data message replayed, and messages delivered out of order.
TEST_F(SecureLinkTest, ReplayedAndReorderedChunksRejected) {
  open_session();
  const auto c0 = seal(0);  // seq 1
  const auto c1 = seal(1);  // seq 2
  EXPECT_EQ(deliver(c1), AuthError::out_of_order);  // chunk 1 before chunk 0: nothing moves
  EXPECT_EQ(progress_.next_chunk, 0U);
  ASSERT_EQ(deliver(c0), AuthError::ok);
  EXPECT_EQ(deliver(c0), AuthError::replay);
  ASSERT_EQ(deliver(c1), AuthError::ok);
  EXPECT_EQ(deliver(c1), AuthError::replay);
  EXPECT_EQ(deliver(c0), AuthError::replay);
  EXPECT_EQ(progress_.next_chunk, 2U);
  // A retransmission of chunk 2 overtaken by a later one: the older seq is rejected.
  const auto c2a = seal(2);  // seq 3
  const auto c2b = seal(2);  // seq 4
  bool is_new = false;
  ASSERT_EQ(deliver(c2b, &is_new), AuthError::ok);
  EXPECT_TRUE(is_new);
  EXPECT_EQ(deliver(c2a), AuthError::replay);
  // A repeated chunk with a fresh seq is accepted but not stored twice.
  const auto c2c = seal(2);
  ASSERT_EQ(deliver(c2c, &is_new), AuthError::ok);
  EXPECT_FALSE(is_new);
  EXPECT_EQ(progress_.next_chunk, 3U);
  // Replayed acknowledgement.
  std::array<std::uint8_t, layout::ack_size> ack{};
  std::size_t n = 0;
  ASSERT_EQ(node_.seal_ack(progress_, ack, n), AuthError::ok);
  ASSERT_EQ(uploader_.open_ack(ack), AuthError::ok);
  EXPECT_EQ(uploader_.open_ack(ack), AuthError::replay);
  EXPECT_EQ(uploader_.next_chunk(), 3U);
}

TEST_F(SecureLinkTest, TamperedOrMisdirectedMessagesRejected) {
  open_session();
  const auto c0 = seal(0);
  for (std::size_t i = 0; i < c0.size(); i += 5) {
    auto bad = c0;
    bad[i] ^= 0x10;
    EXPECT_NE(deliver(bad), AuthError::ok) << i;
  }
  EXPECT_EQ(progress_.next_chunk, 0U);
  ASSERT_EQ(deliver(c0), AuthError::ok);
  // The node's own acknowledgement reflected to it as data, and data fed to the uploader.
  std::array<std::uint8_t, layout::ack_size> ack{};
  std::size_t n = 0;
  ASSERT_EQ(node_.seal_ack(progress_, ack, n), AuthError::ok);
  EXPECT_EQ(deliver(std::vector<std::uint8_t>(ack.begin(), ack.end())), AuthError::malformed);
  EXPECT_EQ(uploader_.open_ack(c0), AuthError::malformed);
  ASSERT_EQ(uploader_.open_ack(ack), AuthError::ok);  // the genuine ack still verifies
  // Wrong length for the chunk index.
  std::vector<std::uint8_t> out(layout::max_data_size);
  EXPECT_EQ(uploader_.seal_chunk(1, chunk(1).first(10), out, n), AuthError::transfer_mismatch);
}

TEST_F(SecureLinkTest, SessionKeysDoNotCrossSessions) {
  open_session();
  const auto old_c0 = seal(0);
  open_session();  // new K_s
  EXPECT_EQ(deliver(old_c0), AuthError::auth_failed);
}

// An interrupted transfer resumes in a new session without re-sending stored chunks.
TEST_F(SecureLinkTest, ResumesAfterInterruption) {
  open_session();
  for (int i = 0; i < 7; ++i) {
    ASSERT_EQ(deliver(seal(uploader_.next_chunk())), AuthError::ok);
    ASSERT_EQ(acknowledge(), AuthError::ok);
  }
  // Chunk 7 is sent but the link drops before the node gets it.
  (void)seal(7);
  EXPECT_EQ(progress_.next_chunk, 7U);

  open_session();  // the node reports its persisted progress in token 3 (Text4)
  EXPECT_EQ(resume_point_, 7U);
  EXPECT_EQ(uploader_.next_chunk(), 7U);
  std::size_t sent = 0;
  while (!uploader_.complete()) {
    ASSERT_EQ(deliver(seal(uploader_.next_chunk())), AuthError::ok);
    ASSERT_EQ(acknowledge(), AuthError::ok);
    ++sent;
  }
  EXPECT_EQ(sent, 16U - 7U);
  EXPECT_EQ(received_, image_);
}

TEST_F(SecureLinkTest, OfferOfAnotherImageRestartsProgress) {
  open_session();
  for (std::uint32_t i = 0; i < 3; ++i) ASSERT_EQ(deliver(seal(i)), AuthError::ok);
  EXPECT_EQ(progress_.next_chunk, 3U);
  offer_ = testing::offer_for(1000, 64, 0x77);
  open_session();
  EXPECT_EQ(resume_point_, 0U);
  EXPECT_EQ(progress_.image_id, offer_.image_id);
  EXPECT_EQ(progress_.next_chunk, 0U);
}

}  // namespace
}  // namespace meshsec::auth
