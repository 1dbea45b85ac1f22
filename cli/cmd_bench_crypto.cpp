// `meshsec bench crypto`: AES-128-CCM seal and open through crypto::AesAead against raw
// OpenSSL EVP calls on the same bytes, both with the key scheduled once and the context
// reused. The raw-EVP baseline is the one place outside src/crypto that calls OpenSSL.
#include <openssl/evp.h>

#include <algorithm>
#include <array>
#include <stdexcept>
#include <vector>

#include "bench_runner.hpp"
#include "command_registry.hpp"
#include "crypto/aead.hpp"
#include "crypto/mac.hpp"
#include "mesh/beacon_chain.hpp"

namespace {

using meshsec::cli::BenchResult;
constexpr std::size_t kTag = 8;
constexpr std::size_t kAad = 8;

// Raw EVP AES-128-CCM with the same call sequence meshsec uses, minus its checks.
class RawCcm {
 public:
  RawCcm(const std::uint8_t* key, int encrypt) : ctx_(EVP_CIPHER_CTX_new()) {
    EVP_CIPHER* cipher = EVP_CIPHER_fetch(nullptr, "AES-128-CCM", nullptr);
    const bool good = ctx_ != nullptr && cipher != nullptr &&
                      EVP_CipherInit_ex(ctx_, cipher, nullptr, nullptr, nullptr, encrypt) == 1 &&
                      EVP_CIPHER_CTX_ctrl(ctx_, EVP_CTRL_AEAD_SET_IVLEN, 13, nullptr) == 1 &&
                      EVP_CIPHER_CTX_ctrl(ctx_, EVP_CTRL_AEAD_SET_TAG, kTag, nullptr) == 1 &&
                      EVP_CipherInit_ex(ctx_, nullptr, nullptr, key, nullptr, encrypt) == 1;
    EVP_CIPHER_free(cipher);
    if (!good) throw std::runtime_error("OpenSSL AES-128-CCM unavailable");
  }
  RawCcm(const RawCcm&) = delete;
  RawCcm& operator=(const RawCcm&) = delete;
  ~RawCcm() { EVP_CIPHER_CTX_free(ctx_); }

  bool seal(const std::uint8_t* nonce, const std::uint8_t* aad, const std::uint8_t* in, int len,
            std::uint8_t* out, std::uint8_t* tag) {
    int n = 0;
    return EVP_EncryptInit_ex(ctx_, nullptr, nullptr, nullptr, nonce) == 1 &&
           EVP_EncryptUpdate(ctx_, nullptr, &n, nullptr, len) == 1 &&
           EVP_EncryptUpdate(ctx_, nullptr, &n, aad, kAad) == 1 &&
           EVP_EncryptUpdate(ctx_, out, &n, in, len) == 1 &&
           EVP_CIPHER_CTX_ctrl(ctx_, EVP_CTRL_AEAD_GET_TAG, kTag, tag) == 1;
  }
  bool open(const std::uint8_t* nonce, const std::uint8_t* aad, const std::uint8_t* in, int len,
            std::uint8_t* tag, std::uint8_t* out) {
    int n = 0;
    return EVP_DecryptInit_ex(ctx_, nullptr, nullptr, nullptr, nonce) == 1 &&
           EVP_CIPHER_CTX_ctrl(ctx_, EVP_CTRL_AEAD_SET_TAG, kTag, tag) == 1 &&
           EVP_DecryptUpdate(ctx_, nullptr, &n, nullptr, len) == 1 &&
           EVP_DecryptUpdate(ctx_, nullptr, &n, aad, kAad) == 1 &&
           EVP_DecryptUpdate(ctx_, out, &n, in, len) == 1;
  }

 private:
  EVP_CIPHER_CTX* ctx_;
};

std::vector<BenchResult> run_crypto_bench(double seconds) {
  using namespace meshsec::crypto;
  const std::array<std::uint8_t, 16> key{0x2b, 0x7e, 0x15, 0x16, 0x28, 0xae, 0xd2, 0xa6,
                                         0xab, 0xf7, 0x15, 0x88, 0x09, 0xcf, 0x4f, 0x3c};
  std::array<std::uint8_t, 13> nonce{};
  const std::array<std::uint8_t, kAad> aad{1, 2, 3, 4, 5, 6, 7, 8};
  AesAead aead;
  if (aead.init(AeadMode::ccm, key, kTag) != Status::ok) throw std::runtime_error("AesAead init failed");
  RawCcm raw_enc(key.data(), 1);
  RawCcm raw_dec(key.data(), 0);
  std::vector<BenchResult> results;
  for (std::size_t len : {32u, 64u, 127u}) {
    std::vector<std::uint8_t> pt(len, 0x42), ct(len), out(len);
    std::array<std::uint8_t, kTag> tag{};
    const int ilen = static_cast<int>(len);
    bool failed = false;
    results.push_back(meshsec::cli::measure_pair(
        "aes128_ccm_seal_" + std::to_string(len),
        [&] { failed |= aead.seal(nonce, aad, pt, ct, tag) != Status::ok; },
        [&] { failed |= !raw_enc.seal(nonce.data(), aad.data(), pt.data(), ilen, ct.data(), tag.data()); },
        seconds));
    // Open the frame just sealed; both paths verify the same tag.
    if (aead.seal(nonce, aad, pt, ct, tag) != Status::ok) throw std::runtime_error("seal failed");
    results.push_back(meshsec::cli::measure_pair(
        "aes128_ccm_open_" + std::to_string(len),
        [&] { failed |= aead.open(nonce, aad, ct, tag, out) != Status::ok; },
        [&] { failed |= !raw_dec.open(nonce.data(), aad.data(), ct.data(), ilen, tag.data(), out.data()); },
        seconds));
    if (failed) throw std::runtime_error("an operation failed during the benchmark");
  }
  // One step of the beacon chain (Matyas-Meyer-Oseas over AES-128, docs/wire-format.md
  // §6.5) against the same step made with SHA-256 truncated to 16 bytes, the usual hash
  // chain: what a node pays per hop and round, and a gateway per position when it builds.
  meshsec::mesh::ChainHash chain;
  if (!chain.init(0xB123)) throw std::runtime_error("chain init failed");
  meshsec::mesh::ChainValue v{};
  std::uint64_t position = std::uint64_t{1} << 40;
  std::array<std::uint8_t, sha256_size> digest{};
  bool failed = false;
  results.push_back(meshsec::cli::measure_pair(
      "beacon_chain_step_vs_sha256",
      [&] {
        failed |= !chain.walk(position, position - 1, v);
        --position;
      },
      [&] {
        std::array<std::uint8_t, 8> at{};
        for (std::size_t b = 0; b < at.size(); ++b) at[b] = static_cast<std::uint8_t>(position >> (56 - 8 * b));
        failed |= sha256({std::span<const std::uint8_t>(v), std::span<const std::uint8_t>(at)}, digest) != Status::ok;
        std::copy_n(digest.begin(), v.size(), v.begin());
      },
      seconds));
  if (failed) throw std::runtime_error("a chain step failed during the benchmark");
  return results;
}

const bool registered = meshsec::cli::register_command(meshsec::cli::bench_command_order + 1, [](CLI::App& root) {
  auto* bench = root.get_subcommand("bench");
  auto* cmd = bench->add_subcommand("crypto", "AES-128-CCM seal/open through meshsec vs raw OpenSSL EVP; a beacon chain step vs SHA-256");
  auto json = std::make_shared<bool>(false);
  auto seconds = std::make_shared<double>(0.2);
  cmd->add_flag("--json", *json, "Print JSON");
  cmd->add_option("--seconds", *seconds, "Seconds per measurement round (7 rounds, best kept)")
      ->check(CLI::Range(0.01, 10.0));
  cmd->callback([json, seconds] { meshsec::cli::print_bench_results(run_crypto_bench(*seconds), *json); });
});

}  // namespace
