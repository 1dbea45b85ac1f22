#include "crypto/p256_public_key.hpp"

#include <openssl/bn.h>
#include <openssl/ec.h>
#include <openssl/obj_mac.h>

namespace meshsec::crypto {

Status p256_public_from_private(std::span<const std::uint8_t, 32> private_key,
                                std::span<std::uint8_t, 65> public_out) noexcept {
  EC_GROUP* group = EC_GROUP_new_by_curve_name(NID_X9_62_prime256v1);
  BIGNUM* d = BN_bin2bn(private_key.data(), static_cast<int>(private_key.size()), nullptr);
  Status result = Status::backend_failure;
  if (group != nullptr && d != nullptr) {
    if (BN_is_zero(d) || BN_cmp(d, EC_GROUP_get0_order(group)) >= 0) {
      result = Status::bad_key_length;
    } else {
      EC_POINT* q = EC_POINT_new(group);
      if (q != nullptr && EC_POINT_mul(group, q, d, nullptr, nullptr, nullptr) == 1 &&
          EC_POINT_point2oct(group, q, POINT_CONVERSION_UNCOMPRESSED, public_out.data(),
                             public_out.size(), nullptr) == public_out.size())
        result = Status::ok;
      EC_POINT_free(q);
    }
  }
  BN_clear_free(d);
  EC_GROUP_free(group);
  return result;
}

}  // namespace meshsec::crypto
