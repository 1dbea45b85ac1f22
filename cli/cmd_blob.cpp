// `meshsec blob build|inspect|verify|decrypt`: firmware blobs (docs/blob-format.md).
// Keys come from customer_keys.hpp (development keys until the HSM backend replaces them).
#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>

#include <iostream>
#include <optional>
#include <string>

#include "command_registry.hpp"
#include "customer_keys.hpp"
#include "firmware/blob_builder.hpp"
#include "firmware/blob_decryptor.hpp"
#include "firmware/blob_verifier.hpp"
#include "firmware/merkle_tree.hpp"
#include "firmware_args.hpp"
#include "wire/hex.hpp"

namespace {

using namespace meshsec;
using nlohmann::json;

struct BlobOptions {
  std::string customer;
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

void run_build(const BlobOptions& o) {
  const auto keys = cli::dev_customer_keys(o.customer);
  firmware::SoftwareBlobSigner signer;
  if (signer.init(keys.blob_signing_seed.span()) != crypto::Status::ok) usage_error("signing key unusable");
  firmware::BlobBuildParams params;
  params.customer_id = keys.customer_tag;
  params.product_id = o.product.value_or(0);
  params.version = cli::parse_firmware_version(o.version);
  params.security_counter = o.security_counter;
  params.chunk_size = o.chunk_size;
  const auto image = cli::read_file_bytes(o.in);
  std::vector<std::uint8_t> blob;
  const firmware::BlobBuilder builder(keys.blob_encryption_key.span(), signer);
  if (const auto e = builder.build(params, image, blob); e != firmware::BlobError::ok) {
    usage_error("build failed: " + std::string(firmware::to_string(e)));
  }
  cli::write_file_bytes(o.out, blob);
  firmware::BlobFileView file;
  (void)firmware::parse_blob_file(blob, file);
  json j = header_json(file.header);
  j["file"] = o.out;
  j["file_size"] = blob.size();
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
firmware::BlobError verify_file(const std::vector<std::uint8_t>& blob, const cli::DevCustomerKeys& keys,
                                const BlobOptions& o, firmware::BlobVerifier& verifier) {
  firmware::BlobFileView file;
  if (const auto e = firmware::parse_blob_file(blob, file); e != firmware::BlobError::ok) return e;
  firmware::BlobPolicy policy;
  policy.customer_id = keys.customer_tag;
  policy.product_id = o.product;
  if (!o.installed_version.empty()) policy.installed.version = cli::parse_firmware_version(o.installed_version);
  policy.installed.security_counter = o.installed_counter;
  if (const auto e = verifier.begin(std::span(blob).first(firmware::blob::signed_header_size),
                                    keys.blob_verification_key, policy);
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

void run_verify(const BlobOptions& o) {
  const auto keys = cli::dev_customer_keys(o.customer);
  const auto blob = cli::read_file_bytes(o.in);
  firmware::BlobVerifier verifier;
  const auto e = verify_file(blob, keys, o, verifier);
  json j{{"ok", e == firmware::BlobError::ok}, {"result", firmware::to_string(e)}};
  if (verifier.state() != firmware::BlobVerifier::State::failed && verifier.state() != firmware::BlobVerifier::State::idle) {
    j["header"] = header_json(verifier.header());
    j["chunks_verified"] = verifier.received().present();
  }
  print(j, o.json);
  if (e != firmware::BlobError::ok) cli::exit_with(1);
}

void run_decrypt(const BlobOptions& o) {
  const auto keys = cli::dev_customer_keys(o.customer);
  const auto blob = cli::read_file_bytes(o.in);
  firmware::BlobVerifier verifier;
  auto e = verify_file(blob, keys, o, verifier);  // never decrypt what did not verify
  std::vector<std::uint8_t> image;
  if (e == firmware::BlobError::ok) {
    firmware::BlobFileView file;
    e = firmware::parse_blob_file(blob, file);
    if (e == firmware::BlobError::ok) e = firmware::decrypt_blob(file, keys.blob_encryption_key.span(), image);
  }
  if (e != firmware::BlobError::ok) {
    print(json{{"ok", false}, {"result", firmware::to_string(e)}}, o.json);
    cli::exit_with(1);
  }
  cli::write_file_bytes(o.out, image);
  print(json{{"ok", true}, {"result", "ok"}, {"file", o.out}, {"image_size", image.size()}}, o.json);
}

const bool registered = cli::register_command(50, [](CLI::App& root) {
  auto* blob = root.add_subcommand("blob", "Build, inspect, verify and decrypt firmware blobs (development keys)");
  blob->require_subcommand(1);

  auto o = std::make_shared<BlobOptions>();
  auto* build = blob->add_subcommand("build", "Encrypt and sign an image into a blob");
  build->add_option("--customer", o->customer, "Customer id")->required();
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
  verify->add_option("--installed-version", o->installed_version, "Version installed on the device");
  verify->add_option("--installed-counter", o->installed_counter, "Security counter installed on the device");
  verify->add_option("--product", o->product, "Expected product id");
  verify->add_option("blob", o->in, "Blob file")->required()->check(CLI::ExistingFile);
  verify->add_flag("--json", o->json, "JSON output");
  verify->callback([o] { run_verify(*o); });

  auto* decrypt = blob->add_subcommand("decrypt", "Verify, then decrypt a blob to its image (gateway key)");
  decrypt->add_option("--customer", o->customer, "Customer id")->required();
  decrypt->add_option("--in", o->in, "Blob file")->required()->check(CLI::ExistingFile);
  decrypt->add_option("--out", o->out, "Image file to write")->required();
  decrypt->add_flag("--json", o->json, "JSON output");
  decrypt->callback([o] { run_decrypt(*o); });
});

}  // namespace
