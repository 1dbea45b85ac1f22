// The firmware side of a run: the vendor builds an encrypted, signed blob (firmware::
// BlobBuilder with the customer's blob key and signing key), and the gateway accepts it
// the way M8 says — verify the signed header, decrypt every chunk and check the image
// digest — before cutting it into the chunk packets (with Merkle paths) it injects.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include "firmware/blob_layout.hpp"
#include "sim/key_provisioning.hpp"
#include "sim/scenario.hpp"

namespace meshsec::sim {

// Text embedded in every simulated image, so the eavesdropper can look for it.
inline constexpr std::string_view image_marker = "MESHSEC-FIRMWARE-IMAGE-PLAINTEXT";

struct FirmwareRelease {
  std::vector<std::uint8_t> image;        // plaintext (vendor only)
  std::vector<std::uint8_t> blob;         // what the back office hands the gateway
  firmware::BlobHeader header{};
  std::vector<std::uint8_t> signed_header;
  std::vector<std::vector<std::uint8_t>> packets;  // chunk packets, index order
  std::uint64_t data_frames = 0;  // fragment frames all packets need (F)
};

// Vendor side. Throws std::runtime_error on failure.
[[nodiscard]] FirmwareRelease build_release(const FirmwareSpec& spec, const KeyProvisioning& keys, std::uint64_t seed);
// Gateway side: M8 acceptance (signature, decryption, digest), then packets. Returns the
// failure reason, empty on success.
[[nodiscard]] std::string gateway_accept(FirmwareRelease& release, const KeyProvisioning& keys);
// A blob with the same geometry signed by a key that is not the customer's (the rogue
// injector's), with a higher security counter.
[[nodiscard]] FirmwareRelease build_rogue_release(const FirmwareSpec& spec, std::uint64_t seed);

}  // namespace meshsec::sim
