#include "crypto/p256.hpp"

#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/ec.h>
#include <openssl/ecdsa.h>
#include <openssl/evp.h>
#include <openssl/obj_mac.h>
#include <openssl/param_build.h>
#include <openssl/x509.h>

#include <array>

#include "crypto/secure_memory.hpp"

namespace meshsec::crypto {
namespace {

const char kGroup[] = "prime256v1";

EVP_PKEY* key_from_params(std::span<const std::uint8_t> point, const BIGNUM* priv) {
  OSSL_PARAM_BLD* bld = OSSL_PARAM_BLD_new();
  if (bld == nullptr) return nullptr;
  EVP_PKEY* pkey = nullptr;
  bool good = OSSL_PARAM_BLD_push_utf8_string(bld, OSSL_PKEY_PARAM_GROUP_NAME, kGroup, 0) == 1;
  if (good && !point.empty())
    good = OSSL_PARAM_BLD_push_octet_string(bld, OSSL_PKEY_PARAM_PUB_KEY, point.data(), point.size()) == 1;
  if (good && priv != nullptr) good = OSSL_PARAM_BLD_push_BN(bld, OSSL_PKEY_PARAM_PRIV_KEY, priv) == 1;
  OSSL_PARAM* params = good ? OSSL_PARAM_BLD_to_param(bld) : nullptr;
  EVP_PKEY_CTX* ctx = params != nullptr ? EVP_PKEY_CTX_new_from_name(nullptr, "EC", nullptr) : nullptr;
  if (ctx != nullptr && EVP_PKEY_fromdata_init(ctx) == 1)
    (void)EVP_PKEY_fromdata(ctx, &pkey, priv != nullptr ? EVP_PKEY_KEYPAIR : EVP_PKEY_PUBLIC_KEY, params);
  EVP_PKEY_CTX_free(ctx);
  OSSL_PARAM_free(params);
  OSSL_PARAM_BLD_free(bld);
  return pkey;
}

// A public key is usable only if it is on P-256 and not the identity; fromdata does not
// check this by itself.
bool public_key_valid(EVP_PKEY* pkey) {
  char group[32] = {};
  std::size_t len = 0;
  if (EVP_PKEY_get_utf8_string_param(pkey, OSSL_PKEY_PARAM_GROUP_NAME, group, sizeof group, &len) != 1)
    return false;
  if (std::string_view(group, len) != kGroup) return false;
  EVP_PKEY_CTX* ctx = EVP_PKEY_CTX_new_from_pkey(nullptr, pkey, nullptr);
  const bool good = ctx != nullptr && EVP_PKEY_public_check(ctx) == 1;
  EVP_PKEY_CTX_free(ctx);
  return good;
}

BIGNUM* scalar(std::span<const std::uint8_t> bytes) {
  return BN_bin2bn(bytes.data(), static_cast<int>(bytes.size()), nullptr);
}

// Checks 0 < d < n for a private scalar.
bool scalar_in_range(const BIGNUM* d) {
  EC_GROUP* group = EC_GROUP_new_by_curve_name(NID_X9_62_prime256v1);
  const bool good = group != nullptr && !BN_is_zero(d) && !BN_is_negative(d) &&
                    BN_cmp(d, EC_GROUP_get0_order(group)) < 0;
  EC_GROUP_free(group);
  return good;
}

}  // namespace

Status p256_generate(std::span<std::uint8_t, 32> private_out,
                     std::span<std::uint8_t, 65> public_out) noexcept {
  EVP_PKEY* pkey = EVP_EC_gen(kGroup);
  if (pkey == nullptr) return Status::backend_failure;
  BIGNUM* d = nullptr;
  std::size_t len = 0;
  bool good = EVP_PKEY_get_bn_param(pkey, OSSL_PKEY_PARAM_PRIV_KEY, &d) == 1 &&
              BN_bn2binpad(d, private_out.data(), 32) == 32 &&
              EVP_PKEY_get_octet_string_param(pkey, OSSL_PKEY_PARAM_PUB_KEY, public_out.data(), 65, &len) == 1 &&
              len == 65;
  BN_clear_free(d);
  EVP_PKEY_free(pkey);
  if (!good) secure_wipe(private_out.data(), private_out.size());
  return good ? Status::ok : Status::backend_failure;
}

Status p256_ecdsa_sign(std::span<const std::uint8_t, 32> private_key, std::span<const std::uint8_t> message,
                       std::span<std::uint8_t> signature_out, std::size_t& signature_length) noexcept {
  signature_length = 0;
  if (signature_out.size() < 72) return Status::bad_length;
  BIGNUM* d = scalar(private_key);
  if (d == nullptr || !scalar_in_range(d)) {
    BN_clear_free(d);
    return Status::bad_key_length;
  }
  // Derive the public point so the key pair is complete for OpenSSL.
  EC_GROUP* group = EC_GROUP_new_by_curve_name(NID_X9_62_prime256v1);
  EC_POINT* q = group != nullptr ? EC_POINT_new(group) : nullptr;
  std::array<std::uint8_t, 65> point{};
  bool good = q != nullptr && EC_POINT_mul(group, q, d, nullptr, nullptr, nullptr) == 1 &&
              EC_POINT_point2oct(group, q, POINT_CONVERSION_UNCOMPRESSED, point.data(), point.size(),
                                 nullptr) == point.size();
  EVP_PKEY* pkey = good ? key_from_params(point, d) : nullptr;
  EVP_MD_CTX* ctx = EVP_MD_CTX_new();
  std::size_t len = signature_out.size();
  static const unsigned char empty = 0;
  good = pkey != nullptr && ctx != nullptr &&
         EVP_DigestSignInit_ex(ctx, nullptr, "SHA256", nullptr, nullptr, pkey, nullptr) == 1 &&
         EVP_DigestSign(ctx, signature_out.data(), &len, message.empty() ? &empty : message.data(),
                        message.size()) == 1;
  EVP_MD_CTX_free(ctx);
  EVP_PKEY_free(pkey);
  EC_POINT_free(q);
  EC_GROUP_free(group);
  BN_clear_free(d);
  if (!good) return Status::backend_failure;
  signature_length = len;
  return Status::ok;
}

Status p256_ecdsa_verify(std::span<const std::uint8_t> public_key, std::span<const std::uint8_t> message,
                         std::span<const std::uint8_t> der_signature) noexcept {
  EVP_PKEY* pkey = key_from_params(public_key, nullptr);
  if (pkey == nullptr || !public_key_valid(pkey)) {
    EVP_PKEY_free(pkey);
    return Status::invalid_public_key;
  }
  // Strict DER: parse, re-encode, and demand the identical bytes.
  const unsigned char* p = der_signature.data();
  ECDSA_SIG* sig = der_signature.empty() ? nullptr
                                         : d2i_ECDSA_SIG(nullptr, &p, static_cast<long>(der_signature.size()));
  bool canonical = false;
  if (sig != nullptr && p == der_signature.data() + der_signature.size()) {
    unsigned char* der = nullptr;
    const int der_len = i2d_ECDSA_SIG(sig, &der);
    canonical = der_len > 0 && static_cast<std::size_t>(der_len) == der_signature.size() &&
                CRYPTO_memcmp(der, der_signature.data(), der_signature.size()) == 0;
    OPENSSL_free(der);
  }
  ECDSA_SIG_free(sig);
  bool good = false;
  if (canonical) {
    EVP_MD_CTX* ctx = EVP_MD_CTX_new();
    static const unsigned char empty = 0;
    good = ctx != nullptr &&
           EVP_DigestVerifyInit_ex(ctx, nullptr, "SHA256", nullptr, nullptr, pkey, nullptr) == 1 &&
           EVP_DigestVerify(ctx, der_signature.data(), der_signature.size(),
                            message.empty() ? &empty : message.data(), message.size()) == 1;
    EVP_MD_CTX_free(ctx);
  }
  EVP_PKEY_free(pkey);
  return good ? Status::ok : Status::auth_failed;
}

Status p256_ecdh(std::span<const std::uint8_t> private_key, std::span<const std::uint8_t> peer_key,
                 bool is_spki, std::span<std::uint8_t, 32> shared_out) noexcept {
  EVP_PKEY* peer = nullptr;
  if (is_spki) {
    const unsigned char* p = peer_key.data();
    peer = peer_key.empty() ? nullptr : d2i_PUBKEY(nullptr, &p, static_cast<long>(peer_key.size()));
    if (peer != nullptr && p != peer_key.data() + peer_key.size()) {
      EVP_PKEY_free(peer);
      peer = nullptr;
    }
    if (peer != nullptr && EVP_PKEY_get_base_id(peer) != EVP_PKEY_EC) {
      EVP_PKEY_free(peer);
      peer = nullptr;
    }
    // Strict DER, as for signatures: re-encode and demand the identical bytes, so BER
    // length forms, indefinite lengths and stray tags that d2i_PUBKEY tolerates are refused.
    if (peer != nullptr) {
      unsigned char* der = nullptr;
      const int der_len = i2d_PUBKEY(peer, &der);
      const bool canonical = der_len > 0 && static_cast<std::size_t>(der_len) == peer_key.size() &&
                             CRYPTO_memcmp(der, peer_key.data(), peer_key.size()) == 0;
      OPENSSL_free(der);
      if (!canonical) {
        EVP_PKEY_free(peer);
        peer = nullptr;
      }
    }
    // RFC 5480 §2.1.1: only the namedCurve form. OpenSSL maps explicit parameters that
    // match P-256 to the named group even when their cofactor or other fields are bogus.
    int explicit_params = 0;
    if (peer != nullptr &&
        (EVP_PKEY_get_int_param(peer, OSSL_PKEY_PARAM_EC_DECODED_FROM_EXPLICIT_PARAMS, &explicit_params) != 1 ||
         explicit_params != 0)) {
      EVP_PKEY_free(peer);
      peer = nullptr;
    }
  } else {
    peer = key_from_params(peer_key, nullptr);
  }
  if (peer == nullptr || !public_key_valid(peer)) {
    EVP_PKEY_free(peer);
    return Status::invalid_public_key;
  }
  BIGNUM* d = scalar(private_key);
  if (d == nullptr || !scalar_in_range(d)) {
    BN_clear_free(d);
    EVP_PKEY_free(peer);
    return Status::bad_key_length;
  }
  EVP_PKEY* own = key_from_params({}, d);
  EVP_PKEY_CTX* ctx = own != nullptr ? EVP_PKEY_CTX_new_from_pkey(nullptr, own, nullptr) : nullptr;
  std::size_t len = 32;
  const bool good = ctx != nullptr && EVP_PKEY_derive_init(ctx) == 1 &&
                    EVP_PKEY_derive_set_peer_ex(ctx, peer, 0) == 1 &&
                    EVP_PKEY_derive(ctx, shared_out.data(), &len) == 1 && len == 32;
  EVP_PKEY_CTX_free(ctx);
  EVP_PKEY_free(own);
  EVP_PKEY_free(peer);
  BN_clear_free(d);
  if (!good) secure_wipe(shared_out.data(), shared_out.size());
  return good ? Status::ok : Status::backend_failure;
}

}  // namespace meshsec::crypto
