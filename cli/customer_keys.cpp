// DEVELOPMENT KEYS, INSECURE FOR PRODUCTION (see customer_keys.hpp).
//
//   dev master = SHA-256("meshsec firmware development master v1 -- INSECURE, published")
//   key        = HKDF-SHA256(salt = "meshsec dev firmware keys v1", ikm = dev master,
//                            info = <purpose> ‖ 0x00 ‖ <customer id>, L = 32)
//   purposes (customer id ""): "vendor-root", "dev-app-signing".
#include "customer_keys.hpp"

#include <array>
#include <stdexcept>
#include <string_view>
#include <string>

#include "crypto/kdf.hpp"
#include "crypto/mac.hpp"

namespace meshsec::cli {
namespace {

std::span<const std::uint8_t> bytes_of(std::string_view s) {
  return {reinterpret_cast<const std::uint8_t*>(s.data()), s.size()};
}

void derive(std::string_view purpose, std::string_view customer_id, crypto::SecretArray<32>& out) {
  static constexpr std::string_view master_text = "meshsec firmware development master v1 -- INSECURE, published";
  static constexpr std::string_view salt = "meshsec dev firmware keys v1";
  crypto::SecretArray<32> master;
  if (crypto::sha256({bytes_of(master_text)}, master.span()) != crypto::Status::ok) {
    throw std::runtime_error("sha256 failed");
  }
  std::string info(purpose);
  info.push_back('\0');
  info.append(customer_id);
  if (crypto::hkdf_sha256(bytes_of(salt), master.span(), bytes_of(info), out.span()) != crypto::Status::ok) {
    throw std::runtime_error("hkdf failed");
  }
}

void public_of(const crypto::SecretArray<32>& seed, firmware::Ed25519PublicKey& out) {
  if (crypto::ed25519_public_from_seed(seed.span(), out) != crypto::Status::ok) {
    throw std::runtime_error("ed25519 key failed");
  }
}

}  // namespace

DevVendorKeys dev_vendor_keys() {
  DevVendorKeys v;
  derive("vendor-root", "", v.root_seed);
  public_of(v.root_seed, v.root_public);
  derive("dev-app-signing", "", v.dev_app_seed);
  public_of(v.dev_app_seed, v.dev_app_public);
  return v;
}

}  // namespace meshsec::cli
