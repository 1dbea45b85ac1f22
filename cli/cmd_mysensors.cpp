// `meshsec mysensors`: MySensors 2.x signing tools (docs/signing.md).
//   sign        signs one frame under a receiver's nonce, prints the 32-byte frame as hex
//   verify      exit 0 only for a frame whose signature is valid under the nonce
//   personalise the SecurityPersonalizer in one step: keys, EEPROM image with checksum,
//               and (with --token-label) the PSK put into a PKCS#11 token
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "command_registry.hpp"
#include "crypto/random.hpp"
#include "crypto/secret.hpp"
#include "hsm/pkcs11_key_store.hpp"
#include "signing/eeprom_layout.hpp"
#include "signing/frame_signature.hpp"
#include "signing/secure_element_backend.hpp"
#include "signing/soft_atsha204_backend.hpp"
#include "wire/hex.hpp"

namespace meshsec::cli {
namespace {

using signing::SigningError;

struct FrameOptions {
  std::string hmac_key;
  std::string nonce;
  std::string message;
  std::string serial;
  bool json = false;
};

[[noreturn]] void fail(bool json, const std::string& reason, const std::string& detail = {}) {
  if (json) {
    nlohmann::json out{{"valid", false}, {"reason", reason}};
    if (!detail.empty()) out["detail"] = detail;
    std::cout << out.dump() << "\n";
  } else {
    std::cerr << "error: " << reason << (detail.empty() ? "" : ": " + detail) << "\n";
  }
  exit_with(1);
}

std::vector<std::uint8_t> hex_option(const std::string& text, const char* what, bool json) {
  auto bytes = wire::from_hex(text);
  if (!bytes) fail(json, "bad_hex", what);
  return *bytes;
}

// The inputs every frame command shares. A 25-byte nonce is the on-air form; 32 bytes must
// already carry the 0xAA padding.
struct FrameInputs {
  signing::SoftHmacKey key;
  signing::Nonce nonce{};
  signing::mys::Frame frame;
  std::optional<signing::Serial> serial;
};

void read_inputs(const FrameOptions& o, FrameInputs& in, bool signed_frame) {
  crypto::SecretBytes key(hex_option(o.hmac_key, "--hmac-key", o.json));
  if (key.size() != signing::psk_size) fail(o.json, "bad_key_length", "--hmac-key must be 32 bytes");
  if (in.key.init(key.span()) != SigningError::ok) fail(o.json, "backend_failure");
  const auto nonce = hex_option(o.nonce, "--nonce", o.json);
  if (nonce.size() == signing::mys::nonce_on_air_size) {
    in.nonce = signing::pad_nonce(std::span<const std::uint8_t, 25>(nonce.data(), 25));
  } else if (nonce.size() == signing::mys::nonce_size) {
    std::copy(nonce.begin(), nonce.end(), in.nonce.begin());
  } else {
    fail(o.json, "bad_nonce_length", "--nonce must be 25 (on air) or 32 bytes");
  }
  const auto message = hex_option(o.message, "--message", o.json);
  if (const auto e = signing::mys::parse_frame(message, in.frame); e != SigningError::ok)
    fail(o.json, std::string(to_string(e)), "--message is not a MySensors 2.x frame");
  if (signed_frame != in.frame.is_signed())
    fail(o.json, signed_frame ? "not_signed" : "already_signed", "--message");
  if (!o.serial.empty()) {
    const auto s = hex_option(o.serial, "--serial", o.json);
    if (s.size() != signing::mys::serial_size) fail(o.json, "bad_serial_length", "--serial must be 9 bytes");
    signing::Serial serial{};
    std::copy(s.begin(), s.end(), serial.begin());
    in.serial = serial;
  }
}

void add_frame_options(CLI::App* cmd, FrameOptions& o, const char* message_help) {
  cmd->add_option("--hmac-key", o.hmac_key, "32-byte PSK (hex)")->required();
  cmd->add_option("--nonce", o.nonce, "receiver's nonce: 25 bytes as on air, or 32 padded (hex)")->required();
  cmd->add_option("--message", o.message, message_help)->required();
  cmd->add_option("--serial", o.serial, "signer's 9-byte serial: salt for a whitelisting receiver (hex)");
  cmd->add_flag("--json", o.json, "machine-readable output");
}

void run_sign(const FrameOptions& o) {
  FrameInputs in;
  read_inputs(o, in, false);
  const signing::Serial* salt = in.serial ? &*in.serial : nullptr;
  if (const auto e = signing::sign_mysensors(in.key, in.frame, in.nonce, salt); e != SigningError::ok)
    fail(o.json, std::string(to_string(e)));
  const auto hex = wire::to_hex(in.frame.on_air());
  if (o.json) {
    std::cout << nlohmann::json{{"frame", hex},
                                {"signature_length", in.frame.trailer().size()},
                                {"mac_bits", 8 * signing::mac_bytes_for(in.frame.payload_length())},
                                {"whitelist_salted", salt != nullptr}}
                     .dump()
              << "\n";
  } else {
    std::cout << hex << "\n";
  }
}

void run_verify(const FrameOptions& o) {
  FrameInputs in;
  read_inputs(o, in, true);
  const signing::Serial* salt = in.serial ? &*in.serial : nullptr;
  const auto e = signing::verify_mysensors(in.key, in.frame, in.nonce, salt);
  if (e != SigningError::ok) fail(o.json, std::string(to_string(e)));
  if (o.json)
    std::cout << nlohmann::json{{"valid", true}, {"mac_bits", 8 * signing::mac_bytes_for(in.frame.payload_length())}}
                     .dump()
              << "\n";
  else
    std::cout << "valid\n";
}

struct PersonaliseOptions {
  std::string out;
  std::size_t eeprom_size = signing::eeprom::default_size;
  std::string keys_file;
  std::string serial;
  std::string whitelist_out;
  std::uint32_t node_id = 0;
  std::string token_label;
  std::string module_path;
  bool json = false;
};

// A private file (0600), created or replaced.
void write_private_file(const std::filesystem::path& path, std::span<const std::uint8_t> bytes, bool append = false) {
  std::ofstream f(path, std::ios::binary | (append ? std::ios::app : std::ios::trunc));
  if (!f) throw std::runtime_error("cannot write " + path.string());
  std::filesystem::permissions(path, std::filesystem::perms::owner_read | std::filesystem::perms::owner_write);
  f.write(reinterpret_cast<const char*>(bytes.data()), static_cast<std::streamsize>(bytes.size()));
  if (!f) throw std::runtime_error("cannot write " + path.string());
}

// The network keys in /etc/mysensors.conf form (soft_hmac_key=, aes_key=). Every node of a
// network shares them, so an existing file is reused and a missing one is created.
void network_keys(const std::filesystem::path& path, crypto::SecretBytes& hmac, crypto::SecretBytes& aes, bool& created) {
  created = false;
  if (std::filesystem::exists(path)) {
    std::ifstream f(path);
    std::string line;
    while (std::getline(f, line)) {
      const auto eq = line.find('=');
      if (eq == std::string::npos) continue;
      auto value = wire::from_hex(line.substr(eq + 1));
      if (!value) throw std::runtime_error("bad hex in " + path.string());
      if (line.compare(0, eq, "soft_hmac_key") == 0) hmac = crypto::SecretBytes(*value);
      if (line.compare(0, eq, "aes_key") == 0) aes = crypto::SecretBytes(*value);
      crypto::secure_wipe(*value);
    }
    if (hmac.size() != 32 || aes.size() != 16) throw std::runtime_error(path.string() + ": need soft_hmac_key (32 bytes) and aes_key (16 bytes)");
    return;
  }
  hmac = crypto::SecretBytes(32);
  aes = crypto::SecretBytes(16);
  if (crypto::random_secret_bytes(hmac.span()) != crypto::Status::ok ||
      crypto::random_secret_bytes(aes.span()) != crypto::Status::ok)
    throw std::runtime_error("random generator failed");
  std::string text = "soft_hmac_key=" + wire::to_hex(hmac.span()) + "\naes_key=" + wire::to_hex(aes.span()) + "\n";
  write_private_file(path, {reinterpret_cast<const std::uint8_t*>(text.data()), text.size()});
  crypto::secure_wipe(reinterpret_cast<std::uint8_t*>(text.data()), text.size());
  created = true;
}

void run_personalise(const PersonaliseOptions& o) {
  try {
    crypto::SecretBytes hmac, aes;
    bool created = false;
    network_keys(o.keys_file, hmac, aes, created);
    signing::Serial serial{};
    if (!o.serial.empty()) {
      auto s = wire::from_hex(o.serial);
      if (!s || s->size() != serial.size()) fail(o.json, "bad_serial_length", "--serial must be 9 bytes of hex");
      std::copy(s->begin(), s->end(), serial.begin());
    } else if (crypto::random_secret_bytes(serial) != crypto::Status::ok) {
      throw std::runtime_error("random generator failed");
    }
    std::vector<std::uint8_t> image(o.eeprom_size, 0xFF);
    if (signing::eeprom::write_personalisation(image, hmac.span().first<32>(), aes.span().first<16>(), serial) !=
        SigningError::ok)
      fail(o.json, "eeprom_too_small", "an image needs at least 413 bytes");
    write_private_file(o.out, image);
    std::fill(image.begin(), image.end(), 0);
    if (!o.whitelist_out.empty()) {
      // The gateway's whitelist entry for this node; the serial never goes on air.
      const std::string line = std::to_string(o.node_id) + " " + wire::to_hex(serial) + "\n";
      write_private_file(o.whitelist_out, {reinterpret_cast<const std::uint8_t*>(line.data()), line.size()}, true);
    }
    std::string token_object;
    if (!o.token_label.empty()) {
      const char* pin = std::getenv("MESHSEC_PKCS11_PIN");
      if (pin == nullptr) fail(o.json, "no_pin", "set MESHSEC_PKCS11_PIN");
      hsm::Pkcs11Config c;
      c.module_path = o.module_path;
      c.token_label = o.token_label;
      c.user_pin = pin;
      c.allow_import = true;
      auto store = hsm::Pkcs11KeyStore::open(c);
      if (!store.ok()) fail(o.json, "token_unavailable", store.error().message());
      token_object = "mysensors-psk";
      auto handle = store.value()->import_secret(signing::psk_key_template(token_object), hmac.span());
      if (!handle.ok()) fail(o.json, "token_import_failed", std::string(hsm::to_string(handle.error())));
    }
    std::uint8_t checksum = 0;
    (void)signing::eeprom::personalisation_checksum(hmac.span().first<32>(), aes.span().first<16>(), serial, checksum);
    nlohmann::json out{{"eeprom_image", o.out},
                       {"eeprom_size", o.eeprom_size},
                       {"checksum_address", signing::eeprom::checksum_address},
                       {"checksum", checksum},
                       {"network_keys", o.keys_file},
                       {"network_keys_created", created}};
    if (!token_object.empty()) out["token_object"] = token_object;
    if (!o.whitelist_out.empty()) out["whitelist_entry_file"] = o.whitelist_out;
    if (o.json) {
      std::cout << out.dump() << "\n";
    } else {
      std::cout << "EEPROM image " << o.out << " (" << o.eeprom_size << " bytes, checksum 0x" << std::hex
                << static_cast<unsigned>(checksum) << std::dec << " at 282)\n"
                << (created ? "created " : "used ") << "network keys " << o.keys_file << "\n";
      if (!token_object.empty()) std::cout << "PSK imported into token as " << token_object << "\n";
    }
  } catch (const std::exception& e) {
    fail(o.json, "personalise_failed", e.what());
  }
}

const bool registered = register_command(60, [](CLI::App& root) {
  auto* group = root.add_subcommand("mysensors", "MySensors 2.x compatible message signing");
  group->require_subcommand(1);

  auto sign_options = std::make_shared<FrameOptions>();
  auto* sign = group->add_subcommand("sign", "sign an unsigned frame under a nonce; prints the signed frame (hex)");
  add_frame_options(sign, *sign_options, "unsigned on-air frame (hex)");
  sign->callback([sign_options] { run_sign(*sign_options); });

  auto verify_options = std::make_shared<FrameOptions>();
  auto* verify = group->add_subcommand("verify", "verify a signed frame; exit 0 only when valid");
  add_frame_options(verify, *verify_options, "signed on-air frame (hex, 32 bytes)");
  verify->callback([verify_options] { run_verify(*verify_options); });

  auto p = std::make_shared<PersonaliseOptions>();
  auto* pers = group->add_subcommand("personalise", "generate keys and serial, write the EEPROM image, optionally put the PSK into a PKCS#11 token");
  pers->alias("personalize");
  pers->add_option("--out", p->out, "EEPROM image to write")->required();
  pers->add_option("--keys", p->keys_file, "network keys file (soft_hmac_key=, aes_key=); created when missing")->required();
  pers->add_option("--eeprom-size", p->eeprom_size, "image size in bytes (default 1024)");
  pers->add_option("--serial", p->serial, "soft serial (9 bytes hex); random when absent");
  pers->add_option("--node-id", p->node_id, "node id for the whitelist entry")->check(CLI::Range(0, 254));
  pers->add_option("--whitelist-out", p->whitelist_out, "append 'node serial' to this private file");
  pers->add_option("--token-label", p->token_label, "PKCS#11 token to put the PSK into (PIN from MESHSEC_PKCS11_PIN)");
  pers->add_option("--pkcs11-module", p->module_path, "PKCS#11 module (default: SoftHSM2)");
  pers->add_flag("--json", p->json, "machine-readable output");
  pers->callback([p] { run_personalise(*p); });
});

}  // namespace
}  // namespace meshsec::cli
