#include "sim/firmware_release.hpp"

#include <array>
#include <stdexcept>

#include "crypto/secure_memory.hpp"
#include "firmware/blob_builder.hpp"
#include "firmware/blob_decryptor.hpp"
#include "firmware/blob_signer.hpp"
#include "firmware/blob_verifier.hpp"
#include "firmware/merkle_tree.hpp"
#include "mesh/mesh_message.hpp"
#include "sim/sim_rng.hpp"
#include "wire/bounded_writer.hpp"

namespace meshsec::sim {
namespace {

std::vector<std::uint8_t> make_image(std::size_t size, std::uint64_t seed) {
  SimRng rng(seed ^ 0x1A2B3C4DULL);
  std::vector<std::uint8_t> image(size);
  for (auto& b : image) b = static_cast<std::uint8_t>(rng.next() >> 56);
  // The marker recurs through the image: an eavesdropper who read any chunk would see it.
  for (std::size_t at = 0; at + image_marker.size() <= size; at += 512)
    for (std::size_t i = 0; i < image_marker.size(); ++i) image[at + i] = static_cast<std::uint8_t>(image_marker[i]);
  return image;
}

FirmwareRelease build_with(const FirmwareSpec& spec, std::span<const std::uint8_t> key,
                           std::span<const std::uint8_t, 32> seed_bytes, std::uint32_t security_counter,
                           std::uint64_t seed) {
  FirmwareRelease r;
  r.image = make_image(static_cast<std::size_t>(spec.blob_kib) * 1024, seed);
  firmware::SoftwareBlobSigner signer;
  if (signer.init(seed_bytes) != crypto::Status::ok) throw std::runtime_error("blob signer init failed");
  firmware::BlobBuilder builder(key, signer);
  firmware::BlobBuildParams params;
  params.customer_id = sim_customer_number;
  params.product_id = 1;
  params.version = {static_cast<std::uint8_t>(spec.version_major), static_cast<std::uint8_t>(spec.version_minor),
                    static_cast<std::uint16_t>(spec.version_revision), 0};
  params.security_counter = security_counter;
  params.chunk_size = spec.chunk_size;
  firmware::blob::BlobId id{};
  for (std::size_t i = 0; i < id.size(); ++i) id[i] = static_cast<std::uint8_t>(seed >> (8 * (i % 8)) ^ security_counter);
  params.blob_id = id;
  const auto e = builder.build(params, r.image, r.blob);
  if (e != firmware::BlobError::ok) throw std::runtime_error("blob build failed: " + std::string(firmware::to_string(e)));
  return r;
}

void cut_packets(FirmwareRelease& r, const firmware::BlobFileView& file) {
  const std::size_t count = file.header.chunk_count;
  std::vector<firmware::blob::Digest> leaves(count);
  for (std::size_t i = 0; i < count; ++i)
    if (firmware::blob_leaf_hash(file.header, static_cast<std::uint32_t>(i), firmware::blob_chunk_record(file, i), leaves[i]) !=
        firmware::BlobError::ok)
      throw std::runtime_error("leaf hash failed");
  firmware::MerkleTree tree;
  if (tree.build(leaves) != firmware::BlobError::ok) throw std::runtime_error("merkle tree failed");
  r.packets.clear();
  r.data_frames = 0;
  for (std::size_t i = 0; i < count; ++i) {
    std::vector<std::uint8_t> packet(firmware::max_chunk_packet_size);
    wire::BoundedWriter w(packet);
    const auto path = tree.path(i);
    if (firmware::encode_chunk_packet(file.header.blob_id, static_cast<std::uint16_t>(i), firmware::blob_chunk_record(file, i),
                                      path, w) != firmware::BlobError::ok)
      throw std::runtime_error("chunk packet encoding failed");
    packet.resize(w.size());
    r.data_frames += (packet.size() + mesh::fragment_data_size - 1) / mesh::fragment_data_size;
    r.packets.push_back(std::move(packet));
  }
  r.header = file.header;
  r.signed_header.assign(file.header_bytes.begin(), file.header_bytes.end());
  r.signed_header.insert(r.signed_header.end(), file.signature.begin(), file.signature.end());
}

}  // namespace

FirmwareRelease build_release(const FirmwareSpec& spec, const KeyProvisioning& keys, std::uint64_t seed) {
  return build_with(spec, keys.blob_key().span(), keys.blob_signing_seed(), spec.security_counter, seed);
}

std::string gateway_accept(FirmwareRelease& release, const KeyProvisioning& keys) {
  firmware::BlobFileView file;
  if (auto e = firmware::parse_blob_file(release.blob, file); e != firmware::BlobError::ok)
    return "parse: " + std::string(firmware::to_string(e));
  firmware::BlobVerifier verifier;
  firmware::BlobPolicy policy;
  policy.customer_id = sim_customer_number;
  firmware::Ed25519PublicKey vk{};
  for (std::size_t i = 0; i < vk.size(); ++i) vk[i] = keys.blob_verification_key()[i];
  const auto signed_header = std::span<const std::uint8_t>(release.blob).first(firmware::blob::signed_header_size);
  if (auto e = verifier.begin(signed_header, vk, policy); e != firmware::BlobError::ok)
    return "header: " + std::string(firmware::to_string(e));
  std::vector<std::uint8_t> image;
  if (auto e = firmware::decrypt_blob(file, keys.blob_key().span(), image); e != firmware::BlobError::ok)
    return "decrypt: " + std::string(firmware::to_string(e));
  crypto::secure_wipe(image.data(), image.size());
  cut_packets(release, file);
  return {};
}

FirmwareRelease build_rogue_release(const FirmwareSpec& spec, std::uint64_t seed) {
  // The attacker's own keys: a blob key and a signing seed the customer never issued.
  std::array<std::uint8_t, 32> key{};
  std::array<std::uint8_t, 32> signing{};
  SimRng rng(seed ^ 0xBADBADULL);
  for (auto& b : key) b = static_cast<std::uint8_t>(rng.next());
  for (auto& b : signing) b = static_cast<std::uint8_t>(rng.next());
  FirmwareRelease r = build_with(spec, key, signing, spec.security_counter + 100, seed ^ 0xBAD);
  firmware::BlobFileView file;
  if (firmware::parse_blob_file(r.blob, file) != firmware::BlobError::ok) throw std::runtime_error("rogue blob parse");
  cut_packets(r, file);
  return r;
}

}  // namespace meshsec::sim
