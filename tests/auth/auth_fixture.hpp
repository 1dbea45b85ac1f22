// Runs of the 9798-2 protocol between an uploader A and a node B, for the auth tests.
#pragma once
#include <gtest/gtest.h>

#include <array>
#include <cstdint>
#include <vector>

#include "auth/node_authenticator.hpp"
#include "auth/uploader_authenticator.hpp"

namespace meshsec::auth::testing {

inline EntityId entity(std::uint8_t tag) {
  EntityId id{};
  id.fill(tag);
  return id;
}

inline std::vector<std::uint8_t> key_bytes(std::size_t size, std::uint8_t tag) {
  std::vector<std::uint8_t> k(size);
  for (std::size_t i = 0; i < size; ++i) k[i] = static_cast<std::uint8_t>(tag + i);
  return k;
}

inline TransferOffer offer_for(std::uint32_t image_size, std::uint16_t chunk_size, std::uint8_t tag = 0x5a) {
  TransferOffer o;
  o.image_id.fill(tag);
  o.image_size = image_size;
  o.chunk_size = chunk_size;
  return o;
}

// The three messages of one run, kept for replay tests.
struct Transcript {
  std::vector<std::uint8_t> token1, token2, token3;
};

// Runs all three passes; returns the first error (ok when both sides are authenticated).
inline AuthError run(NodeAuthenticator& b, UploaderAuthenticator& a, std::span<const std::uint8_t> key_a,
                     const TransferOffer& offer, TransferProgress& progress, TransferResume& resume,
                     Transcript* transcript = nullptr) {
  std::array<std::uint8_t, 128> m1{}, m2{}, m3{};
  std::size_t n1 = 0, n2 = 0, n3 = 0;
  if (const AuthError e = b.start(m1, n1); e != AuthError::ok) return e;
  if (const AuthError e = a.handle_token1(std::span(m1).first(n1), key_a, offer, m2, n2); e != AuthError::ok) return e;
  if (const AuthError e = b.handle_token2(std::span(m2).first(n2), progress, m3, n3); e != AuthError::ok) return e;
  if (transcript != nullptr) {
    transcript->token1.assign(m1.begin(), m1.begin() + static_cast<std::ptrdiff_t>(n1));
    transcript->token2.assign(m2.begin(), m2.begin() + static_cast<std::ptrdiff_t>(n2));
    transcript->token3.assign(m3.begin(), m3.begin() + static_cast<std::ptrdiff_t>(n3));
  }
  return a.handle_token3(std::span(m3).first(n3), resume);
}

}  // namespace meshsec::auth::testing
