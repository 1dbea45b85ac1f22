// `meshsec boot build|verify`: boot images of the secure boot chain (W1,
// docs/blob-format.md §7–§10). `build` signs the keystore with the vendor root and the
// application with its signing key, both inside the HSM (boot_signing_keys.hpp); the
// keystore carries the customer's blob verification key from custody. `verify` runs the
// device's boot checks and prints every step, anchored by default at the vendor root's
// public key read from the token. The dev vendor root is the published, INSECURE one.
#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>

#include <iostream>
#include <optional>
#include <string>

#include "command_registry.hpp"
#include "boot_signing_keys.hpp"
#include "factory_customer.hpp"
#include "firmware/customer_tag.hpp"
#include "firmware/boot_chain.hpp"
#include "firmware/boot_image_builder.hpp"
#include "firmware_args.hpp"
#include "hsm_blob_signer.hpp"
#include "hsm_config.hpp"
#include "wire/hex.hpp"

namespace {

using namespace meshsec;
using nlohmann::json;

struct BootOptions {
  std::string customer;
  std::string environment = "dev";
  std::string version;
  std::uint32_t security_counter = 0;
  std::uint32_t keystore_counter = 1;
  std::uint32_t product = 0;
  std::string in;
  std::string out;
  std::string vendor_key;
  std::string vendor_root;   // dev or prod; default follows --environment / --lock
  std::string customer_env;  // the customer's custody environment; default from its record
  std::string lock = "prod";
  std::string installed_version;
  std::uint32_t installed_counter = 0;
  std::uint32_t min_keystore_counter = 0;
  bool json = false;
};

[[noreturn]] void usage_error(const std::string& message) {
  std::cerr << "meshsec boot: " << message << "\n";
  cli::exit_with(2);
}

firmware::Environment parse_environment(const std::string& text) {
  if (text == "dev") return firmware::Environment::development;
  if (text == "prod") return firmware::Environment::production;
  usage_error("environment must be dev or prod, not '" + text + "'");
}

keys::Environment key_environment(const std::string& text, firmware::Environment fallback) {
  if (text.empty()) return fallback == firmware::Environment::development ? keys::Environment::dev : keys::Environment::prod;
  keys::Environment e{};
  if (!keys::parse_environment(text, e)) usage_error("--vendor-root must be dev or prod, not '" + text + "'");
  return e;
}

void run_build(const BootOptions& o) {
  const auto environment = parse_environment(o.environment);
  const bool dev = environment == firmware::Environment::development;
  const keys::Environment root_env = key_environment(o.vendor_root, environment);
  const auto settings = cli::load_hsm_settings();
  keys::Environment customer_env{};
  if (o.customer_env.empty()) {
    customer_env = cli::customer_environment(settings.home, o.customer);
  } else if (!keys::parse_environment(o.customer_env, customer_env)) {
    usage_error("--customer-env must be dev or prod");
  }
  auto store = cli::open_factory_store(settings, false);
  const cli::FactoryCustomer customer = cli::open_customer(*store, o.customer, customer_env);
  // W9: development devices share the vendor's common development application key;
  // production applications are signed with the customer's own key.
  const auto root = cli::boot_signing_key_in_custody(*store, root_env, keys::VendorSigningKey::vendor_root, "", false);
  const auto app = cli::boot_signing_key_in_custody(*store, dev ? keys::Environment::dev : keys::Environment::prod,
                                                    keys::VendorSigningKey::app_signing, o.customer, false);
  cli::HsmBlobSigner vendor_signer(*store, root.private_key);
  cli::HsmBlobSigner app_signer(*store, app.private_key);
  firmware::KeystoreParams ks;
  ks.environment = environment;
  ks.customer_id = customer.tag;
  ks.counter = o.keystore_counter;
  ks.keys = {{firmware::KeyUsage::application_signing, app_signer.public_key()},
             {firmware::KeyUsage::blob_verification, customer.blob_verification_key}};
  firmware::AppImageParams app_params;
  app_params.environment = environment;
  app_params.customer_id = customer.tag;
  app_params.product_id = o.product;
  app_params.version = cli::parse_firmware_version(o.version);
  app_params.security_counter = o.security_counter;
  const auto application = cli::read_file_bytes(o.in);
  std::vector<std::uint8_t> keystore, app_image, image;
  firmware::BlobError e = firmware::build_keystore(ks, vendor_signer, keystore);
  if (e == firmware::BlobError::ok) e = firmware::build_app_image(app_params, application, app_signer, app_image);
  if (e == firmware::BlobError::ok) e = firmware::build_boot_image(keystore, app_image, image);
  if (e != firmware::BlobError::ok) usage_error("build failed: " + std::string(firmware::to_string(e)));
  cli::write_file_bytes(o.out, image);
  const json j{{"file", o.out},
               {"file_size", image.size()},
               {"environment", o.environment},
               {"version", cli::format_firmware_version(app_params.version)},
               {"security_counter", app_params.security_counter},
               {"keystore_counter", ks.counter},
               {"vendor_root", keys::to_string(root_env)},
               {"vendor_key", wire::to_hex(vendor_signer.public_key())},
               {"app_signing_key", wire::to_hex(app_signer.public_key())}};
  if (o.json) {
    std::cout << j.dump(2) << "\n";
  } else {
    for (const auto& [key, value] : j.items())
      std::cout << key << ": " << (value.is_string() ? value.get<std::string>() : value.dump()) << "\n";
  }
}

void run_verify(const BootOptions& o) {
  firmware::DeviceBootState device;
  device.lock = parse_environment(o.lock);
  if (o.vendor_key.empty()) {
    // The anchor a device of this lock holds in ROM, read from the token (public only).
    const auto settings = cli::load_hsm_settings();
    auto store = cli::open_factory_store(settings, false);
    const auto root = cli::boot_signing_key_in_custody(*store, key_environment(o.vendor_root, device.lock),
                                                       keys::VendorSigningKey::vendor_root, "", false);
    device.vendor_root = cli::boot_signing_public_key(*store, root);
  } else {
    const auto key = wire::from_hex(o.vendor_key);
    if (!key || key->size() != device.vendor_root.size()) usage_error("--vendor-key must be 32 bytes of hex");
    std::copy(key->begin(), key->end(), device.vendor_root.begin());
  }
  if (!o.customer.empty()) {
    std::uint64_t tag = 0;
    if (firmware::customer_tag(o.customer, tag) != firmware::BlobError::ok) usage_error("--customer: invalid customer id");
    device.customer_id = tag;
  }
  if (!o.installed_version.empty()) device.installed.version = cli::parse_firmware_version(o.installed_version);
  device.installed.security_counter = o.installed_counter;
  device.min_keystore_counter = o.min_keystore_counter;

  const auto image = cli::read_file_bytes(o.in);
  firmware::BootReport report;
  const auto e = firmware::verify_boot_image(image, device, report);
  json steps = json::array();
  for (std::size_t i = 0; i < report.step_count; ++i) {
    steps.push_back({{"step", firmware::to_string(report.steps[i].step)},
                     {"result", firmware::to_string(report.steps[i].result)}});
  }
  json j{{"ok", e == firmware::BlobError::ok}, {"result", firmware::to_string(e)}, {"steps", steps}};
  if (e == firmware::BlobError::ok) {
    j["environment"] = firmware::to_string(report.app.environment);
    j["version"] = cli::format_firmware_version(report.app.version);
    j["security_counter"] = report.app.security_counter;
    j["app_size"] = report.app.app.size();
  }
  if (o.json) {
    std::cout << j.dump(2) << "\n";
  } else {
    for (std::size_t i = 0; i < report.step_count; ++i) {
      const bool passed = report.steps[i].result == firmware::BlobError::ok;
      std::cout << (passed ? "[ ok ] " : "[FAIL] ") << firmware::to_string(report.steps[i].step)
                << (passed ? "" : std::string(": ") + std::string(firmware::to_string(report.steps[i].result)))
                << "\n";
    }
    std::cout << (e == firmware::BlobError::ok ? "boot: ok" : "boot: refused") << "\n";
  }
  if (e != firmware::BlobError::ok) cli::exit_with(1);
}

const bool registered = cli::register_command(55, [](CLI::App& root) {
  auto* boot = root.add_subcommand("boot", "Secure boot chain: build and verify boot images (keys in the HSM)");
  boot->require_subcommand(1);
  auto o = std::make_shared<BootOptions>();

  auto* build = boot->add_subcommand("build", "Sign a keystore and an application into a boot image");
  build->add_option("--customer", o->customer, "Customer id")->required();
  build->add_option("--environment", o->environment, "dev or prod")->capture_default_str();
  build->add_option("--customer-env", o->customer_env, "The customer's custody environment (default: its record)");
  build->add_option("--vendor-root", o->vendor_root,
                    "Vendor root: prod, or dev (published, INSECURE); default follows --environment");
  build->add_option("--version", o->version, "Application version MAJOR.MINOR.REVISION[+BUILD]")->required();
  build->add_option("--security-counter", o->security_counter, "Application anti-rollback counter");
  build->add_option("--keystore-counter", o->keystore_counter, "Keystore anti-rollback counter")->capture_default_str();
  build->add_option("--product", o->product, "Product id");
  build->add_option("--in", o->in, "Application binary")->required()->check(CLI::ExistingFile);
  build->add_option("--out", o->out, "Boot image to write")->required();
  build->add_flag("--json", o->json, "JSON output");
  build->callback([o] { run_build(*o); });

  auto* verify = boot->add_subcommand("verify", "Run the boot checks step by step; exit 0 only if it would boot");
  verify->add_option("image", o->in, "Boot image")->required()->check(CLI::ExistingFile);
  verify->add_option("--vendor-key", o->vendor_key, "Vendor root public key (hex; default: the token's vendor root)");
  verify->add_option("--vendor-root", o->vendor_root, "Token vendor root to anchor at: prod or dev; default follows --lock");
  verify->add_option("--lock", o->lock, "Device lifecycle lock: prod or dev")->capture_default_str();
  verify->add_option("--customer", o->customer, "Customer the device is bound to");
  verify->add_option("--installed-version", o->installed_version, "Installed application version");
  verify->add_option("--installed-counter", o->installed_counter, "Installed security counter");
  verify->add_option("--min-keystore-counter", o->min_keystore_counter, "Lowest keystore counter accepted");
  verify->add_flag("--json", o->json, "JSON output");
  verify->callback([o] { run_verify(*o); });
});

}  // namespace
