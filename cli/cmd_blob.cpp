// `meshsec blob build|inspect|verify|decrypt`: firmware blobs (docs/blob-format.md).
// build and decrypt run inside the customer's custody (the PKCS#11 token of
// docs/factory.md, set up by `meshsec factory init`): chunks are sealed and opened with the
// blob key and the header signed with the blob signing key, none of which leaves the HSM.
// verify needs only the public verification key, as a node does: from --verification-key,
// the customer's factory record under $MESHSEC_HOME, or the token's public object.
#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>

#include <filesystem>
#include <iostream>
#include <optional>
#include <string>

#include "command_registry.hpp"
#include "crypto/secure_memory.hpp"
#include "factory_blob.hpp"
#include "factory_customer.hpp"
#include "firmware/blob_builder.hpp"
#include "firmware/customer_tag.hpp"
#include "firmware/blob_verifier.hpp"
#include "firmware/merkle_tree.hpp"
#include "firmware_args.hpp"
#include "hsm_config.hpp"
#include "keys/derivation_input.hpp"
#include "wire/hex.hpp"

namespace {

using namespace meshsec;
using nlohmann::json;

struct BlobOptions {
  std::string customer;
  std::string env;
  std::string verification_key;
  std::uint32_t blob_key_version = 1;
  std::string version;
  std::string installed_version;
  std::uint32_t security_counter = 0;
  std::uint32_t installed_counter = 0;
  std::optional<std::uint32_t> product;
  std::size_t chunk_size = 256;
  std::string in;
  std::string out;
  bool json = false;
};

std::string tag_hex(std::uint64_t tag) {
  std::array<std::uint8_t, 8> bytes{};
  for (std::size_t i = 0; i < bytes.size(); ++i) bytes[i] = static_cast<std::uint8_t>(tag >> (56 - 8 * i));
  return wire::to_hex(bytes);
}

json header_json(const firmware::BlobHeader& h) {
  return json{{"customer_tag", tag_hex(h.customer_id)},
              {"product_id", h.product_id},
              {"version", cli::format_firmware_version(h.version)},
              {"security_counter", h.security_counter},
              {"image_size", h.image_size},
              {"chunk_size", h.chunk_size},
              {"chunk_count", h.chunk_count},
              {"tree_depth", firmware::blob_tree_depth(h.chunk_count)},
              {"blob_id", wire::to_hex(h.blob_id)},
              {"encryption_key_id", wire::to_hex(h.encryption_key_id)},
              {"signing_key_id", wire::to_hex(h.signing_key_id)},
              {"image_sha256", wire::to_hex(h.image_digest)},
              {"chunk_root", wire::to_hex(h.chunk_root)},
              {"aead", "AES-256-GCM"},
              {"signature", "Ed25519"}};
}

void print(const json& j, bool as_json) {
  if (as_json) {
    std::cout << j.dump(2) << "\n";
    return;
  }
  for (const auto& [key, value] : j.items()) {
    std::cout << key << ": " << (value.is_string() ? value.get<std::string>() : value.dump()) << "\n";
  }
}

[[noreturn]] void usage_error(const std::string& message) {
  std::cerr << "meshsec blob: " << message << "\n";
  cli::exit_with(2);
}

keys::Environment environment_of(const BlobOptions& o, const std::filesystem::path& home) {
  if (o.env.empty()) return cli::customer_environment(home, o.customer);
  keys::Environment e{};
  if (!keys::parse_environment(o.env, e)) usage_error("--env must be dev or prod");
  return e;
}

std::uint64_t customer_tag_of(const std::string& customer) {
  if (!keys::is_valid_customer_id(customer)) usage_error("--customer: 1..64 characters of [A-Za-z0-9._-]");
  std::uint64_t tag = 0;
  if (firmware::customer_tag(customer, tag) != firmware::BlobError::ok) usage_error("customer tag failed");
  return tag;
}

void run_build(const BlobOptions& o) {
  (void)customer_tag_of(o.customer);
  const auto settings = cli::load_hsm_settings();
  const keys::Environment env = environment_of(o, settings.home);
  auto store = cli::open_factory_store(settings, false);
  const cli::FactoryCustomer customer = cli::open_customer(*store, o.customer, env);
  firmware::BlobBuildParams params;
  params.product_id = o.product.value_or(0);
  params.version = cli::parse_firmware_version(o.version);
  params.security_counter = o.security_counter;
  params.chunk_size = o.chunk_size;
  const auto image = cli::read_file_bytes(o.in);
  std::vector<std::uint8_t> blob;
  if (const auto e = cli::seal_blob_in_custody(*store, customer, params, o.blob_key_version, image, blob);
      e != firmware::BlobError::ok) {
    usage_error("build failed: " + std::string(firmware::to_string(e)));
  }
  cli::write_file_bytes(o.out, blob);
  firmware::BlobFileView file;
  (void)firmware::parse_blob_file(blob, file);
  json j = header_json(file.header);
  j["file"] = o.out;
  j["file_size"] = blob.size();
  j["environment"] = keys::to_string(env);
  j["blob_key_version"] = o.blob_key_version;
  j["token"] = settings.token_label;
  print(j, o.json);
}

void run_inspect(const BlobOptions& o) {
  const auto blob = cli::read_file_bytes(o.in);
  firmware::BlobFileView file;
  if (const auto e = firmware::parse_blob_file(blob, file); e != firmware::BlobError::ok) {
    print(json{{"ok", false}, {"result", firmware::to_string(e)}}, o.json);
    cli::exit_with(1);
  }
  json j = header_json(file.header);
  j["file_size"] = blob.size();
  j["verified"] = false;  // inspect reads the layout only; `blob verify` checks it
  print(j, o.json);
}

// The device path: header through BlobVerifier, then every chunk as a packet with its
// Merkle path, exactly as relays receive them.
firmware::BlobError verify_file(const std::vector<std::uint8_t>& blob, std::uint64_t customer_tag,
                                const firmware::Ed25519PublicKey& verification_key, const BlobOptions& o,
                                firmware::BlobVerifier& verifier) {
  firmware::BlobFileView file;
  if (const auto e = firmware::parse_blob_file(blob, file); e != firmware::BlobError::ok) return e;
  firmware::BlobPolicy policy;
  policy.customer_id = customer_tag;
  policy.product_id = o.product;
  if (!o.installed_version.empty()) policy.installed.version = cli::parse_firmware_version(o.installed_version);
  policy.installed.security_counter = o.installed_counter;
  if (const auto e = verifier.begin(std::span(blob).first(firmware::blob::signed_header_size),
                                    verification_key, policy);
      e != firmware::BlobError::ok) {
    return e;
  }
  std::vector<firmware::blob::Digest> leaves(file.header.chunk_count);
  for (std::uint32_t i = 0; i < file.header.chunk_count; ++i) {
    if (const auto e = firmware::blob_leaf_hash(file.header, i, firmware::blob_chunk_record(file, i), leaves[i]);
        e != firmware::BlobError::ok) {
      return e;
    }
  }
  firmware::MerkleTree tree;
  if (const auto e = tree.build(leaves); e != firmware::BlobError::ok) return e;
  for (std::uint32_t i = 0; i < file.header.chunk_count; ++i) {
    if (const auto e = verifier.accept_chunk(i, firmware::blob_chunk_record(file, i), tree.path(i));
        e != firmware::BlobError::ok) {
      return e;
    }
  }
  return verifier.complete() ? firmware::BlobError::ok : firmware::BlobError::incomplete;
}

firmware::Ed25519PublicKey parse_public_key(const std::string& hex, const std::string& what) {
  firmware::Ed25519PublicKey key{};
  const auto bytes = wire::from_hex(hex);
  if (!bytes || bytes->size() != key.size()) usage_error(what + " is not 32 bytes of hex");
  std::copy(bytes->begin(), bytes->end(), key.begin());
  return key;
}

// The blob verification key and where it came from. Nothing secret is needed.
firmware::Ed25519PublicKey verification_key_of(const BlobOptions& o, std::string& source) {
  if (!o.verification_key.empty()) {
    source = "argument";
    return parse_public_key(o.verification_key, "--verification-key");
  }
  const auto settings = cli::load_hsm_settings();
  const keys::Environment env = environment_of(o, settings.home);
  if (std::filesystem::exists(cli::customer_record_path(settings.home, o.customer, env))) {
    const auto record = cli::read_customer_record(settings.home, o.customer, env);
    if (!record.blob_verification_key_hex.empty()) {
      source = "record";
      return parse_public_key(record.blob_verification_key_hex, "the customer record's blob verification key");
    }
  }
  // No record: the public half of the blob signing pair in custody.
  auto store = cli::open_factory_store(settings, false);
  source = "custody";
  return cli::open_customer(*store, o.customer, env).blob_verification_key;
}

void run_verify(const BlobOptions& o) {
  const std::uint64_t tag = customer_tag_of(o.customer);
  std::string source;
  const auto key = verification_key_of(o, source);
  const auto blob = cli::read_file_bytes(o.in);
  firmware::BlobVerifier verifier;
  const auto e = verify_file(blob, tag, key, o, verifier);
  json j{{"ok", e == firmware::BlobError::ok},
         {"result", firmware::to_string(e)},
         {"verification_key", wire::to_hex(key)},
         {"key_source", source}};
  if (verifier.state() != firmware::BlobVerifier::State::failed && verifier.state() != firmware::BlobVerifier::State::idle) {
    j["header"] = header_json(verifier.header());
    j["chunks_verified"] = verifier.received().present();
  }
  print(j, o.json);
  if (e != firmware::BlobError::ok) cli::exit_with(1);
}

// Gateway role: open_blob_in_custody verifies the whole blob with the device verifier
// before anything is decrypted, then decrypts every chunk inside the HSM.
void run_decrypt(const BlobOptions& o) {
  (void)customer_tag_of(o.customer);
  const auto settings = cli::load_hsm_settings();
  const keys::Environment env = environment_of(o, settings.home);
  auto store = cli::open_factory_store(settings, false);
  const cli::FactoryCustomer customer = cli::open_customer(*store, o.customer, env);
  const auto blob = cli::read_file_bytes(o.in);
  firmware::BlobHeader header;
  std::vector<std::uint8_t> image;
  const auto e = cli::open_blob_in_custody(*store, customer, o.blob_key_version, blob, header, image);
  if (e != firmware::BlobError::ok) {
    print(json{{"ok", false}, {"result", firmware::to_string(e)}}, o.json);
    cli::exit_with(1);
  }
  cli::write_file_bytes(o.out, image);
  print(json{{"ok", true}, {"result", "ok"}, {"file", o.out}, {"image_size", image.size()}}, o.json);
  crypto::secure_wipe(image);
}

const bool registered = cli::register_command(50, [](CLI::App& root) {
  auto* blob = root.add_subcommand("blob", "Build, inspect, verify and decrypt firmware blobs (keys in the HSM, docs/factory.md)");
  blob->require_subcommand(1);

  auto o = std::make_shared<BlobOptions>();
  auto* build = blob->add_subcommand("build", "Encrypt and sign an image into a blob inside the HSM");
  build->add_option("--customer", o->customer, "Customer id")->required();
  build->add_option("--env", o->env, "dev or prod (default: the environment of the customer's record)");
  build->add_option("--blob-key-version", o->blob_key_version, "Blob key version")->capture_default_str();
  build->add_option("--version", o->version, "Firmware version MAJOR.MINOR.REVISION[+BUILD]")->required();
  build->add_option("--security-counter", o->security_counter, "Anti-rollback security counter");
  build->add_option("--product", o->product, "Product id");
  build->add_option("--chunk-size", o->chunk_size, "Chunk size in bytes (16..4096)")->check(CLI::Range(16, 4096));
  build->add_option("--in", o->in, "Plaintext image")->required()->check(CLI::ExistingFile);
  build->add_option("--out", o->out, "Blob file to write")->required();
  build->add_flag("--json", o->json, "JSON output");
  build->callback([o] { run_build(*o); });

  auto* inspect = blob->add_subcommand("inspect", "Show a blob's header (layout only, no verification)");
  inspect->add_option("blob", o->in, "Blob file")->required()->check(CLI::ExistingFile);
  inspect->add_flag("--json", o->json, "JSON output");
  inspect->callback([o] { run_inspect(*o); });

  auto* verify = blob->add_subcommand("verify", "Verify signature, rollback and every chunk; exit 0 only if authentic");
  verify->add_option("--customer", o->customer, "Customer id")->required();
  verify->add_option("--env", o->env, "dev or prod (default: the environment of the customer's record)");
  verify->add_option("--verification-key", o->verification_key,
                     "Blob verification key, hex (default: the customer's record, else the token)");
  verify->add_option("--installed-version", o->installed_version, "Version installed on the device");
  verify->add_option("--installed-counter", o->installed_counter, "Security counter installed on the device");
  verify->add_option("--product", o->product, "Expected product id");
  verify->add_option("blob", o->in, "Blob file")->required()->check(CLI::ExistingFile);
  verify->add_flag("--json", o->json, "JSON output");
  verify->callback([o] { run_verify(*o); });

  auto* decrypt = blob->add_subcommand("decrypt", "Verify, then decrypt a blob inside the HSM (gateway role)");
  decrypt->add_option("--customer", o->customer, "Customer id")->required();
  decrypt->add_option("--env", o->env, "dev or prod (default: the environment of the customer's record)");
  decrypt->add_option("--blob-key-version", o->blob_key_version, "Blob key version")->capture_default_str();
  decrypt->add_option("--in", o->in, "Blob file")->required()->check(CLI::ExistingFile);
  decrypt->add_option("--out", o->out, "Image file to write")->required();
  decrypt->add_flag("--json", o->json, "JSON output");
  decrypt->callback([o] { run_decrypt(*o); });
});

}  // namespace
