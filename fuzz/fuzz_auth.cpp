// ISO/IEC 9798-2 messages and the secure link on attacker-chosen bytes, each fed to a
// party in the state that expects it. Input: [selector] then the message.
#include <array>
#include <cstddef>
#include <cstdint>

#include "auth/node_authenticator.hpp"
#include "auth/secure_link.hpp"
#include "auth/uploader_authenticator.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace meshsec::auth;
  if (size == 0) return 0;
  const std::span<const std::uint8_t> input(data + 1, size - 1);
  std::array<std::uint8_t, 16> key{};
  key.fill(0x24);
  EntityId a_id{}, b_id{};
  a_id.fill(0xA0);
  b_id.fill(0xB0);
  TransferOffer offer;
  offer.image_size = 1000;
  offer.chunk_size = 100;
  std::array<std::uint8_t, 128> m1{}, m2{};
  std::size_t n1 = 0, n2 = 0;
  NodeAuthenticator node;
  if (node.init(b_id, key) != AuthError::ok || node.start(m1, n1) != AuthError::ok) __builtin_trap();
  switch (data[0] % 5) {
    case 0: {
      Token1 t;
      (void)parse_token1(input, t);
      UploaderAuthenticator a{a_id};
      (void)a.handle_token1(input, key, offer, m2, n2);
      break;
    }
    case 1: {
      TransferProgress progress;
      // Forged token 2: without K nothing may authenticate.
      if (node.handle_token2(input, progress, m2, n2) == AuthError::ok) __builtin_trap();
      break;
    }
    case 2: {
      UploaderAuthenticator a{a_id};
      if (a.handle_token1(std::span(m1).first(n1), key, offer, m2, n2) != AuthError::ok) __builtin_trap();
      TransferResume resume;
      if (a.handle_token3(input, resume) == AuthError::ok) __builtin_trap();
      break;
    }
    case 3: {
      SessionKey ks;
      NodeLink link;
      if (link.init(std::move(ks)) != AuthError::ok) __builtin_trap();
      TransferProgress progress{{}, 1000, 100, 0};
      std::array<std::uint8_t, layout::max_link_payload> out{};
      std::size_t length = 0;
      std::uint32_t index = 0;
      bool is_new = false;
      (void)link.open_chunk(input, progress, out, length, index, is_new);
      if (progress.next_chunk > 1) __builtin_trap();
      break;
    }
    default: {
      SessionKey ks;
      UploaderLink link;
      if (link.init(std::move(ks), offer, 0) != AuthError::ok) __builtin_trap();
      (void)link.open_ack(input);
      break;
    }
  }
  return 0;
}
