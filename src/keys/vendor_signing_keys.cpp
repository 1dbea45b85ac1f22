#include "keys/vendor_signing_keys.hpp"

namespace meshsec::keys {
namespace {

hsm::KeyTemplate signing_template(std::string label) {
  hsm::KeyTemplate t;
  t.label = std::move(label);
  t.type = hsm::KeyType::ed25519;
  t.usage.sign = true;  // sensitive, non-extractable by default
  return t;
}

// Exactly one private and one public object under the label, or none.
hsm::Result<hsm::KeyPairHandles> find_pair(hsm::KeyStore& store, const std::string& label) {
  auto found = store.find_objects(label);
  if (!found) return found.error();
  hsm::KeyPairHandles pair;
  for (hsm::ObjectHandle h : found.value()) {
    auto info = store.object_info(h);
    if (!info) return info.error();
    if (info.value().object_class == hsm::ObjectClass::secret_key) return hsm::HsmError::bad_template;
    hsm::ObjectHandle& slot =
        info.value().object_class == hsm::ObjectClass::private_key ? pair.private_key : pair.public_key;
    if (slot != hsm::invalid_handle) return hsm::HsmError::bad_template;
    slot = h;
  }
  if ((pair.private_key == hsm::invalid_handle) != (pair.public_key == hsm::invalid_handle))
    return hsm::HsmError::bad_template;
  return pair;
}

hsm::Result<void> check_pair(hsm::KeyStore& store, const hsm::KeyPairHandles& pair, Environment environment) {
  auto info = store.object_info(pair.private_key);
  if (!info) return info.error();
  const hsm::ObjectInfo& i = info.value();
  const bool good = i.object_class == hsm::ObjectClass::private_key && i.type == hsm::KeyType::ed25519 &&
                    i.usage.sensitive && !i.usage.extractable && i.usage.sign && !i.usage.derive &&
                    !i.usage.encrypt && !i.usage.decrypt &&
                    (environment == Environment::dev || i.generated_inside);
  if (!good) return hsm::HsmError::not_permitted;
  return {};
}

hsm::Result<hsm::KeyPairHandles> open_pair(hsm::KeyStore& store, Environment environment, VendorSigningKey which,
                                           std::string_view customer_id, bool create,
                                           std::span<const std::uint8_t> dev_seed) {
  const std::string label = vendor_signing_object_label(environment, which, customer_id);
  if (label.empty()) return hsm::HsmError::bad_argument;
  auto pair = find_pair(store, label);
  if (!pair) return pair.error();
  if (pair.value().private_key == hsm::invalid_handle) {
    if (!create) return hsm::HsmError::not_found;
    if (environment == Environment::dev && dev_seed.size() != 32) return hsm::HsmError::bad_argument;
    pair = environment == Environment::prod ? store.generate_key_pair(signing_template(label))
                                            : store.import_key_pair(signing_template(label), dev_seed);
    if (!pair) return pair.error();
  }
  if (auto r = check_pair(store, pair.value(), environment); !r) return r.error();
  return pair;
}

}  // namespace

std::string vendor_signing_object_label(Environment environment, VendorSigningKey which,
                                        std::string_view customer_id) {
  if (!is_valid(environment)) return {};
  const std::string env(to_string(environment));
  switch (which) {
    case VendorSigningKey::vendor_root:
      return "meshsec/vendor/" + env + "/root";
    case VendorSigningKey::app_signing:
      if (environment == Environment::dev) return "meshsec/dev/app-signing";
      if (!is_valid_customer_id(customer_id)) return {};
      return "meshsec/prod/" + std::string(customer_id) + "/app-signing";
  }
  return {};
}

hsm::Result<hsm::KeyPairHandles> find_vendor_signing_key(hsm::KeyStore& store, Environment environment,
                                                         VendorSigningKey which, std::string_view customer_id) {
  return open_pair(store, environment, which, customer_id, false, {});
}

hsm::Result<hsm::KeyPairHandles> provision_vendor_signing_key(hsm::KeyStore& store, Environment environment,
                                                              VendorSigningKey which, std::string_view customer_id,
                                                              std::span<const std::uint8_t> dev_seed) {
  return open_pair(store, environment, which, customer_id, true, dev_seed);
}

}  // namespace meshsec::keys
