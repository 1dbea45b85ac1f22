// `meshsec frame seal|open`: build and inspect E1 network frames by hand
// (docs/wire-format.md), hex in and hex out, so frames can be checked against other
// implementations of the format. `open` runs the node's whole receive path (every filter,
// CCM, replay window) and reports the verdict and the decoded fields.
#include <nlohmann/json.hpp>

#include <array>
#include <iostream>
#include <memory>
#include <stdexcept>
#include <string>

#include "command_registry.hpp"
#include "crypto/aead.hpp"
#include "crypto/random.hpp"
#include "crypto/secret.hpp"
#include "net/frame_crypto.hpp"
#include "net/network_layer.hpp"
#include "wire/hex.hpp"
#include "wire/net_frame.hpp"
#include "wire/net_token.hpp"

namespace {

using namespace meshsec;

struct FrameArgs {
  std::string key_hex;
  std::size_t mic = 8;
  bool allow_short_mic = false;
  unsigned channel = 0;
  unsigned domain = 0;
  unsigned key_index = 0;
  // seal
  unsigned src = 1;
  unsigned dst = 0xffff;
  std::uint32_t time = 0;
  unsigned seq = 0;
  unsigned ttl = 8;
  std::string payload_hex;
  // open
  unsigned address = 0x7ffe;
  std::string frame_hex;
  bool json = false;
};

crypto::SecretBytes parse_key(const std::string& hex) {
  auto bytes = wire::from_hex(hex);
  if (!bytes || (bytes->size() != 16 && bytes->size() != 32))
    throw std::runtime_error("--key must be 16 or 32 bytes of hex");
  crypto::SecretBytes key(*bytes);
  crypto::secure_wipe(*bytes);
  return key;
}

std::vector<std::uint8_t> parse_hex(const std::string& hex, const char* what) {
  auto bytes = wire::from_hex(hex);
  if (!bytes) throw std::runtime_error(std::string(what) + " is not valid hex");
  return *bytes;
}

void check_mic(const FrameArgs& a) {
  if (wire::mic_code_for(a.mic) > 2) throw std::runtime_error("--mic must be 4, 8 or 16");
  if (a.mic < 8) {
    if (!a.allow_short_mic) throw std::runtime_error("--mic 4 is weaker than the default: add --allow-short-mic");
    std::cerr << "meshsec: warning: 4-byte MIC (32-bit forgery resistance) explicitly allowed\n";
  }
}

void seal(const FrameArgs& a) {
  check_mic(a);
  const crypto::SecretBytes key = parse_key(a.key_hex);
  const auto payload = parse_hex(a.payload_hex, "--payload");
  crypto::AesAead aead;
  if (aead.init(crypto::AeadMode::ccm, key.span(), a.mic) != crypto::Status::ok)
    throw std::runtime_error("cannot schedule the key");
  wire::NetHeader h;
  h.mic_code = wire::mic_code_for(a.mic);
  h.key_index = static_cast<std::uint8_t>(a.key_index);
  h.channel = static_cast<std::uint8_t>(a.channel);
  h.domain = static_cast<std::uint16_t>(a.domain);
  h.src = static_cast<std::uint16_t>(a.src);
  h.dst = static_cast<std::uint16_t>(a.dst);
  h.time = a.time;
  h.seq = static_cast<std::uint8_t>(a.seq);
  h.ttl = static_cast<std::uint8_t>(a.ttl);
  std::array<std::uint8_t, net::NetworkLayer::max_radio_frame> out{};
  std::size_t n = 0;
  const net::BuildError e = net::seal_frame(aead, h, a.time, payload, out, n);
  if (e != net::BuildError::ok)
    throw std::runtime_error(e == net::BuildError::too_long ? "payload too long for one frame" : "cannot seal");
  const std::string hex = wire::to_hex(std::span(out).first(n));
  if (a.json) {
    nlohmann::json j{{"frame", hex}, {"length", n}, {"nonce", wire::to_hex(wire::network_nonce(h.net_id(), h.src, a.time, h.seq))}};
    std::cout << j.dump(2) << "\n";
  } else {
    std::cout << hex << "\n";
  }
}

class NoStore final : public net::NvStore {
 public:
  bool store(const net::NetNvState&) noexcept override { return true; }
};

struct CollectTokens final : net::TokenHandler {
  void on_token(std::uint16_t, std::uint8_t type, std::span<const std::uint8_t> value) noexcept override {
    tokens.push_back({{"type", type}, {"value", wire::to_hex(value)}});
  }
  nlohmann::json tokens = nlohmann::json::array();
};

void open(const FrameArgs& a) {
  check_mic(a);
  const crypto::SecretBytes key = parse_key(a.key_hex);
  const auto frame = parse_hex(a.frame_hex, "--frame");
  net::NetConfig c;
  c.address = static_cast<std::uint16_t>(a.address);
  c.channel = static_cast<std::uint8_t>(a.channel);
  c.domain = static_cast<std::uint16_t>(a.domain);
  c.mic_length = a.mic;
  c.allow_short_mic = a.allow_short_mic;
  c.max_ttl = 255;
  c.default_ttl = 8;
  c.whitelist.allow_range(0x00, 0xef);  // the tool shows every application token
  if (const auto ce = net::validate(c); ce != net::ConfigError::ok)
    throw std::runtime_error("bad receiver settings: " + std::string(net::to_string(ce)));
  NoStore store;
  auto layer = std::make_unique<net::NetworkLayer>(c, store);
  // Only network frames are opened here; the key-encryption key is never used.
  std::array<std::uint8_t, 16> kek{};
  if (crypto::random_secret_bytes(kek) != crypto::Status::ok) throw std::runtime_error("no randomness");
  if (layer->provision(a.key_index, key.span(), kek) != net::SetupError::ok)
    throw std::runtime_error("cannot install the key");
  crypto::secure_wipe(kek);
  layer->set_global_time(a.time);
  std::array<std::uint8_t, net::NetworkLayer::max_radio_frame> plain{};
  CollectTokens tokens;
  const net::RxResult r = layer->receive(frame, plain, &tokens);
  const auto& h = r.header;
  const bool parsed = r.reason != net::DropReason::bad_crc && r.reason != net::DropReason::malformed;
  if (a.json) {
    nlohmann::json j;
    j["accepted"] = r.accepted();
    j["reason"] = std::string(net::to_string(r.reason));
    if (parsed) {
      j["header"] = {{"version", h.version},  {"type", static_cast<int>(h.type)}, {"mic_length", wire::mic_length_of(h.mic_code)},
                     {"key_index", h.key_index}, {"channel", h.channel}, {"domain", h.domain},
                     {"src", h.src},          {"dst", h.dst},          {"time", h.time},
                     {"seq", h.seq},          {"ttl", h.ttl}};
    }
    if (r.accepted()) {
      j["global_time"] = r.full_time;
      j["payload"] = wire::to_hex(std::span(plain).first(r.payload_length));
      j["tokens"] = tokens.tokens;
      j["token_stop"] = r.token_stop == net::DropReason::none ? std::string("completed") : std::string(net::to_string(r.token_stop));
      j["may_relay"] = r.may_relay;
    }
    std::cout << j.dump(2) << "\n";
  } else if (r.accepted()) {
    std::cout << "accepted src=" << h.src << " dst=" << h.dst << " time=" << r.full_time << " seq=" << +h.seq
              << " ttl=" << +h.ttl << " payload=" << wire::to_hex(std::span(plain).first(r.payload_length)) << "\n";
  } else {
    std::cout << "dropped: " << net::to_string(r.reason) << "\n";
  }
  crypto::secure_wipe(plain);
  if (!r.accepted()) cli::exit_with(2);
}

void add_common(CLI::App* cmd, const std::shared_ptr<FrameArgs>& a) {
  cmd->add_option("--key", a->key_hex, "Network key, 16 or 32 bytes of hex")->required();
  cmd->add_option("--mic", a->mic, "MIC length: 4, 8 (default) or 16");
  cmd->add_flag("--allow-short-mic", a->allow_short_mic, "Allow a 4-byte MIC (weaker than the default)");
  cmd->add_option("--channel", a->channel, "Channel, 0-15")->check(CLI::Range(0, 15));
  cmd->add_option("--domain", a->domain, "Domain, 0-4095")->check(CLI::Range(0, 4095));
  cmd->add_option("--key-index", a->key_index, "Key index on air, 0-3")->check(CLI::Range(0, 3));
  cmd->add_option("--time", a->time, "Global time slot (seal: the frame's; open: the receiver's)");
  cmd->add_flag("--json", a->json, "Print JSON");
}

const bool registered = cli::register_command(45, [](CLI::App& root) {
  auto* frame = root.add_subcommand("frame", "Seal or open one E1 network frame (docs/wire-format.md)");
  frame->require_subcommand(1);
  auto sa = std::make_shared<FrameArgs>();
  auto* s = frame->add_subcommand("seal", "Seal tokens into a frame; prints the radio frame (with CRC) as hex");
  add_common(s, sa);
  s->add_option("--src", sa->src, "Source address")->check(CLI::Range(1, 0x7fff));
  s->add_option("--dst", sa->dst, "Destination or group address")->check(CLI::Range(0, 0xffff));
  s->add_option("--seq", sa->seq, "Sequence within the slot")->check(CLI::Range(0, 255));
  s->add_option("--ttl", sa->ttl, "TTL")->check(CLI::Range(0, 255));
  s->add_option("--payload", sa->payload_hex, "Tokens as hex (type, length, value ...)");
  s->callback([sa] { seal(*sa); });
  auto oa = std::make_shared<FrameArgs>();
  auto* o = frame->add_subcommand("open", "Run the receive path on a radio frame; exit 2 when dropped");
  add_common(o, oa);
  o->add_option("--address", oa->address, "Receiver address")->check(CLI::Range(1, 0x7fff));
  o->add_option("--frame", oa->frame_hex, "Radio frame as hex (frame and CRC)")->required();
  o->callback([oa] { open(*oa); });
});

}  // namespace
