// AEAD open with attacker-chosen mode, key size, nonce, tag and ciphertext lengths.
// Input: [mode|keysel][nonce_len][tag_len][aad_len] then the bytes, split in that order.
#include <cstddef>
#include <cstdint>
#include <vector>

#include "crypto/aead.hpp"
#include "wire/bounded_reader.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace meshsec;
  wire::BoundedReader in({data, size});
  const std::uint8_t selector = in.u8();
  const std::size_t nonce_len = in.u8() % 140;
  const std::size_t tag_len = in.u8() % 20;
  const std::size_t aad_len = in.u8();
  static const std::uint8_t key[32] = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16,
                                       17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30, 31, 32};
  const std::size_t key_len = 16 + 8 * (selector % 3);
  const auto mode = (selector & 0x80) ? crypto::AeadMode::gcm : crypto::AeadMode::ccm;
  auto nonce = in.bytes(nonce_len);
  auto tag = in.bytes(tag_len);
  auto aad = in.bytes(aad_len);
  auto ct = in.rest();
  if (!in.ok()) return 0;
  crypto::AesAead aead;
  if (aead.init(mode, {key, key_len}, tag_len) != crypto::Status::ok) return 0;
  std::vector<std::uint8_t> pt(ct.size(), 0xaa);
  const auto status = aead.open(nonce, aad, ct, tag, pt);
  if (status != crypto::Status::ok) {
    for (auto b : pt)
      if (b != 0 && status == crypto::Status::auth_failed) __builtin_trap();  // plaintext must be wiped
  }
  return 0;
}
