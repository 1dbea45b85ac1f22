#include "selftest/block_check.hpp"

#include <algorithm>
#include <span>
#include <string>

#include "crypto/aes_block.hpp"

namespace meshsec::selftest {
namespace {
using crypto::AesBlock;
using crypto::Status;
std::string status_text(Status s) { return std::string(crypto::to_string(s)); }
}  // namespace

VectorOutcome check_block_valid(const BlockCase& c) {
  constexpr std::size_t block_size = AesBlock::block_size;
  if (c.plaintext.empty() || c.plaintext.size() % block_size != 0 ||
      c.ciphertext.size() != c.plaintext.size())
    return VectorOutcome::failed("vector of " + std::to_string(c.plaintext.size()) +
                                 " plaintext and " + std::to_string(c.ciphertext.size()) +
                                 " ciphertext bytes is not whole blocks");
  AesBlock aes;
  Status s = aes.init(c.key);
  if (s != Status::ok) return VectorOutcome::failed("init refused a valid key: " + status_text(s));

  Bytes out(c.plaintext.size());
  const std::span<const std::uint8_t> plaintext(c.plaintext);
  for (std::size_t at = 0; at < plaintext.size(); at += block_size) {
    AesBlock::Block in{};
    AesBlock::Block block_out{};
    const auto block_in = plaintext.subspan(at, block_size);
    std::copy(block_in.begin(), block_in.end(), in.begin());
    s = aes.encrypt(in, block_out);
    if (s != Status::ok)
      return VectorOutcome::failed("encrypt failed on block " + std::to_string(at / block_size) + ": " +
                                   status_text(s));
    const auto out_block = std::span<std::uint8_t>(out).subspan(at, block_size);
    std::copy(block_out.begin(), block_out.end(), out_block.begin());
  }
  if (out != c.ciphertext) {
    const auto differ = std::mismatch(out.begin(), out.end(), c.ciphertext.begin());
    const auto first_bad_byte = static_cast<std::size_t>(differ.first - out.begin());
    return VectorOutcome::failed("encrypt: block " + std::to_string(first_bad_byte / block_size) +
                                 " differs from the vector's ciphertext");
  }

  std::size_t rejected = 0;
  Bytes flipped = c.ciphertext;
  // Never empty (whole blocks, checked above); said again here so that every optimiser
  // sees it (GCC 12 at -O3 warns of an index of −1 otherwise, and -Werror stops the build).
  if (flipped.empty()) return VectorOutcome::failed("vector has no ciphertext");
  flipped.back() ^= 0x01;
  if (out == flipped) return VectorOutcome::failed("ciphertext with its last bit flipped matched");
  ++rejected;
  for (const std::size_t length : {block_size - 1, block_size + 1}) {
    Bytes wrong_key = c.key;
    wrong_key.resize(length, 0x00);
    s = aes.init(wrong_key);
    if (s != Status::bad_key_length)
      return VectorOutcome::failed("init of a " + std::to_string(length) + "-byte key gave " +
                                   status_text(s) + " instead of bad_key_length");
    if (aes.ready())
      return VectorOutcome::failed("a refused " + std::to_string(length) + "-byte key left a key in use");
    ++rejected;
  }
  return VectorOutcome::passed(rejected);
}

}  // namespace meshsec::selftest
