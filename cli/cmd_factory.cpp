// `meshsec factory`: customers and node personalisation on the PKCS#11 HSM (docs/factory.md).
//   factory init        --customer ID --env dev|prod [--json]
//   factory seal        --customer ID --image FILE --out BLOB [--product N --version V ...] [--json]
//   factory personalise --customer ID --count N --out DIR --firmware BLOB [--beacon-rounds N] [--json]
// No command here prints or returns a secret: images go only into their 0600 files.
#include <iostream>
#include <nlohmann/json.hpp>
#include <stdexcept>
#include <string>

#include "boot_signing_keys.hpp"
#include "command_registry.hpp"
#include "factory_blob.hpp"
#include "factory_customer.hpp"
#include "factory_personaliser.hpp"
#include "firmware_args.hpp"
#include "hsm_config.hpp"
#include "keys/customer_masters.hpp"
#include "keys/node_key_set.hpp"
#include "wire/hex.hpp"

namespace {

using namespace meshsec;

keys::Environment environment_of(const std::string& text, const std::string& customer,
                                 const std::filesystem::path& home) {
  if (text.empty()) return cli::customer_environment(home, customer);
  keys::Environment e{};
  if (!keys::parse_environment(text, e)) throw std::runtime_error("--env must be dev or prod");
  return e;
}

void print(const nlohmann::json& j, bool json, const std::string& text) {
  if (json) {
    std::cout << j.dump(2) << "\n";
  } else {
    std::cout << text;
  }
}

struct InitOptions {
  std::string customer;
  std::string env;
  bool json = false;
};

void run_init(const InitOptions& o) {
  keys::Environment env{};
  if (!keys::parse_environment(o.env, env)) throw std::runtime_error("--env must be dev or prod");
  if (!keys::is_valid_customer_id(o.customer))
    throw std::runtime_error("--customer: 1..64 characters of [A-Za-z0-9._-]");
  const auto settings = cli::load_hsm_settings();
  // Development masters are the published bytes (W9), brought in; production ones are
  // generated inside and the store refuses imports.
  auto store = cli::open_factory_store(settings, env == keys::Environment::dev);
  const cli::FactoryCustomer customer = cli::provision_customer(*store, o.customer, env);
  // The boot chain's signing keys of this environment (W1): the vendor root and the
  // application signing key (the customer's own in prod, the common one in dev, W9).
  const auto vendor_root =
      cli::boot_signing_key_in_custody(*store, env, keys::VendorSigningKey::vendor_root, o.customer, true);
  const auto app_signing =
      cli::boot_signing_key_in_custody(*store, env, keys::VendorSigningKey::app_signing, o.customer, true);
  cli::CustomerRecord record;
  const auto path = cli::customer_record_path(settings.home, o.customer, env);
  if (std::filesystem::exists(path)) record = cli::read_customer_record(settings.home, o.customer, env);
  record.customer = o.customer;
  record.environment = env;
  record.blob_verification_key_hex = wire::to_hex(customer.blob_verification_key);
  cli::write_customer_record(settings.home, record);

  nlohmann::json objects = nlohmann::json::array();
  for (keys::KeyPurpose p : {keys::KeyPurpose::auth, keys::KeyPurpose::enc, keys::KeyPurpose::e2,
                             keys::KeyPurpose::net, keys::KeyPurpose::blob}) {
    auto info = store->object_info(customer.masters.master(p));
    objects.push_back({{"purpose", keys::to_string(p)},
                       {"label", keys::master_object_label(env, o.customer, p)},
                       {"generated_inside", info && info.value().generated_inside},
                       {"extractable", info && info.value().usage.extractable}});
  }
  nlohmann::json j{{"customer", o.customer},
                   {"environment", keys::to_string(env)},
                   {"token", settings.token_label},
                   {"module", store->module_path()},
                   {"masters", objects},
                   {"blob_signing_key", keys::blob_signing_object_label(env, o.customer)},
                   {"blob_verification_key", record.blob_verification_key_hex},
                   {"vendor_root_key", keys::vendor_signing_object_label(env, keys::VendorSigningKey::vendor_root, o.customer)},
                   {"vendor_root_public_key", wire::to_hex(cli::boot_signing_public_key(*store, vendor_root))},
                   {"app_signing_key", keys::vendor_signing_object_label(env, keys::VendorSigningKey::app_signing, o.customer)},
                   {"app_signing_public_key", wire::to_hex(cli::boot_signing_public_key(*store, app_signing))},
                   {"next_node_id", record.next_node_id},
                   {"record", path.string()}};
  std::string text = "customer " + o.customer + " (" + std::string(keys::to_string(env)) + ") ready on token \"" +
                     settings.token_label + "\"\n  blob verification key " + record.blob_verification_key_hex + "\n";
  if (env == keys::Environment::dev)
    text += "  DEVELOPMENT keys: the published masters shared by all development customers (W9)\n";
  print(j, o.json, text);
}

struct SealOptions {
  std::string customer;
  std::string env;
  std::string image;
  std::string out;
  std::uint32_t product = 0;
  std::string version = "0.0.0";
  std::uint32_t security_counter = 0;
  std::size_t chunk_size = 256;
  std::uint32_t blob_key_version = 1;
  bool json = false;
};

void run_seal(const SealOptions& o) {
  const auto settings = cli::load_hsm_settings();
  const keys::Environment env = environment_of(o.env, o.customer, settings.home);
  auto store = cli::open_factory_store(settings, false);
  const cli::FactoryCustomer customer = cli::open_customer(*store, o.customer, env);
  firmware::BlobBuildParams params;
  params.product_id = o.product;
  params.version = cli::parse_firmware_version(o.version);
  params.security_counter = o.security_counter;
  params.chunk_size = o.chunk_size;
  const auto image = cli::read_file_bytes(o.image);
  std::vector<std::uint8_t> blob;
  if (const auto e = cli::seal_blob_in_custody(*store, customer, params, o.blob_key_version, image, blob);
      e != firmware::BlobError::ok)
    throw std::runtime_error("sealing the blob: " + std::string(firmware::to_string(e)));
  cli::write_file_bytes(o.out, blob);
  firmware::BlobHeader h;
  (void)firmware::parse_blob_header(std::span<const std::uint8_t>(blob).first(firmware::blob::header_size), h);
  nlohmann::json j{{"customer", o.customer},
                   {"environment", keys::to_string(env)},
                   {"blob", o.out},
                   {"blob_id", wire::to_hex(h.blob_id)},
                   {"size", blob.size()},
                   {"chunks", h.chunk_count},
                   {"encryption_key_id", wire::to_hex(h.encryption_key_id)},
                   {"signing_key_id", wire::to_hex(h.signing_key_id)}};
  print(j, o.json, "sealed " + std::to_string(image.size()) + " bytes into " + o.out + " (" +
                       std::to_string(blob.size()) + " bytes, encrypted and signed inside the HSM)\n");
}

struct PersonaliseOptions {
  std::string customer;
  std::string env;
  std::uint32_t count = 1;
  std::string out;
  std::string firmware;
  std::uint32_t first_node_id = 0;
  std::uint32_t network_id = 1;
  unsigned network_key_index = 0;
  unsigned key_bits = 256;
  bool gateway = false;
  std::uint32_t blob_key_version = 1;
  std::uint64_t beacon_rounds = 0;
  bool beacon_rounds_given = false;
  bool json = false;
};

void run_personalise(const PersonaliseOptions& o) {
  const auto settings = cli::load_hsm_settings();
  cli::PersonaliseRequest r;
  r.customer = o.customer;
  r.environment = environment_of(o.env, o.customer, settings.home);
  r.count = o.count;
  r.out_dir = o.out;
  r.firmware_blob = o.firmware;
  r.first_node_id = o.first_node_id;
  r.network_id = o.network_id;
  if (o.network_key_index > 255) throw std::runtime_error("--network-key-index must be 0..255");
  r.network_key_index = static_cast<std::uint8_t>(o.network_key_index);
  if (o.key_bits != 128 && o.key_bits != 256) throw std::runtime_error("--key-bits must be 128 or 256");
  r.key_size = o.key_bits == 128 ? keys::KeySize::bits128 : keys::KeySize::bits256;
  r.gateway = o.gateway;
  r.blob_key_version = o.blob_key_version;
  if (o.beacon_rounds_given) {
    if (o.beacon_rounds < 1 || o.beacon_rounds > keys::max_beacon_chain_rounds)
      throw std::runtime_error("--beacon-rounds must be 1.." + std::to_string(keys::max_beacon_chain_rounds));
    r.beacon_rounds = static_cast<std::uint32_t>(o.beacon_rounds);
  }
  auto store = cli::open_factory_store(settings, false);
  const nlohmann::json manifest = cli::personalise_nodes(*store, settings.home, r);
  print(manifest, o.json,
        "personalised " + std::to_string(o.count) + " node(s) of " + o.customer + " into " + o.out +
            " (images are written once, 0600; manifest.json holds no secrets)\n");
}

template <class F>
void guarded(F&& f) {
  try {
    f();
  } catch (const std::runtime_error& e) {
    std::cerr << "meshsec factory: " << e.what() << "\n";
    meshsec::cli::exit_with(1);
  }
}

const bool registered = meshsec::cli::register_command(40, [](CLI::App& root) {
  auto* factory = root.add_subcommand("factory", "Customers and node personalisation on the HSM (M2, M6, W9)");
  factory->require_subcommand(1);

  auto init = std::make_shared<InitOptions>();
  auto* i = factory->add_subcommand("init", "Create a customer's masters and blob signing key in the HSM");
  i->add_option("--customer", init->customer, "Customer id")->required();
  i->add_option("--env", init->env, "dev (published development keys) or prod (customer keys)")->required();
  i->add_flag("--json", init->json, "JSON output");
  i->callback([init] { guarded([&] { run_init(*init); }); });

  auto seal = std::make_shared<SealOptions>();
  auto* s = factory->add_subcommand("seal", "Encrypt and sign a combined firmware image inside the HSM");
  s->add_option("--customer", seal->customer, "Customer id")->required();
  s->add_option("--env", seal->env, "dev or prod (default: the one initialised)");
  s->add_option("--image", seal->image, "Plaintext combined image")->required();
  s->add_option("--out", seal->out, "Blob file to write")->required();
  s->add_option("--product", seal->product, "Product id");
  s->add_option("--version", seal->version, "Firmware version, e.g. 1.2.3");
  s->add_option("--security-counter", seal->security_counter, "Anti-rollback counter");
  s->add_option("--chunk-size", seal->chunk_size, "Chunk size in bytes");
  s->add_option("--blob-key-version", seal->blob_key_version, "Version of the blob key");
  s->add_flag("--json", seal->json, "JSON output");
  s->callback([seal] { guarded([&] { run_seal(*seal); }); });

  auto pers = std::make_shared<PersonaliseOptions>();
  auto* p = factory->add_subcommand("personalise", "Verify the firmware blob, then write one image per node");
  p->add_option("--customer", pers->customer, "Customer id")->required();
  p->add_option("--env", pers->env, "dev or prod (default: the one initialised)");
  p->add_option("--count", pers->count, "Number of nodes")->required()->check(CLI::PositiveNumber);
  p->add_option("--out", pers->out, "Output directory")->required();
  p->add_option("--firmware", pers->firmware, "Encrypted, signed firmware blob")->required();
  p->add_option("--first-node-id", pers->first_node_id, "First node id, 1..65520 (default: continue)");
  p->add_option("--network-id", pers->network_id, "Installation (network) id");
  p->add_option("--network-key-index", pers->network_key_index, "Network key index 0..255");
  p->add_option("--key-bits", pers->key_bits, "Derived key size: 128 or 256");
  p->add_flag("--gateway", pers->gateway, "Gateways: add the blob decryption key and the beacon chain seed");
  p->add_option("--blob-key-version", pers->blob_key_version, "Version of the blob key");
  auto* rounds = p->add_option("--beacon-rounds", pers->beacon_rounds,
                               "Rounds of the network's beacon chain, fixed by its first batch (default: the "
                               "recorded chain, or 31536000 = ten years of 10-s rounds)");
  p->add_flag("--json", pers->json, "JSON output (the manifest)");
  p->callback([pers, rounds] {
    pers->beacon_rounds_given = rounds->count() > 0;
    guarded([&] { run_personalise(*pers); });
  });
});

}  // namespace
