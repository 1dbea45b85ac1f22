// `meshsec boot build|verify`: boot images of the secure boot chain (W1,
// docs/blob-format.md §7–§10). `build` signs with development vendor and customer keys
// (customer_keys.hpp); `verify` runs the device's boot checks and prints every step.
#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>

#include <iostream>
#include <optional>
#include <string>

#include "command_registry.hpp"
#include "customer_keys.hpp"
#include "firmware/boot_chain.hpp"
#include "firmware/boot_image_builder.hpp"
#include "firmware_args.hpp"
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

void run_build(const BootOptions& o) {
  const auto customer = cli::dev_customer_keys(o.customer);
  const auto vendor = cli::dev_vendor_keys();
  const auto environment = parse_environment(o.environment);
  firmware::SoftwareBlobSigner vendor_signer, app_signer;
  // W9: development devices share the vendor's common development key; production
  // applications are signed with the customer's own key.
  const bool dev = environment == firmware::Environment::development;
  if (vendor_signer.init(vendor.root_seed.span()) != crypto::Status::ok ||
      app_signer.init(dev ? vendor.dev_app_seed.span() : customer.app_signing_seed.span()) != crypto::Status::ok) {
    usage_error("signing keys unusable");
  }
  firmware::KeystoreParams ks;
  ks.environment = environment;
  ks.customer_id = customer.customer_tag;
  ks.counter = o.keystore_counter;
  ks.keys = {{firmware::KeyUsage::application_signing, app_signer.public_key()},
             {firmware::KeyUsage::blob_verification, customer.blob_verification_key}};
  firmware::AppImageParams app;
  app.environment = environment;
  app.customer_id = customer.customer_tag;
  app.product_id = o.product;
  app.version = cli::parse_firmware_version(o.version);
  app.security_counter = o.security_counter;
  const auto application = cli::read_file_bytes(o.in);
  std::vector<std::uint8_t> keystore, app_image, image;
  firmware::BlobError e = firmware::build_keystore(ks, vendor_signer, keystore);
  if (e == firmware::BlobError::ok) e = firmware::build_app_image(app, application, app_signer, app_image);
  if (e == firmware::BlobError::ok) e = firmware::build_boot_image(keystore, app_image, image);
  if (e != firmware::BlobError::ok) usage_error("build failed: " + std::string(firmware::to_string(e)));
  cli::write_file_bytes(o.out, image);
  const json j{{"file", o.out},
               {"file_size", image.size()},
               {"environment", o.environment},
               {"version", cli::format_firmware_version(app.version)},
               {"security_counter", app.security_counter},
               {"keystore_counter", ks.counter},
               {"vendor_key", wire::to_hex(vendor.root_public)},
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
  if (o.vendor_key.empty()) {
    device.vendor_root = cli::dev_vendor_keys().root_public;
  } else {
    const auto key = wire::from_hex(o.vendor_key);
    if (!key || key->size() != device.vendor_root.size()) usage_error("--vendor-key must be 32 bytes of hex");
    std::copy(key->begin(), key->end(), device.vendor_root.begin());
  }
  device.lock = parse_environment(o.lock);
  if (!o.customer.empty()) device.customer_id = cli::dev_customer_keys(o.customer).customer_tag;
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
  auto* boot = root.add_subcommand("boot", "Secure boot chain: build and verify boot images (development keys)");
  boot->require_subcommand(1);
  auto o = std::make_shared<BootOptions>();

  auto* build = boot->add_subcommand("build", "Sign a keystore and an application into a boot image");
  build->add_option("--customer", o->customer, "Customer id")->required();
  build->add_option("--environment", o->environment, "dev or prod")->capture_default_str();
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
  verify->add_option("--vendor-key", o->vendor_key, "Vendor root public key (hex; default: development root)");
  verify->add_option("--lock", o->lock, "Device lifecycle lock: prod or dev")->capture_default_str();
  verify->add_option("--customer", o->customer, "Customer the device is bound to");
  verify->add_option("--installed-version", o->installed_version, "Installed application version");
  verify->add_option("--installed-counter", o->installed_counter, "Installed security counter");
  verify->add_option("--min-keystore-counter", o->min_keystore_counter, "Lowest keystore counter accepted");
  verify->add_flag("--json", o->json, "JSON output");
  verify->callback([o] { run_verify(*o); });
});

}  // namespace
