// Known-answer checks of crypto::AesBlock, the single-block AES-128 cipher.
#pragma once
#include "selftest/vector_file.hpp"
#include "selftest/vector_outcome.hpp"

namespace meshsec::selftest {

struct BlockCase {
  Bytes key;
  Bytes plaintext;   // one or more whole 16-byte blocks
  Bytes ciphertext;  // as long as the plaintext
};

// A valid vector: init() must take the key and encrypt() of each block on its own (ECB)
// must give the ciphertext. Negatives: the ciphertext with one bit flipped must not match,
// and the key cut to 15 or grown to 17 bytes must be refused with bad_key_length, leaving
// the object without a key (a refused key must never leave the previous one in use).
[[nodiscard]] VectorOutcome check_block_valid(const BlockCase& c);

}  // namespace meshsec::selftest
