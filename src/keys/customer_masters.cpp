#include "keys/customer_masters.hpp"

#include "keys/dev_master_keys.hpp"
#include "keys/key_derivation.hpp"

namespace meshsec::keys {
namespace {

// One custody object each. Not cover: its keys come from the net master (master_purpose()).
constexpr KeyPurpose kMasterPurposes[] = {KeyPurpose::auth, KeyPurpose::enc, KeyPurpose::e2, KeyPurpose::net,
                                          KeyPurpose::blob};

std::string prefix(Environment environment, std::string_view customer_id) {
  std::string out = "meshsec/";
  out += to_string(environment);
  out += '/';
  if (environment == Environment::prod) {
    out += customer_id;
    out += '/';
  }
  return out;
}

hsm::KeyTemplate master_template(std::string label) {
  hsm::KeyTemplate t;
  t.label = std::move(label);
  t.type = hsm::KeyType::generic_secret;
  t.length = master_key_size;
  t.usage.derive = true;  // sensitive, non-extractable by default
  return t;
}

hsm::KeyTemplate blob_signing_template(std::string label) {
  hsm::KeyTemplate t;
  t.label = std::move(label);
  t.type = hsm::KeyType::ed25519;
  t.usage.sign = true;
  return t;
}

// Custody rules for an existing object (see the header).
hsm::Result<void> check_master(hsm::KeyStore& store, hsm::ObjectHandle handle, Environment environment) {
  auto info = store.object_info(handle);
  if (!info) return info.error();
  const hsm::ObjectInfo& i = info.value();
  const bool shape = i.object_class == hsm::ObjectClass::secret_key && i.type == hsm::KeyType::generic_secret &&
                     i.length == master_key_size;
  const bool custody = i.usage.sensitive && !i.usage.extractable && i.usage.derive && !i.usage.encrypt &&
                       !i.usage.decrypt && !i.usage.sign;
  const bool origin = environment == Environment::dev || i.generated_inside;
  if (!shape || !custody || !origin) return hsm::HsmError::not_permitted;
  return {};
}

hsm::Result<void> check_signing_pair(hsm::KeyStore& store, const hsm::KeyPairHandles& pair, Environment environment) {
  auto info = store.object_info(pair.private_key);
  if (!info) return info.error();
  const hsm::ObjectInfo& i = info.value();
  const bool good = i.object_class == hsm::ObjectClass::private_key && i.type == hsm::KeyType::ed25519 &&
                    i.usage.sensitive && !i.usage.extractable && i.usage.sign &&
                    (environment == Environment::dev || i.generated_inside);
  if (!good) return hsm::HsmError::not_permitted;
  return {};
}

// At most one object under a master's label; invalid_handle when there is none.
hsm::Result<hsm::ObjectHandle> find_single(hsm::KeyStore& store, const std::string& label) {
  auto found = store.find_objects(label);
  if (!found) return found.error();
  if (found.value().size() > 1) return hsm::HsmError::bad_template;
  return found.value().empty() ? hsm::invalid_handle : found.value().front();
}

// The pair under the blob-signing label: exactly one private and one public object, or none.
hsm::Result<hsm::KeyPairHandles> find_pair(hsm::KeyStore& store, const std::string& label) {
  auto found = store.find_objects(label);
  if (!found) return found.error();
  hsm::KeyPairHandles pair;
  for (hsm::ObjectHandle h : found.value()) {
    auto info = store.object_info(h);
    if (!info) return info.error();
    hsm::ObjectHandle& slot =
        info.value().object_class == hsm::ObjectClass::private_key ? pair.private_key : pair.public_key;
    if (slot != hsm::invalid_handle || info.value().object_class == hsm::ObjectClass::secret_key)
      return hsm::HsmError::bad_template;
    slot = h;
  }
  if ((pair.private_key == hsm::invalid_handle) != (pair.public_key == hsm::invalid_handle))
    return hsm::HsmError::bad_template;
  return pair;
}

hsm::Result<CustomerMasters> open_masters(hsm::KeyStore& store, Environment environment,
                                          std::string_view customer_id, bool create) {
  if (!is_valid(environment) || !is_valid_customer_id(customer_id)) return hsm::HsmError::bad_argument;
  CustomerMasters masters;
  for (KeyPurpose purpose : kMasterPurposes) {
    const std::string label = master_object_label(environment, customer_id, purpose);
    auto handle = find_single(store, label);
    if (!handle) return handle.error();
    hsm::ObjectHandle h = handle.value();
    if (h == hsm::invalid_handle) {
      if (!create) return hsm::HsmError::not_found;
      auto made = environment == Environment::prod
                      ? store.generate_secret(master_template(label))
                      : store.import_secret(master_template(label), insecure_dev_master(purpose));
      if (!made) return made.error();
      h = made.value();
    }
    if (auto r = check_master(store, h, environment); !r) return r.error();
    switch (purpose) {
      case KeyPurpose::auth: masters.auth = h; break;
      case KeyPurpose::enc: masters.enc = h; break;
      case KeyPurpose::e2: masters.e2 = h; break;
      case KeyPurpose::net: masters.net = h; break;
      case KeyPurpose::blob: masters.blob = h; break;
      case KeyPurpose::cover:
      case KeyPurpose::chain: break;  // not in kMasterPurposes: no master of its own
    }
  }

  const std::string label = blob_signing_object_label(environment, customer_id);
  auto pair = find_pair(store, label);
  if (!pair) return pair.error();
  if (pair.value().private_key == hsm::invalid_handle) {
    if (!create) return hsm::HsmError::not_found;
    pair = environment == Environment::prod
               ? store.generate_key_pair(blob_signing_template(label))
               : store.import_key_pair(blob_signing_template(label), insecure_dev_blob_signing_seed());
    if (!pair) return pair.error();
  }
  if (auto r = check_signing_pair(store, pair.value(), environment); !r) return r.error();
  masters.blob_signing = pair.value();
  return masters;
}

}  // namespace

hsm::ObjectHandle CustomerMasters::master(KeyPurpose purpose) const noexcept {
  switch (master_purpose(purpose)) {
    case KeyPurpose::auth: return auth;
    case KeyPurpose::enc: return enc;
    case KeyPurpose::e2: return e2;
    case KeyPurpose::net: return net;
    case KeyPurpose::blob: return blob;
    case KeyPurpose::cover:
    case KeyPurpose::chain: break;  // master_purpose() never gives cover or chain
  }
  return hsm::invalid_handle;
}

std::string master_object_label(Environment environment, std::string_view customer_id, KeyPurpose purpose) {
  return prefix(environment, customer_id) + "master/" + std::string(to_string(master_purpose(purpose)));
}

std::string blob_signing_object_label(Environment environment, std::string_view customer_id) {
  return prefix(environment, customer_id) + "blob-signing";
}

hsm::Result<CustomerMasters> provision_customer_masters(hsm::KeyStore& store, Environment environment,
                                                        std::string_view customer_id) {
  return open_masters(store, environment, customer_id, true);
}

hsm::Result<CustomerMasters> find_customer_masters(hsm::KeyStore& store, Environment environment,
                                                   std::string_view customer_id) {
  return open_masters(store, environment, customer_id, false);
}

}  // namespace meshsec::keys
