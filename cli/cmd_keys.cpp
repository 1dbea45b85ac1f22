// `meshsec keys derive`: the key id (and, for development customers only, the bytes) of one
// key of the hierarchy (docs/keys.md §9): a node's (auth, enc, e2) or a network's (net, cover,
// chain). Production key bytes are never printed:
// production masters live only in the customer's custody, and the key id is computed from
// public fields alone.
#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>

#include <charconv>
#include <iostream>
#include <memory>
#include <optional>
#include <string>

#include "command_registry.hpp"
#include "hsm/memory_key_store.hpp"
#include "keys/custody_derivation.hpp"
#include "keys/customer_masters.hpp"
#include "keys/derivation_label.hpp"
#include "keys/key_id.hpp"
#include "wire/hex.hpp"

namespace {

using namespace meshsec;

struct DeriveOptions {
  std::string customer;
  std::string environment;
  std::string node;
  std::string network;
  std::string purpose;
  std::uint32_t version = 1;
  unsigned bits = 0;  // 0: the purpose's size (256; a chain seed is 128 always)
  bool json = false;
};

[[noreturn]] void fail(const std::string& message) {
  std::cerr << "meshsec keys derive: " << message << "\n";
  cli::exit_with(2);
}

// Decimal, or hexadecimal with a 0x prefix; the whole text must be a u32.
std::optional<std::uint32_t> parse_u32(std::string_view text) {
  int base = 10;
  if (text.starts_with("0x") || text.starts_with("0X")) {
    text.remove_prefix(2);
    base = 16;
  }
  std::uint32_t value = 0;
  const char* end = text.data() + text.size();
  auto [ptr, ec] = std::from_chars(text.data(), end, value, base);
  if (text.empty() || ec != std::errc{} || ptr != end) return std::nullopt;
  return value;
}

void run_derive(const DeriveOptions& o) {
  keys::Environment environment{};
  if (!keys::parse_environment(o.environment, environment)) fail("--env must be dev or prod");
  keys::KeyPurpose purpose{};
  if (!keys::parse_purpose(o.purpose, purpose) || purpose == keys::KeyPurpose::blob)
    fail("--purpose must be auth, enc, e2 (node keys), net, cover or chain (network keys)");
  // Node keys name their node, network keys their network (docs/keys.md §1).
  const bool node_key =
      purpose == keys::KeyPurpose::auth || purpose == keys::KeyPurpose::enc || purpose == keys::KeyPurpose::e2;
  const std::string& subject_text = node_key ? o.node : o.network;
  if (node_key ? !o.network.empty() : !o.node.empty())
    fail(node_key ? "a node key takes --node, not --network" : "a network key takes --network, not --node");
  const auto subject = parse_u32(subject_text);
  if (!subject) fail(std::string(node_key ? "--node" : "--network") + " must be a 32-bit number (decimal or 0x hex)");
  const bool chain = purpose == keys::KeyPurpose::chain;
  if (chain && o.bits == 256) fail("a beacon chain seed is 128 bits always");
  const unsigned bits = o.bits != 0 ? o.bits : chain ? 128U : 256U;

  keys::DerivationInput input;
  input.customer_id = o.customer;
  input.environment = environment;
  input.purpose = purpose;
  input.subject_id = *subject;
  input.version = o.version;
  input.key_size = bits == 128 ? keys::KeySize::bits128 : keys::KeySize::bits256;

  keys::DerivationLabel label;
  if (auto e = keys::encode_derivation_label(input, label); e != keys::KeyError::ok)
    fail("invalid input: " + std::string(keys::to_string(e)));
  keys::KeyId id{};
  if (keys::compute_key_id(label, id) != keys::KeyError::ok) fail("key id computation failed");

  // Development only: derive through custody from the published development masters.
  std::optional<std::string> key_hex;
  if (environment == keys::Environment::dev) {
    hsm::MemoryKeyStore::Options options;
    options.allow_import = true;
    hsm::MemoryKeyStore store(options);
    auto masters = keys::provision_customer_masters(store, environment, o.customer);
    if (!masters) fail("custody: " + std::string(hsm::to_string(masters.error())));
    auto key = keys::derive_key_for_export(store, masters.value().master(keys::master_purpose(purpose)), input);
    if (!key) fail("custody: " + std::string(hsm::to_string(key.error())));
    key_hex = wire::to_hex(key.value().span());
  }

  if (o.json) {
    nlohmann::ordered_json out;
    out["customer_id"] = o.customer;
    out["environment"] = keys::to_string(environment);
    out["purpose"] = keys::to_string(purpose);
    out[node_key ? "node_id" : "network_id"] = *subject;
    out["version"] = o.version;
    out["bits"] = bits;
    out["label"] = wire::to_hex(label.label());
    out["context"] = wire::to_hex(label.context());
    out["key_id"] = wire::to_hex(id);
    if (key_hex) {
      out["key"] = *key_hex;
      out["insecure_development_key"] = true;
    } else {
      out["key_printed"] = false;
    }
    std::cout << out.dump(2) << "\n";
    return;
  }
  std::cout << "customer     " << o.customer << "\n"
            << "environment  " << keys::to_string(environment) << "\n"
            << "purpose      " << keys::to_string(purpose) << "\n"
            << (node_key ? "node         " : "network      ") << *subject << "\n"
            << "version      " << o.version << "\n"
            << "bits         " << bits << "\n"
            << "label        " << wire::to_hex(label.label()) << "\n"
            << "context      " << wire::to_hex(label.context()) << "\n"
            << "key id       " << wire::to_hex(id) << "\n";
  if (key_hex)
    std::cout << "key          " << *key_hex << "   (INSECURE development key: published masters)\n";
  else
    std::cout << "key          (production key bytes are never printed)\n";
}

const bool registered = meshsec::cli::register_command(30, [](CLI::App& root) {
  auto* keys_cmd = root.add_subcommand("keys", "Key hierarchy: derivation labels and key ids");
  keys_cmd->require_subcommand(1);
  auto options = std::make_shared<DeriveOptions>();
  auto* derive = keys_cmd->add_subcommand(
      "derive", "Show the key id of a node or network key (and its bytes for development customers only)");
  derive->add_option("--customer", options->customer, "Customer id ([A-Za-z0-9._-], 1..64)")->required();
  derive->add_option("--env", options->environment, "dev or prod")->required();
  derive->add_option("--node", options->node, "Node id, for auth, enc and e2 (decimal or 0x hex)");
  derive->add_option("--network", options->network, "Network id, for net, cover and chain (decimal or 0x hex)");
  derive->add_option("--purpose", options->purpose, "auth, enc, e2, net, cover or chain")->required();
  derive->add_option("--version", options->version,
                     "Node key version; network key index; cover subtree index; chain generation")
      ->capture_default_str();
  derive->add_option("--bits", options->bits, "Key size (default 256; chain: 128 always)")
      ->check(CLI::IsMember({128u, 256u}));
  derive->add_flag("--json", options->json, "Machine-readable output");
  derive->callback([options] { run_derive(*options); });
});

}  // namespace
