// A factory customer: its custody objects (keys/customer_masters.hpp) and its record under
// $MESHSEC_HOME/factory/<customer>/<env>.json (public facts only: environment, blob
// verification key, next node id, each network's beacon chain). Host side; throws
// std::runtime_error at the edge.
#pragma once
#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include "firmware/blob_layout.hpp"
#include "firmware/blob_signer.hpp"
#include "hsm/key_custody.hpp"
#include "keys/customer_masters.hpp"
#include "keys/derivation_input.hpp"

namespace meshsec::cli {

struct FactoryCustomer {
  std::string id;
  keys::Environment environment = keys::Environment::prod;
  std::uint64_t tag = 0;  // firmware::customer_tag of the id
  keys::CustomerMasters masters;
  firmware::Ed25519PublicKey blob_verification_key{};
};

// A network's beacon chain, fixed by the first batch personalised for it (docs/factory.md
// §3): every later batch of the network gets the same rounds and anchor. Public: the
// anchor is what every node of the network holds; the seed is never recorded.
struct BeaconChainRecord {
  std::uint32_t network_id = 0;
  std::uint32_t rounds = 0;
  std::string anchor_hex;  // 32 hex digits
};

struct CustomerRecord {
  std::string customer;
  keys::Environment environment = keys::Environment::prod;
  std::string blob_verification_key_hex;
  std::uint32_t next_node_id = 1;
  // Node ids personalised so far, as inclusive ranges, sorted. A second device under an id
  // would derive the same E2 key and seal its records from counter 0 again: the nonces the
  // first device used (docs/factory.md, "Node ids are issued once").
  std::vector<std::pair<std::uint32_t, std::uint32_t>> issued_node_ids;
  std::vector<BeaconChainRecord> beacon_chains;  // one per network, in the order first made

  // The issued range `first`..`last` overlaps, or nullptr.
  [[nodiscard]] const std::pair<std::uint32_t, std::uint32_t>* issued_overlap(std::uint32_t first,
                                                                              std::uint32_t last) const noexcept;
  void issue(std::uint32_t first, std::uint32_t last);

  // The recorded chain of a network; nullptr when none is recorded yet.
  [[nodiscard]] const BeaconChainRecord* beacon_chain(std::uint32_t network_id) const noexcept;
};

[[nodiscard]] std::filesystem::path customer_record_path(const std::filesystem::path& home, const std::string& customer,
                                                         keys::Environment environment);
void write_customer_record(const std::filesystem::path& home, const CustomerRecord& record);
[[nodiscard]] CustomerRecord read_customer_record(const std::filesystem::path& home, const std::string& customer,
                                                  keys::Environment environment);
// The environment a customer was initialised in; throws when none or both exist and the
// caller did not choose.
[[nodiscard]] keys::Environment customer_environment(const std::filesystem::path& home, const std::string& customer);

// Creates the missing custody objects (factory init). Dev masters need an import-enabled store.
[[nodiscard]] FactoryCustomer provision_customer(hsm::KeyStore& store, const std::string& customer,
                                                 keys::Environment environment);
// Finds existing custody objects only.
[[nodiscard]] FactoryCustomer open_customer(hsm::KeyStore& store, const std::string& customer,
                                            keys::Environment environment);

// The blob key of the customer (purpose blob, AES-256), derived inside custody as a
// non-extractable object that can encrypt and decrypt, and its public key id.
[[nodiscard]] hsm::ObjectHandle blob_key_in_custody(hsm::KeyStore& store, const FactoryCustomer& customer,
                                                    std::uint32_t blob_key_version);
[[nodiscard]] firmware::blob::KeyId blob_key_id(const FactoryCustomer& customer, std::uint32_t blob_key_version);

}  // namespace meshsec::cli
