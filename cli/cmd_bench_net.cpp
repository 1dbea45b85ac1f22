// `meshsec bench net`: complete E1 frame opens per second on one core — CRC, header
// parse, every filter, CCM open, replay check, token walk — for 32-byte frames, against a
// raw OpenSSL EVP AES-CCM open of the same bytes in the same run. Both schedule the key
// once and reuse their context. The raw-EVP baseline is the one place outside src/crypto
// that calls OpenSSL.
#include <openssl/evp.h>

#include <array>
#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

#include "bench_runner.hpp"
#include "command_registry.hpp"
#include "net/network_layer.hpp"
#include "wire/crc16.hpp"
#include "wire/net_frame.hpp"

namespace {

using namespace meshsec;
constexpr std::size_t kMic = 8;
constexpr std::size_t kFrame = 32;                        // sealed frame, without the CRC
constexpr std::size_t kBody = kFrame - wire::NetLayout::header_size - kMic;  // 13
constexpr std::size_t kSources = 64;                      // = the replay cache's capacity
constexpr std::size_t kPerSource = 64;
constexpr std::uint32_t kSlot = 123'456;

class NoStore final : public net::NvStore {
 public:
  bool store(const net::NetNvState&) noexcept override { return true; }
};

class RawCcmOpen {
 public:
  explicit RawCcmOpen(std::span<const std::uint8_t> key) : ctx_(EVP_CIPHER_CTX_new()) {
    EVP_CIPHER* cipher = EVP_CIPHER_fetch(nullptr, key.size() == 16 ? "AES-128-CCM" : "AES-256-CCM", nullptr);
    const bool good = ctx_ != nullptr && cipher != nullptr &&
                      EVP_DecryptInit_ex(ctx_, cipher, nullptr, nullptr, nullptr) == 1 &&
                      EVP_CIPHER_CTX_ctrl(ctx_, EVP_CTRL_AEAD_SET_IVLEN, 13, nullptr) == 1 &&
                      EVP_CIPHER_CTX_ctrl(ctx_, EVP_CTRL_AEAD_SET_TAG, kMic, nullptr) == 1 &&
                      EVP_DecryptInit_ex(ctx_, nullptr, nullptr, key.data(), nullptr) == 1;
    EVP_CIPHER_free(cipher);
    if (!good) throw std::runtime_error("OpenSSL AES-CCM unavailable");
  }
  RawCcmOpen(const RawCcmOpen&) = delete;
  RawCcmOpen& operator=(const RawCcmOpen&) = delete;
  ~RawCcmOpen() { EVP_CIPHER_CTX_free(ctx_); }

  bool open(const std::uint8_t* nonce, const std::uint8_t* frame, std::uint8_t* out) {
    int n = 0;
    const int body = static_cast<int>(kBody);
    const int aad = static_cast<int>(wire::NetLayout::header_size - 1);
    return EVP_DecryptInit_ex(ctx_, nullptr, nullptr, nullptr, nonce) == 1 &&
           EVP_CIPHER_CTX_ctrl(ctx_, EVP_CTRL_AEAD_SET_TAG, kMic,
                               const_cast<std::uint8_t*>(frame + wire::NetLayout::header_size + kBody)) == 1 &&
           EVP_DecryptUpdate(ctx_, nullptr, &n, nullptr, body) == 1 &&
           EVP_DecryptUpdate(ctx_, nullptr, &n, frame, aad) == 1 &&
           EVP_DecryptUpdate(ctx_, out, &n, frame + wire::NetLayout::header_size, body) == 1;
  }

 private:
  EVP_CIPHER_CTX* ctx_;
};

net::NetConfig config_for(std::uint16_t address) {
  net::NetConfig c;
  c.address = address;
  c.channel = 5;
  c.domain = 0x123;
  c.whitelist.allow(0x21);
  return c;
}

cli::BenchResult bench_key(std::span<const std::uint8_t> key, double seconds) {
  NoStore store;
  const std::array<std::uint8_t, 16> kek{};
  auto receiver = std::make_unique<net::NetworkLayer>(config_for(0x7000), store);
  if (receiver->provision(0, key, kek) != net::SetupError::ok) throw std::runtime_error("receiver setup failed");
  receiver->set_global_time(kSlot);
  // 64 sources × 64 frames in one slot, ordered so every source's sequence rises.
  std::vector<std::vector<std::uint8_t>> frames(kSources * kPerSource);
  const std::array<std::uint8_t, kBody> tokens{0x21, static_cast<std::uint8_t>(kBody - 2), 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11};
  std::vector<std::unique_ptr<net::NetworkLayer>> senders;
  for (std::size_t s = 0; s < kSources; ++s) {
    senders.push_back(std::make_unique<net::NetworkLayer>(config_for(static_cast<std::uint16_t>(s + 1)), store));
    if (senders.back()->provision(0, key, kek) != net::SetupError::ok) throw std::runtime_error("sender setup failed");
    senders.back()->set_global_time(kSlot);
  }
  for (std::size_t i = 0; i < kPerSource; ++i) {
    for (std::size_t s = 0; s < kSources; ++s) {
      auto& f = frames[i * kSources + s];
      f.resize(net::NetworkLayer::max_radio_frame);
      std::size_t n = 0;
      if (senders[s]->send(0x7000, tokens, f, n) != net::SendError::ok || n != kFrame + wire::kCrc16Size)
        throw std::runtime_error("sealing the bench frames failed");
      f.resize(n);
    }
  }
  RawCcmOpen raw(key);
  std::array<std::uint8_t, net::NetworkLayer::max_radio_frame> plain{};
  std::size_t next = 0;
  std::size_t next_raw = 0;
  std::size_t failures = 0;
  auto result = cli::measure_pair(
      key.size() == 16 ? "net_open_32B_aes128" : "net_open_32B_aes256",
      [&] {
        if (next == frames.size()) {
          // Every frame was accepted once; start over with a cleared replay cache (what a
          // reboot does). One clear per 4096 opens.
          receiver->replay_cache().clear();
          next = 0;
        }
        const net::RxResult r = receiver->receive(frames[next], plain);
        failures += r.accepted() && r.tokens_processed == 1 ? 0U : 1U;
        ++next;
      },
      [&] {
        if (next_raw == frames.size()) next_raw = 0;
        // A receiver has only the frame: like the network layer, the baseline builds the
        // §4 nonce from the header's net id, source and sequence (the slot is known).
        const auto& f = frames[next_raw];
        const wire::NetNonce nonce = wire::network_nonce(static_cast<std::uint16_t>((f[1] << 8) | f[2]),
                                                         static_cast<std::uint16_t>((f[3] << 8) | f[4]), kSlot, f[9]);
        failures += raw.open(nonce.data(), f.data(), plain.data()) ? 0U : 1U;
        ++next_raw;
      },
      seconds);
  if (failures != 0) throw std::runtime_error("a frame failed to open during the benchmark");
  return result;
}

std::vector<cli::BenchResult> run_net_bench(double seconds) {
  std::array<std::uint8_t, 16> key128{};
  std::array<std::uint8_t, 32> key256{};
  for (std::size_t i = 0; i < key256.size(); ++i) key256[i] = static_cast<std::uint8_t>(0x60 + i);
  for (std::size_t i = 0; i < key128.size(); ++i) key128[i] = static_cast<std::uint8_t>(0x30 + i);
  return {bench_key(key128, seconds), bench_key(key256, seconds)};
}

const bool registered = cli::register_command(cli::bench_command_order + 2, [](CLI::App& root) {
  auto* bench = root.get_subcommand("bench");
  auto* cmd = bench->add_subcommand("net", "Complete E1 frame opens (filters, CCM, replay) vs raw OpenSSL EVP open");
  auto json = std::make_shared<bool>(false);
  auto seconds = std::make_shared<double>(0.2);
  cmd->add_flag("--json", *json, "Print JSON");
  cmd->add_option("--seconds", *seconds, "Seconds per measurement round (5 rounds, best kept)")
      ->check(CLI::Range(0.01, 10.0));
  cmd->callback([json, seconds] { cli::print_bench_results(run_net_bench(*seconds), *json); });
});

}  // namespace
