#include "factory_personaliser.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <array>
#include <chrono>
#include <cstdio>
#include <stdexcept>
#include <string_view>
#include <vector>

#include "crypto/mac.hpp"
#include "crypto/p256.hpp"
#include "crypto/random.hpp"
#include "crypto/secure_memory.hpp"
#include "boot_signing_keys.hpp"
#include "hsm_blob_signer.hpp"
#include "factory_blob.hpp"
#include "factory_customer.hpp"
#include "firmware/boot_image_builder.hpp"
#include "firmware_args.hpp"
#include "keys/cover_tree.hpp"
#include "keys/custody_derivation.hpp"
#include "keys/key_id.hpp"
#include "keys/node_key_set.hpp"
#include "keys/personalisation_image.hpp"
#include "mesh/beacon_chain.hpp"
#include "wire/hex.hpp"

namespace meshsec::cli {
namespace {

std::span<const std::uint8_t> as_bytes(std::string_view s) noexcept {
  return {reinterpret_cast<const std::uint8_t*>(s.data()), s.size()};
}

// Creates the file (it must not exist yet: an image is written once) readable by the owner
// only, and writes all bytes.
void write_new_private_file(const std::filesystem::path& path, std::span<const std::uint8_t> bytes) {
  const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  if (fd < 0) throw std::runtime_error("cannot create " + path.string() + " (it must not exist yet)");
  std::size_t done = 0;
  while (done < bytes.size()) {
    const ssize_t n = ::write(fd, bytes.data() + done, bytes.size() - done);
    if (n <= 0) {
      ::close(fd);
      throw std::runtime_error("cannot write " + path.string());
    }
    done += static_cast<std::size_t>(n);
  }
  if (::close(fd) != 0) throw std::runtime_error("cannot write " + path.string());
}

std::string sha256_hex(std::initializer_list<std::span<const std::uint8_t>> parts, std::size_t bytes = 32) {
  std::array<std::uint8_t, crypto::sha256_size> d{};
  if (crypto::sha256(parts, d) != crypto::Status::ok) throw std::runtime_error("sha256 failed");
  return wire::to_hex(std::span<const std::uint8_t>(d).first(bytes));
}

std::string key_id_hex(const keys::CustomerContext& ctx, const keys::NodeKeyRequest& req, keys::KeyPurpose purpose) {
  keys::KeyId id{};
  if (keys::compute_key_id(keys::node_key_input(ctx, req, purpose), id) != keys::KeyError::ok)
    throw std::runtime_error("key id");
  return wire::to_hex(id);
}

// The keystore a node's OS checks (W1): the customer's blob verification key, signed by the
// vendor root of the customer's environment, inside the HSM.
std::vector<std::uint8_t> build_node_keystore(hsm::KeyStore& store, const FactoryCustomer& customer) {
  firmware::KeystoreParams params;
  params.environment = customer.environment == keys::Environment::dev ? firmware::Environment::development
                                                                      : firmware::Environment::production;
  params.customer_id = customer.tag;
  params.counter = 1;
  params.keys.push_back(firmware::KeystoreEntry{firmware::KeyUsage::blob_verification, customer.blob_verification_key});
  const auto root_pair = boot_signing_key_in_custody(store, customer.environment, keys::VendorSigningKey::vendor_root,
                                                     customer.id, false);
  HsmBlobSigner root(store, root_pair.private_key);
  std::vector<std::uint8_t> out;
  if (const auto e = firmware::build_keystore(params, root, out); e != firmware::BlobError::ok)
    throw std::runtime_error("keystore: " + std::string(firmware::to_string(e)));
  return out;
}

// The network's beacon chain as every image of this batch carries it.
struct BatchChain {
  std::uint32_t rounds = 0;
  mesh::ChainValue anchor{};
  bool new_network = false;  // to be recorded once the batch is written
};

// The recorded chain of the network, checked against the rounds asked for. Derives and
// writes nothing: a conflict ends the run before the blob is even opened.
BatchChain recorded_chain(const CustomerRecord& record, const PersonaliseRequest& request) {
  if (request.beacon_rounds > keys::max_beacon_chain_rounds)
    throw std::runtime_error("--beacon-rounds must be 1.." + std::to_string(keys::max_beacon_chain_rounds));
  BatchChain chain;
  const BeaconChainRecord* recorded = record.beacon_chain(request.network_id);
  if (recorded == nullptr) {
    chain.rounds = request.beacon_rounds != 0 ? request.beacon_rounds : default_beacon_chain_rounds;
    chain.new_network = true;
    return chain;
  }
  // One chain per network: its nodes hold the anchor, and a gateway with another chain
  // would send beacons none of them could check.
  if (request.beacon_rounds != 0 && request.beacon_rounds != recorded->rounds)
    throw std::runtime_error("network " + std::to_string(request.network_id) + "'s beacon chain has " +
                             std::to_string(recorded->rounds) + " rounds (asked for " +
                             std::to_string(request.beacon_rounds) + "): no node was personalised");
  const auto anchor = wire::from_hex(recorded->anchor_hex);
  if (!anchor || anchor->size() != chain.anchor.size()) throw std::runtime_error("recorded beacon anchor");
  std::copy(anchor->begin(), anchor->end(), chain.anchor.begin());
  chain.rounds = recorded->rounds;
  return chain;
}

// A new network's anchor: the seed derived in custody exactly as a gateway's image gets it
// (purpose chain), walked down to position 0. The seed is exported for the walk and wiped;
// only the anchor, public, is kept. A long walk (the default rounds: over a minute) shows
// its progress on stderr, a line per tenth.
void compute_anchor(hsm::KeyStore& store, const FactoryCustomer& customer, const keys::CustomerContext& ctx,
                    std::uint32_t network_id, BatchChain& chain) {
  keys::NodeKeyRequest req;
  req.network_id = network_id;
  req.gateway = true;
  auto seed = keys::derive_key_for_export(store, customer.masters.master(keys::KeyPurpose::chain),
                                          keys::node_key_input(ctx, req, keys::KeyPurpose::chain));
  if (!seed) throw std::runtime_error("deriving the beacon chain seed: " + std::string(hsm::to_string(seed.error())));
  if (seed.value().size() != keys::beacon_chain_seed_size) throw std::runtime_error("beacon chain seed size");
  const std::uint64_t positions = std::uint64_t{mesh::chain_rounds(chain.rounds)} * mesh::beacon_chain_hops;
  const bool show = positions >= (std::uint64_t{1} << 26);  // a few seconds and more
  const std::string name = "beacon chain of network " + std::to_string(network_id);
  const auto start = std::chrono::steady_clock::now();
  if (show)
    std::fprintf(stderr, "%s: computing the anchor of %u rounds (%llu steps)\n", name.c_str(), chain.rounds,
                 static_cast<unsigned long long>(positions));
  std::uint64_t next_tenth = 1;
  const auto progress = [&](std::uint64_t walked, std::uint64_t total) {
    if (!show) return;
    while (next_tenth <= 10 && walked * 10 >= total * next_tenth) {
      std::fprintf(stderr, "%s: %3llu %%\n", name.c_str(), static_cast<unsigned long long>(next_tenth * 10));
      ++next_tenth;
    }
  };
  const std::span<const std::uint8_t, keys::beacon_chain_seed_size> seed_bytes(seed.value().data(),
                                                                              keys::beacon_chain_seed_size);
  const bool ok = mesh::chain_anchor(network_id, seed_bytes, chain.rounds, chain.anchor, progress);
  seed.value().wipe();
  if (!ok) throw std::runtime_error("computing the beacon chain anchor failed");
  if (show) {
    const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    std::fprintf(stderr, "%s: anchor computed in %.1f s\n", name.c_str(), seconds);
  }
}

}  // namespace

nlohmann::json personalise_nodes(hsm::KeyStore& store, const std::filesystem::path& home,
                                 const PersonaliseRequest& request) {
  if (request.count == 0 || request.count > 100000) throw std::runtime_error("--count must be 1..100000");
  CustomerRecord record = read_customer_record(home, request.customer, request.environment);
  const FactoryCustomer customer = open_customer(store, request.customer, request.environment);
  if (wire::to_hex(customer.blob_verification_key) != record.blob_verification_key_hex)
    throw std::runtime_error("the token's blob signing key differs from the customer's record");
  BatchChain chain = recorded_chain(record, request);

  // Step 2: nothing is derived or written unless the blob verifies and decrypts.
  const std::vector<std::uint8_t> blob = read_file_bytes(request.firmware_blob.string());
  firmware::BlobHeader header;
  std::vector<std::uint8_t> firmware_image;
  if (const auto e = open_blob_in_custody(store, customer, request.blob_key_version, blob, header, firmware_image);
      e != firmware::BlobError::ok)
    throw std::runtime_error("firmware blob refused (" + std::string(firmware::to_string(e)) +
                             "): no node was personalised");

  // Every image carries the node's path in the cover tree, which only mesh node ids have.
  const std::uint32_t first = request.first_node_id != 0 ? request.first_node_id : record.next_node_id;
  if (first == 0 || std::uint64_t{first} + request.count - 1 > keys::max_mesh_node_id)
    throw std::runtime_error("node ids must lie in 1.." + std::to_string(keys::max_mesh_node_id) +
                             ": no node was personalised");
  // An id is issued once: a second device under it holds the same E2 key and would seal its
  // records from counter 0, under the nonces the first one used.
  const std::uint32_t last = first + request.count - 1;
  if (const auto* taken = record.issued_overlap(first, last))
    throw std::runtime_error("node ids " + std::to_string(taken->first) + ".." + std::to_string(taken->second) +
                             " were personalised before (a second device under one id would reuse its record "
                             "nonces): no node was personalised");
  const std::vector<std::uint8_t> keystore = build_node_keystore(store, customer);
  keys::CustomerContext ctx{customer.id, customer.environment, request.key_size};
  // Step 3, before anything is written: a failed walk leaves no half batch behind.
  if (chain.new_network) compute_anchor(store, customer, ctx, request.network_id, chain);

  std::filesystem::create_directories(request.out_dir);
  write_new_private_file(request.out_dir / "firmware.bin", firmware_image);
  crypto::secure_wipe(firmware_image);

  nlohmann::json nodes = nlohmann::json::array();
  std::vector<std::uint8_t> buffer(keys::max_personalisation_image_size);
  for (std::uint32_t n = 0; n < request.count; ++n) {
    keys::NodeKeyRequest req;
    req.node_id = first + n;
    req.network_id = request.network_id;
    req.network_key_index = request.network_key_index;
    req.gateway = request.gateway;
    req.blob_key_version = request.blob_key_version;

    keys::PersonalisationImage image;
    if (!image.set_customer_id(customer.id) || !image.set_keystore(keystore)) throw std::runtime_error("image fields");
    image.environment = customer.environment;
    auto set = keys::derive_node_key_set(store, customer.masters, ctx, req);
    if (!set) throw std::runtime_error("deriving node keys: " + std::string(hsm::to_string(set.error())));
    image.keys = std::move(set).value();
    image.keys.beacon_chain_rounds = chain.rounds;
    image.keys.beacon_anchor = chain.anchor;
    if (crypto::random_secret_bytes(image.secret_serial.span()) != crypto::Status::ok)
      throw std::runtime_error("random serial");
    std::array<std::uint8_t, crypto::p256_point_size> device_public{};
    if (crypto::p256_generate(image.device_auth_key.span(), device_public) != crypto::Status::ok)
      throw std::runtime_error("device key pair");

    std::size_t written = 0;
    if (const auto e = keys::encode_personalisation_image(image, buffer, written); e != keys::ImageError::ok)
      throw std::runtime_error("image: " + std::string(keys::to_string(e)));
    const std::span<const std::uint8_t> bytes(buffer.data(), written);
    const std::string file = "node-" + std::to_string(req.node_id) + ".mspi";
    write_new_private_file(request.out_dir / file, bytes);

    nlohmann::json key_ids{{"auth", key_id_hex(ctx, req, keys::KeyPurpose::auth)},
                           {"enc", key_id_hex(ctx, req, keys::KeyPurpose::enc)},
                           {"e2", key_id_hex(ctx, req, keys::KeyPurpose::e2)},
                           {"net", key_id_hex(ctx, req, keys::KeyPurpose::net)}};
    if (request.gateway) key_ids["blob"] = key_id_hex(ctx, req, keys::KeyPurpose::blob);
    nodes.push_back({{"node_id", req.node_id},
                     {"image", file},
                     {"image_sha256", sha256_hex({bytes})},
                     {"serial_hash", sha256_hex({as_bytes("meshsec serial hash v1"), image.secret_serial.span()}, 16)},
                     {"key_ids", key_ids},
                     {"device_auth_public_key", wire::to_hex(device_public)},
                     {"gateway", request.gateway}});
    crypto::secure_wipe(buffer);
    image.wipe();
  }

  nlohmann::json manifest{
      {"format", "meshsec personalisation manifest v1"},
      {"customer", customer.id},
      {"environment", keys::to_string(customer.environment)},
      {"key_bits", static_cast<int>(request.key_size)},
      {"network_id", request.network_id},
      {"network_key_index", request.network_key_index},
      {"blob_verification_key", wire::to_hex(customer.blob_verification_key)},
      // Public: every node of the network holds the anchor. The seed, in gateway images only,
      // is not here.
      {"beacon_chain", {{"rounds", chain.rounds}, {"anchor", wire::to_hex(chain.anchor)}}},
      {"firmware",
       {{"blob_id", wire::to_hex(header.blob_id)},
        {"product_id", header.product_id},
        {"version", format_firmware_version(header.version)},
        {"security_counter", header.security_counter},
        {"image_sha256", wire::to_hex(header.image_digest)},
        {"file", "firmware.bin"}}},
      {"keystore_sha256", sha256_hex({keystore})},
      {"nodes", nodes}};
  const std::string text = manifest.dump(2) + "\n";
  write_new_private_file(request.out_dir / "manifest.json", as_bytes(text));
  record.next_node_id = std::max(record.next_node_id, first + request.count);
  record.issue(first, last);
  if (chain.new_network)
    record.beacon_chains.push_back({request.network_id, chain.rounds, wire::to_hex(chain.anchor)});
  write_customer_record(home, record);
  return manifest;
}

}  // namespace meshsec::cli
