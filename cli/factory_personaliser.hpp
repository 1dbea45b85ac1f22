// `meshsec factory personalise`: one personalisation image per node from a customer's
// custody objects, after the firmware blob has passed verification (M6, S4, W2, W9).
//
// Order (each step only after the previous one succeeded):
//   1. open the customer's custody objects; a batch asking for other beacon chain rounds
//      than its network's recorded chain is refused here;
//   2. verify the firmware blob completely and decrypt it inside custody (factory_blob.hpp)
//      — a blob that fails leaves nothing behind: no directory, no image, no manifest;
//   3. the network's beacon chain: the recorded one, or for a network's first batch the
//      anchor computed from the seed derived in custody (mesh::chain_anchor);
//   4. per node: derive its keys inside custody, draw its secret serial and device key
//      pair, encode the image (keys/personalisation_image.hpp), write it 0600;
//   5. write the manifest (public facts only), record a new network's chain and advance the
//      customer's node counter.
#pragma once
#include <cstdint>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <string>

#include "hsm/key_custody.hpp"
#include "keys/derivation_input.hpp"

namespace meshsec::cli {

// Ten years of 10-s beacon rounds: a network's chain covers its gateways' service life.
inline constexpr std::uint32_t default_beacon_chain_rounds = 31'536'000;

struct PersonaliseRequest {
  std::string customer;
  keys::Environment environment = keys::Environment::prod;
  std::uint32_t count = 1;
  std::filesystem::path out_dir;
  std::filesystem::path firmware_blob;
  std::uint32_t first_node_id = 0;  // 0: continue from the customer's record; ids: 1..max_mesh_node_id
  std::uint32_t network_id = 1;
  std::uint8_t network_key_index = 0;
  keys::KeySize key_size = keys::KeySize::bits256;
  bool gateway = false;             // gateways also receive the blob decryption key and chain seed
  std::uint32_t blob_key_version = 1;
  // Rounds of the network's beacon chain, 1..keys::max_beacon_chain_rounds; 0: the network's
  // recorded chain, or default_beacon_chain_rounds for its first batch.
  std::uint32_t beacon_rounds = 0;
};

// Returns the manifest that was written. Throws std::runtime_error (nothing written when the
// firmware blob is refused, a node id would lie outside 1..keys::max_mesh_node_id, or the
// network's chain is recorded with other rounds than beacon_rounds). A network's first batch
// computes its chain's anchor, 64 AES steps a round (over a minute for the default rounds,
// docs/factory.md §3), and reports progress on stderr when that takes long.
[[nodiscard]] nlohmann::json personalise_nodes(hsm::KeyStore& store, const std::filesystem::path& home,
                                               const PersonaliseRequest& request);

}  // namespace meshsec::cli
