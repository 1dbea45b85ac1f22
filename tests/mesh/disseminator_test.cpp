// The disseminator with a real blob and the real BlobVerifier: every chunk verified before
// it is stored; a forged chunk or header is never stored (so never forwarded); activation
// only when complete; fragments reassemble.
#include <gtest/gtest.h>

#include <array>
#include <map>
#include <vector>

#include "firmware/blob_builder.hpp"
#include "firmware/blob_signer.hpp"
#include "firmware/merkle_tree.hpp"
#include "mesh/disseminator.hpp"
#include "mesh/neighbour_table.hpp"
#include "support/mesh_test_blob.hpp"
#include "wire/bounded_writer.hpp"

namespace {

using namespace meshsec;

using mesh_testing::Blob;
using mesh_testing::make_blob;
using mesh_testing::MapStore;

struct Fixture {
  mesh::MeshConfig config;
  MapStore store;
  mesh::Disseminator d;
  mesh::DisseminationView view;
  explicit Fixture(const firmware::Ed25519PublicKey& vk) {
    config.blob_policy.customer_id = 77;
    config.blob_policy.installed.security_counter = 1;
    d.init(config, vk, store, 5);
    view.self = 5;
  }
};

// A backbone node that holds the whole blob, so it pushes everything on.
void hold_everything(Fixture& f, const Blob& blob) {
  f.view.backbone = true;
  ASSERT_EQ(f.d.on_header(blob.signed_header, f.view), mesh::HeaderOutcome::accepted);
  for (const auto& p : blob.packets) ASSERT_EQ(f.d.on_chunk(p, f.view), mesh::ChunkOutcome::stored);
}

// Every fragment message the sender has to send, until it has none left: `deliver` gets
// its wire bytes and their parse.
template <typename Deliver>
void send_fragments(Fixture& sender, Deliver deliver) {
  std::array<std::uint8_t, 128> out{};
  mesh::MessageType type{};
  for (int guard = 0; guard < 1000; ++guard) {
    const std::size_t n = sender.d.next_message(sender.view, type, out);
    if (n == 0 || type != mesh::MessageType::fragment) return;
    mesh::FragmentView fragment;
    ASSERT_TRUE(mesh::parse_fragment(std::span<const std::uint8_t>(out).first(n), fragment));
    deliver(std::span<const std::uint8_t>(out).first(n), fragment);
  }
}

TEST(Disseminator, CompletesWithEveryChunkVerified) {
  const Blob blob = make_blob(0x11, 2);
  Fixture f(blob.vk);
  ASSERT_EQ(f.d.on_header(blob.signed_header, f.view), mesh::HeaderOutcome::accepted);
  for (std::size_t i = 0; i < blob.packets.size(); ++i) {
    EXPECT_FALSE(f.d.activated());
    EXPECT_EQ(f.d.on_chunk(blob.packets[i], f.view), mesh::ChunkOutcome::stored);
    EXPECT_EQ(f.d.on_chunk(blob.packets[i], f.view), mesh::ChunkOutcome::duplicate);
  }
  EXPECT_TRUE(f.d.complete());
  EXPECT_TRUE(f.d.activated());
  EXPECT_EQ(f.store.chunks.size(), blob.packets.size());
  EXPECT_EQ(f.d.installed().security_counter, 2U);
}

TEST(Disseminator, ForgedChunkNeverStoredNorForwarded) {
  const Blob blob = make_blob(0x11, 2);
  Fixture f(blob.vk);
  f.view.backbone = true;  // a backbone node forwards what it stores
  ASSERT_EQ(f.d.on_header(blob.signed_header, f.view), mesh::HeaderOutcome::accepted);
  // Drain the header push.
  mesh::MessageType type{};
  std::array<std::uint8_t, 128> out{};
  while (f.d.next_message(f.view, type, out) != 0 && type == mesh::MessageType::fragment) {
  }
  for (std::size_t at : {std::size_t{20}, std::size_t{100}, blob.packets[0].size() - 1}) {
    auto forged = blob.packets[0];
    forged[at] ^= 0x01;
    EXPECT_EQ(f.d.on_chunk(forged, f.view), mesh::ChunkOutcome::rejected) << at;
  }
  EXPECT_TRUE(f.store.chunks.empty());
  EXPECT_EQ(f.d.chunks_rejected(), 3U);
  // Nothing to forward: the next message is no chunk fragment.
  f.view.now_us = 1;
  const std::size_t n = f.d.next_message(f.view, type, out);
  EXPECT_TRUE(n == 0 || type != mesh::MessageType::fragment);
  // The genuine chunk is still accepted afterwards (the forgery changed nothing).
  EXPECT_EQ(f.d.on_chunk(blob.packets[0], f.view), mesh::ChunkOutcome::stored);
}

TEST(Disseminator, RogueHeaderRejectedAndDoesNotDisturb) {
  const Blob good = make_blob(0x11, 2);
  const Blob rogue = make_blob(0x99, 50);  // another signer, higher counter
  Fixture f(good.vk);
  ASSERT_EQ(f.d.on_header(good.signed_header, f.view), mesh::HeaderOutcome::accepted);
  ASSERT_EQ(f.d.on_chunk(good.packets[0], f.view), mesh::ChunkOutcome::stored);
  EXPECT_EQ(f.d.on_header(rogue.signed_header, f.view), mesh::HeaderOutcome::rejected);
  // Rogue chunks (another blob id) are never stored.
  EXPECT_NE(f.d.on_chunk(rogue.packets[1], f.view), mesh::ChunkOutcome::stored);
  EXPECT_EQ(f.d.present(), 1);
  for (std::size_t i = 1; i < good.packets.size(); ++i) EXPECT_EQ(f.d.on_chunk(good.packets[i], f.view), mesh::ChunkOutcome::stored);
  EXPECT_TRUE(f.d.activated());
}

TEST(Disseminator, FragmentsReassembleAcrossTwoSenders) {
  const Blob blob = make_blob(0x11, 2);
  Fixture sender(blob.vk);
  hold_everything(sender, blob);
  Fixture receiver(blob.vk);
  // The sender pushes the header then every chunk it stored, as fragments.
  std::size_t frames = 0;
  send_fragments(sender, [&](std::span<const std::uint8_t>, const mesh::FragmentView& fragment) {
    mesh::HeaderOutcome h{};
    (void)receiver.d.on_fragment(9, fragment, receiver.view, h);
    ++frames;
  });
  EXPECT_TRUE(receiver.d.activated());
  EXPECT_GT(frames, blob.packets.size());
}

TEST(Disseminator, LostFragmentsRebuiltFromRepairParity) {
  // A whole packet sent outside the wave carries parity after its data fragments: a
  // receiver that lost some data fragments rebuilds the packet from any `count` of them,
  // and a forged parity fragment makes the rebuilt packet fail verification.
  const Blob blob = make_blob(0x11, 2);
  for (const bool forge : {false, true}) {
    Fixture sender(blob.vk);
    hold_everything(sender, blob);
    Fixture receiver(blob.vk);
    std::size_t parity_seen = 0;
    send_fragments(sender, [&](std::span<const std::uint8_t> bytes, mesh::FragmentView fragment) {
      const bool header = fragment.index == mesh::header_fragment_index;
      const std::size_t size = header ? blob.signed_header.size() : blob.packets[fragment.index].size();
      const std::size_t count = (size + mesh::fragment_data_size - 1) / mesh::fragment_data_size;
      if (fragment.number >= count) ++parity_seen;
      // Lose data fragment 0 of every packet (and fragment 1 of every chunk).
      if (fragment.number == 0 || (!header && fragment.number == 1)) return;
      std::array<std::uint8_t, 128> copy{};
      std::copy(bytes.begin(), bytes.end(), copy.begin());
      if (forge && !header && fragment.number == count) {
        copy[bytes.size() - 1] ^= 0x40;  // the first parity fragment of every chunk, changed on the way
        ASSERT_TRUE(mesh::parse_fragment(std::span<const std::uint8_t>(copy).first(bytes.size()), fragment));
      }
      mesh::HeaderOutcome h{};
      (void)receiver.d.on_fragment(9, fragment, receiver.view, h);
    });
    EXPECT_GT(parity_seen, blob.packets.size());
    EXPECT_TRUE(receiver.d.has_header());
    if (forge) {
      EXPECT_FALSE(receiver.d.activated());
      EXPECT_TRUE(receiver.store.chunks.empty());  // a rebuilt forgery is never stored
      EXPECT_EQ(receiver.d.chunks_rejected(), blob.packets.size());
    } else {
      EXPECT_TRUE(receiver.d.activated());
      EXPECT_EQ(receiver.store.chunks.size(), blob.packets.size());
    }
  }
}

// A gap fill may ask for any fragment the code defines, parity beyond what a whole packet
// carries included: the answer is that fragment of the wave's code, and a receiver keeps
// it (a requester that saw heavy loss asks for more than a whole packet's parity).
TEST(Disseminator, GapFillsServeAnyFragmentOfTheCode) {
  const Blob blob = make_blob(0x14, 2);
  Fixture sender(blob.vk);
  hold_everything(sender, blob);
  std::array<std::uint8_t, 128> out{};
  mesh::MessageType type{};
  while (sender.d.next_message(sender.view, type, out) != 0 && type == mesh::MessageType::fragment) {
  }
  const auto& packet = blob.packets[0];
  const std::size_t count = (packet.size() + mesh::fragment_data_size - 1) / mesh::fragment_data_size;
  const std::size_t high = mesh::wave_max_fragments - 1;  // far beyond repair_parity_for(count)
  ASSERT_GT(high, count + mesh::repair_parity_for(count));
  mesh::RequestBody request;
  request.target = sender.view.self;
  request.blob_id = sender.d.header()->blob_id;
  request.want_header = mesh::want_fragments;
  request.base = 0;
  request.mask = (std::uint64_t{1} << high) | 0b10U;
  sender.d.on_request(request, sender.view);
  std::vector<std::uint8_t> data(mesh::wave_max_fragments * mesh::wave_fragment_size, 0);
  std::copy(packet.begin(), packet.end(), data.begin());
  std::array<std::uint8_t, mesh::wave_fragment_size> expected{};
  ASSERT_TRUE(mesh::wave_parity_fragment(count, high, data, expected));
  Fixture receiver(blob.vk);
  ASSERT_EQ(receiver.d.on_header(blob.signed_header, receiver.view), mesh::HeaderOutcome::accepted);
  std::vector<std::uint8_t> numbers;
  send_fragments(sender, [&](std::span<const std::uint8_t>, mesh::FragmentView fragment) {
    numbers.push_back(fragment.number);
    if (fragment.number == high) {
      EXPECT_TRUE(std::equal(expected.begin(), expected.end(), fragment.data.begin(), fragment.data.end()));
    }
    mesh::HeaderOutcome h{};
    EXPECT_EQ(receiver.d.on_fragment(9, fragment, receiver.view, h), mesh::ChunkOutcome::partial);
  });
  EXPECT_EQ(numbers, (std::vector<std::uint8_t>{1, static_cast<std::uint8_t>(high)}));
}

// Repair requests that bring nothing back off, doubling up to 16 × repair_idle: where
// several nodes repair at once, every request sets another source serving, and sources
// that do not hear each other collide at every requester (in a 10,000-node run four such
// nodes kept six sources busy for over four minutes without completing a chunk).
TEST(Disseminator, RepairRequestsThatBringNothingBackOff) {
  const Blob blob = make_blob(0x12, 3);
  Fixture f(blob.vk);
  mesh::NeighbourTable table;
  mesh::Neighbour& holder = table.heard(9, 0);
  holder.hops = 1;
  holder.blob_complete = true;
  f.view.neighbours = &table;
  ASSERT_EQ(f.d.on_header(blob.signed_header, f.view), mesh::HeaderOutcome::accepted);
  std::vector<std::uint64_t> requests;
  std::array<std::uint8_t, 128> out{};
  for (std::uint64_t t = 0; t < 60'000'000 && requests.size() < 8; t += 5'000) {
    f.view.now_us = t;
    mesh::MessageType type{};
    const std::size_t n = f.d.next_message(f.view, type, out);
    if (n != 0 && type == mesh::MessageType::request) requests.push_back(t);
  }
  ASSERT_EQ(requests.size(), 8U);
  const std::uint64_t idle = f.config.repair_idle_us;
  for (std::size_t k = 1; k < requests.size(); ++k) {
    const std::uint64_t wait = idle << std::min<std::size_t>(k - 1, mesh::max_request_backoff);
    EXPECT_GE(requests[k] - requests[k - 1], wait) << "request " << k;
    EXPECT_LE(requests[k] - requests[k - 1], wait + wait / 2 + 5'000) << "request " << k;
  }
}

// A node that holds no header at all (it missed the wave's announcement, or joined after
// the rollout) asks a neighbour whose frames say it holds a whole blob for the header,
// backing off while nobody answers; a node with the header does not. Before, such a node
// waited for a Trickle advert that its neighbours' suppression kept from it: in one
// clusters run (seed 15) four nodes had nothing after 300 s.
TEST(Disseminator, ANodeWithoutTheHeaderAsksACompleteNeighbour) {
  const Blob blob = make_blob(0x13, 3);
  Fixture f(blob.vk);
  std::array<std::uint8_t, 128> out{};
  mesh::MessageType type{};
  f.view.now_us = 1'000'000;
  EXPECT_EQ(f.d.next_message(f.view, type, out), 0U) << "nobody holds a blob: nothing to ask";
  std::vector<std::uint64_t> asked;
  for (std::uint64_t t = 1'000'000; t < 40'000'000 && asked.size() < 6; t += 5'000) {
    f.view.now_us = t;
    f.d.on_complete_neighbour(9);  // its frames keep coming
    const std::size_t n = f.d.next_message(f.view, type, out);
    if (n == 0) continue;
    ASSERT_EQ(type, mesh::MessageType::request);
    mesh::RequestBody request;
    ASSERT_TRUE(mesh::parse_request(std::span<const std::uint8_t>(out).first(n), request));
    EXPECT_EQ(request.target, 9);
    EXPECT_EQ(request.want_header, mesh::want_header_too);
    asked.push_back(t);
  }
  ASSERT_EQ(asked.size(), 6U);
  EXPECT_EQ(asked[0], 1'000'000U) << "asked at once";
  for (std::size_t k = 2; k < asked.size(); ++k)
    EXPECT_GT(asked[k] - asked[k - 1], asked[k - 1] - asked[k - 2]) << "unanswered asks back off";
  // The header came: no more asking on a complete neighbour's frames.
  ASSERT_EQ(f.d.on_header(blob.signed_header, f.view), mesh::HeaderOutcome::accepted);
  f.d.on_complete_neighbour(9);
  const std::uint64_t header_at = f.view.now_us;
  for (std::uint64_t t = header_at; t < header_at + 200'000; t += 5'000) {
    f.view.now_us = t;
    const std::size_t n = f.d.next_message(f.view, type, out);
    if (n == 0) continue;
    mesh::RequestBody request;
    if (type == mesh::MessageType::request && mesh::parse_request(std::span<const std::uint8_t>(out).first(n), request)) {
      EXPECT_NE(request.want_header, mesh::want_header_too);
    }
  }
}

}  // namespace
