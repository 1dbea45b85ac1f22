#include "firmware/boot_chain.hpp"

#include "crypto/ed25519.hpp"
#include "crypto/mac.hpp"
#include "crypto/secure_memory.hpp"
#include "firmware/key_id.hpp"

namespace meshsec::firmware {
namespace {

// Records a step and passes its result through, so each check reads as one line.
class StepLog {
 public:
  explicit StepLog(BootReport& report) noexcept : report_(report) {}
  BlobError record(BootStep step, BlobError result) noexcept {
    if (report_.step_count < report_.steps.size()) report_.steps[report_.step_count++] = {step, result};
    return result;
  }

 private:
  BootReport& report_;
};

BlobError check_keystore_signature(const KeystoreView& k, const Ed25519PublicKey& vendor_root) noexcept {
  blob::KeyId vendor_id{};
  if (public_key_id(vendor_root, vendor_id) != BlobError::ok) return BlobError::crypto_failure;
  if (!crypto::equal_constant_time(vendor_id, k.vendor_key_id)) return BlobError::bad_signature;
  std::array<std::uint8_t, max_keystore_signing_message> message{};
  std::size_t length = 0;
  if (keystore_signing_message(k.body, message, length) != BlobError::ok) return BlobError::malformed;
  if (crypto::ed25519_verify(vendor_root, std::span<const std::uint8_t>(message).first(length), k.signature) !=
      crypto::Status::ok) {
    return BlobError::bad_signature;
  }
  return BlobError::ok;
}

BlobError check_environment(Environment signed_env, Environment lock) noexcept {
  // A development device runs either; a production-locked one only production.
  return (lock == Environment::production && signed_env != Environment::production) ? BlobError::wrong_environment
                                                                                    : BlobError::ok;
}

}  // namespace

const char* to_string(BootStep step) noexcept {
  switch (step) {
    case BootStep::boot_image_parse: return "boot_image_parse";
    case BootStep::keystore_parse: return "keystore_parse";
    case BootStep::keystore_vendor_signature: return "keystore_vendor_signature";
    case BootStep::keystore_environment: return "keystore_environment";
    case BootStep::keystore_customer: return "keystore_customer";
    case BootStep::keystore_rollback: return "keystore_rollback";
    case BootStep::app_parse: return "app_parse";
    case BootStep::app_customer: return "app_customer";
    case BootStep::app_key_lookup: return "app_key_lookup";
    case BootStep::app_signature: return "app_signature";
    case BootStep::app_environment: return "app_environment";
    case BootStep::app_digest: return "app_digest";
    case BootStep::app_rollback: return "app_rollback";
  }
  return "unknown";
}

const KeystoreEntry* find_keystore_key(const KeystoreView& keystore, KeyUsage usage,
                                       const blob::KeyId& key_id) noexcept {
  for (std::size_t i = 0; i < keystore.key_count && i < keystore.keys.size(); ++i) {
    if (keystore.keys[i].usage != usage) continue;
    blob::KeyId id{};
    if (public_key_id(keystore.keys[i].public_key, id) != BlobError::ok) return nullptr;
    if (id == key_id) return &keystore.keys[i];  // key ids are public
  }
  return nullptr;
}

BlobError verify_keystore(std::span<const std::uint8_t> keystore, const DeviceBootState& device,
                          KeystoreView& out) noexcept {
  KeystoreView k;
  if (const BlobError e = parse_keystore(keystore, k); e != BlobError::ok) return e;
  if (const BlobError e = check_keystore_signature(k, device.vendor_root); e != BlobError::ok) return e;
  if (const BlobError e = check_environment(k.environment, device.lock); e != BlobError::ok) return e;
  if (device.customer_id && *device.customer_id != k.customer_id) return BlobError::wrong_customer;
  if (k.counter < device.min_keystore_counter) return BlobError::rollback;
  out = k;
  return BlobError::ok;
}

BlobError verify_boot_image(std::span<const std::uint8_t> image, const DeviceBootState& device,
                            BootReport& report) noexcept {
  report = BootReport{};
  StepLog log(report);
  BlobError e = BlobError::malformed;

  BootImageView parts;
  if ((e = log.record(BootStep::boot_image_parse, parse_boot_image(image, parts))) != BlobError::ok) return report.result = e;

  // Step 1: the keystore, anchored in the vendor root key.
  KeystoreView& k = report.keystore;
  if ((e = log.record(BootStep::keystore_parse, parse_keystore(parts.keystore, k))) != BlobError::ok) return report.result = e;
  if ((e = log.record(BootStep::keystore_vendor_signature, check_keystore_signature(k, device.vendor_root))) !=
      BlobError::ok) {
    return report.result = e;
  }
  if ((e = log.record(BootStep::keystore_environment, check_environment(k.environment, device.lock))) != BlobError::ok) {
    return report.result = e;
  }
  e = (device.customer_id && *device.customer_id != k.customer_id) ? BlobError::wrong_customer : BlobError::ok;
  if (log.record(BootStep::keystore_customer, e) != BlobError::ok) return report.result = e;
  e = k.counter < device.min_keystore_counter ? BlobError::rollback : BlobError::ok;
  if (log.record(BootStep::keystore_rollback, e) != BlobError::ok) return report.result = e;

  // Step 2: the application, verified with a key of the now trusted keystore.
  AppImageView& a = report.app;
  if ((e = log.record(BootStep::app_parse, parse_app_image(parts.app_image, a))) != BlobError::ok) return report.result = e;
  e = a.customer_id != k.customer_id ? BlobError::wrong_customer : BlobError::ok;
  if (e == BlobError::ok && device.product_id && *device.product_id != a.product_id) e = BlobError::wrong_product;
  if (log.record(BootStep::app_customer, e) != BlobError::ok) return report.result = e;
  const KeystoreEntry* key = find_keystore_key(k, KeyUsage::application_signing, a.signing_key_id);
  e = key == nullptr ? BlobError::key_not_in_keystore : BlobError::ok;
  if (log.record(BootStep::app_key_lookup, e) != BlobError::ok) return report.result = e;
  std::array<std::uint8_t, app_signing_message_size> message{};
  app_signing_message(a.header.first<boot::app_header_size>(), message);
  e = crypto::ed25519_verify(key->public_key, message, a.signature) == crypto::Status::ok ? BlobError::ok
                                                                                          : BlobError::bad_signature;
  if (log.record(BootStep::app_signature, e) != BlobError::ok) return report.result = e;
  // The app's environment is signed; it must match its keystore and the device lock.
  e = a.environment != k.environment ? BlobError::wrong_environment : check_environment(a.environment, device.lock);
  if (log.record(BootStep::app_environment, e) != BlobError::ok) return report.result = e;
  blob::Digest digest{};
  e = BlobError::digest_mismatch;
  if (crypto::sha256({a.app}, digest) != crypto::Status::ok) {
    e = BlobError::crypto_failure;
  } else if (crypto::equal_constant_time(digest, a.app_digest)) {
    e = BlobError::ok;
  }
  if (log.record(BootStep::app_digest, e) != BlobError::ok) return report.result = e;
  e = (a.security_counter < device.installed.security_counter || a.version < device.installed.version)
          ? BlobError::rollback
          : BlobError::ok;
  if (log.record(BootStep::app_rollback, e) != BlobError::ok) return report.result = e;
  return report.result = BlobError::ok;
}

}  // namespace meshsec::firmware
