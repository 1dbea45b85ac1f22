// DEVELOPMENT KEYS, INSECURE FOR PRODUCTION (see customer_keys.hpp).
//
//   dev master = SHA-256("meshsec firmware development master v1 -- INSECURE, published")
//   key        = HKDF-SHA256(salt = "meshsec dev firmware keys v1", ikm = dev master,
//                            info = <purpose> ‖ 0x00 ‖ <customer id>, L = 32)
//   purposes: "blob-encryption", "blob-signing", "app-signing"; vendor keys use the
//   customer id "" with "vendor-root" and "dev-app-signing".
#include "customer_keys.hpp"

#include <array>
#include <stdexcept>
#include <string>

#include "crypto/kdf.hpp"
#include "crypto/mac.hpp"
#include "firmware/customer_tag.hpp"

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

bool valid_customer_id(std::string_view id) {
  if (id.empty() || id.size() > 64) return false;
  for (char c : id) {
    const bool good = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' ||
                      c == '_' || c == '-';
    if (!good) return false;
  }
  return true;
}

}  // namespace

DevCustomerKeys dev_customer_keys(std::string_view customer_id) {
  if (!valid_customer_id(customer_id)) {
    throw std::invalid_argument("customer id must be 1..64 characters of [A-Za-z0-9._-]");
  }
  DevCustomerKeys k;
  if (firmware::customer_tag(customer_id, k.customer_tag) != firmware::BlobError::ok) {
    throw std::runtime_error("customer tag failed");
  }
  derive("blob-encryption", customer_id, k.blob_encryption_key);
  derive("blob-signing", customer_id, k.blob_signing_seed);
  public_of(k.blob_signing_seed, k.blob_verification_key);
  derive("app-signing", customer_id, k.app_signing_seed);
  public_of(k.app_signing_seed, k.app_verification_key);
  return k;
}

DevVendorKeys dev_vendor_keys() {
  DevVendorKeys v;
  derive("vendor-root", "", v.root_seed);
  public_of(v.root_seed, v.root_public);
  derive("dev-app-signing", "", v.dev_app_seed);
  public_of(v.dev_app_seed, v.dev_app_public);
  return v;
}

}  // namespace meshsec::cli
