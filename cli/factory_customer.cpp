#include "factory_customer.hpp"

#include <sys/stat.h>

#include <algorithm>
#include <fstream>
#include <nlohmann/json.hpp>
#include <stdexcept>

#include "firmware/customer_tag.hpp"
#include "keys/custody_derivation.hpp"
#include "keys/key_id.hpp"
#include "keys/node_key_set.hpp"
#include "wire/hex.hpp"

namespace meshsec::cli {
namespace {

FactoryCustomer complete(hsm::KeyStore& store, const std::string& customer, keys::Environment environment,
                         hsm::Result<keys::CustomerMasters> masters) {
  if (!masters)
    throw std::runtime_error("customer " + customer + " (" + std::string(keys::to_string(environment)) +
                             "): custody objects: " + std::string(hsm::to_string(masters.error())));
  FactoryCustomer c;
  c.id = customer;
  c.environment = environment;
  c.masters = masters.value();
  if (firmware::customer_tag(customer, c.tag) != firmware::BlobError::ok)
    throw std::runtime_error("customer tag failed");
  auto pub = store.public_key(c.masters.blob_signing.private_key);
  if (!pub || pub.value().size() != c.blob_verification_key.size())
    throw std::runtime_error("blob signing key has no Ed25519 public key");
  std::copy(pub.value().begin(), pub.value().end(), c.blob_verification_key.begin());
  return c;
}

}  // namespace

const BeaconChainRecord* CustomerRecord::beacon_chain(std::uint32_t network_id) const noexcept {
  for (const auto& c : beacon_chains)
    if (c.network_id == network_id) return &c;
  return nullptr;
}

std::filesystem::path customer_record_path(const std::filesystem::path& home, const std::string& customer,
                                           keys::Environment environment) {
  return home / "factory" / customer / (std::string(keys::to_string(environment)) + ".json");
}

const std::pair<std::uint32_t, std::uint32_t>* CustomerRecord::issued_overlap(std::uint32_t first,
                                                                               std::uint32_t last) const noexcept {
  for (const auto& range : issued_node_ids)
    if (first <= range.second && range.first <= last) return &range;
  return nullptr;
}

void CustomerRecord::issue(std::uint32_t first, std::uint32_t last) {
  issued_node_ids.emplace_back(first, last);
  std::sort(issued_node_ids.begin(), issued_node_ids.end());
  // Adjacent ranges merge, so a customer's usual consecutive batches stay one entry.
  std::vector<std::pair<std::uint32_t, std::uint32_t>> merged;
  for (const auto& r : issued_node_ids) {
    if (!merged.empty() && r.first <= merged.back().second + 1) merged.back().second = std::max(merged.back().second, r.second);
    else merged.push_back(r);
  }
  issued_node_ids = std::move(merged);
}

void write_customer_record(const std::filesystem::path& home, const CustomerRecord& record) {
  const auto path = customer_record_path(home, record.customer, record.environment);
  std::filesystem::create_directories(path.parent_path());
  nlohmann::json chains = nlohmann::json::array();
  for (const auto& c : record.beacon_chains)
    chains.push_back({{"network_id", c.network_id}, {"rounds", c.rounds}, {"anchor", c.anchor_hex}});
  nlohmann::json j{{"customer", record.customer},
                   {"environment", keys::to_string(record.environment)},
                   {"blob_verification_key", record.blob_verification_key_hex},
                   {"next_node_id", record.next_node_id},
                   {"issued_node_ids", record.issued_node_ids},
                   {"beacon_chains", chains}};
  const auto tmp = path.string() + ".tmp";
  {
    std::ofstream out(tmp);
    out << j.dump(2) << "\n";
    if (!out) throw std::runtime_error("cannot write " + tmp);
  }
  std::filesystem::rename(tmp, path);
}

CustomerRecord read_customer_record(const std::filesystem::path& home, const std::string& customer,
                                    keys::Environment environment) {
  const auto path = customer_record_path(home, customer, environment);
  std::ifstream in(path);
  if (!in)
    throw std::runtime_error("customer " + customer + " has no " + std::string(keys::to_string(environment)) +
                             " environment: run `meshsec factory init --customer " + customer + " --env " +
                             std::string(keys::to_string(environment)) + "` first");
  const auto j = nlohmann::json::parse(in);
  CustomerRecord r;
  r.customer = j.at("customer").get<std::string>();
  r.environment = environment;
  r.blob_verification_key_hex = j.at("blob_verification_key").get<std::string>();
  r.next_node_id = j.at("next_node_id").get<std::uint32_t>();
  // A record from before issued ids were kept: every id below the next counts as issued.
  if (j.contains("issued_node_ids"))
    r.issued_node_ids = j.at("issued_node_ids").get<std::vector<std::pair<std::uint32_t, std::uint32_t>>>();
  else if (r.next_node_id > 1)
    r.issued_node_ids.emplace_back(1, r.next_node_id - 1);
  // A record from before any network's chain was fixed has none.
  if (j.contains("beacon_chains")) {
    for (const auto& c : j.at("beacon_chains")) {
      BeaconChainRecord chain;
      chain.network_id = c.at("network_id").get<std::uint32_t>();
      chain.rounds = c.at("rounds").get<std::uint32_t>();
      chain.anchor_hex = c.at("anchor").get<std::string>();
      const auto anchor = wire::from_hex(chain.anchor_hex);
      if (chain.rounds == 0 || chain.rounds > keys::max_beacon_chain_rounds || chain.anchor_hex.size() != 32 ||
          !anchor || anchor->size() != keys::beacon_chain_seed_size || r.beacon_chain(chain.network_id) != nullptr)
        throw std::runtime_error(path.string() + ": bad beacon chain record of network " +
                                 std::to_string(chain.network_id));
      r.beacon_chains.push_back(std::move(chain));
    }
  }
  return r;
}

keys::Environment customer_environment(const std::filesystem::path& home, const std::string& customer) {
  const bool dev = std::filesystem::exists(customer_record_path(home, customer, keys::Environment::dev));
  const bool prod = std::filesystem::exists(customer_record_path(home, customer, keys::Environment::prod));
  if (dev && prod) throw std::runtime_error("customer " + customer + " has both environments: choose one with --env");
  if (prod) return keys::Environment::prod;
  if (dev) return keys::Environment::dev;
  throw std::runtime_error("unknown customer " + customer + ": run `meshsec factory init` first");
}

FactoryCustomer provision_customer(hsm::KeyStore& store, const std::string& customer, keys::Environment environment) {
  return complete(store, customer, environment, keys::provision_customer_masters(store, environment, customer));
}

FactoryCustomer open_customer(hsm::KeyStore& store, const std::string& customer, keys::Environment environment) {
  return complete(store, customer, environment, keys::find_customer_masters(store, environment, customer));
}

namespace {
keys::DerivationInput blob_input(const FactoryCustomer& customer, std::uint32_t version) {
  keys::DerivationInput input;
  input.customer_id = customer.id;
  input.environment = customer.environment;
  input.purpose = keys::KeyPurpose::blob;
  input.subject_id = 0;
  input.version = version;
  input.key_size = keys::KeySize::bits256;  // the blob format's AES-256-GCM
  return input;
}
}  // namespace

hsm::ObjectHandle blob_key_in_custody(hsm::KeyStore& store, const FactoryCustomer& customer,
                                      std::uint32_t blob_key_version) {
  hsm::KeyUsage usage;
  usage.encrypt = true;
  usage.decrypt = true;
  auto key = keys::derive_key_in_custody(store, customer.masters.blob, blob_input(customer, blob_key_version), usage);
  if (!key) throw std::runtime_error("deriving the blob key in custody: " + std::string(hsm::to_string(key.error())));
  return key.value();
}

firmware::blob::KeyId blob_key_id(const FactoryCustomer& customer, std::uint32_t blob_key_version) {
  keys::KeyId id{};
  if (keys::compute_key_id(blob_input(customer, blob_key_version), id) != keys::KeyError::ok)
    throw std::runtime_error("blob key id");
  firmware::blob::KeyId out{};
  std::copy(id.begin(), id.end(), out.begin());
  return out;
}

}  // namespace meshsec::cli
