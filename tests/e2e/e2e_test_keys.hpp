// Fresh random keys for the E2/E3 tests.
#pragma once
#include <array>
#include <cstdint>

#include <gtest/gtest.h>

#include "crypto/ed25519.hpp"
#include "crypto/random.hpp"
#include "crypto/x25519.hpp"

namespace meshsec::e2e::test {

inline std::array<std::uint8_t, 32> random_key() {
  std::array<std::uint8_t, 32> k{};
  EXPECT_EQ(crypto::random_secret_bytes(k), crypto::Status::ok);
  return k;
}

struct SigningKey {
  std::array<std::uint8_t, 32> seed{}, pub{};
  SigningKey() { EXPECT_EQ(crypto::ed25519_generate(seed, pub), crypto::Status::ok); }
};

struct DhKey {
  std::array<std::uint8_t, 32> priv{}, pub{};
  DhKey() { EXPECT_EQ(crypto::x25519_generate(priv, pub), crypto::Status::ok); }
};

}  // namespace meshsec::e2e::test
