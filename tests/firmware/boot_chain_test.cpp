// Secure boot chain (W1): vendor root → keystore → application, with environments and
// anti-rollback, and the attacks of docs/blob-format.md §11.
#include <gtest/gtest.h>

#include "blob_fixture.hpp"
#include "firmware/boot_chain.hpp"
#include "firmware/boot_image_builder.hpp"

namespace meshsec::firmware {
namespace {

class BootChainTest : public ::testing::Test {
 protected:
  void SetUp() override {
    init_signer(vendor_, 1);
    init_signer(other_vendor_, 2);
    init_signer(customer_prod_, 3);
    init_signer(dev_common_, 4);
    init_signer(blob_key_, 5);
    app_ = testing::make_image(3000);
    device_.vendor_root = vendor_.public_key();
    device_.lock = Environment::production;
    device_.customer_id = 42;
  }
  static void init_signer(SoftwareBlobSigner& s, std::uint8_t tag) {
    std::array<std::uint8_t, 32> seed{};
    seed.fill(tag);
    ASSERT_EQ(s.init(seed), crypto::Status::ok);
  }
  std::vector<std::uint8_t> keystore(Environment env, BlobSigner& vendor, BlobSigner& app_key, std::uint32_t counter = 1) {
    KeystoreParams p;
    p.environment = env;
    p.customer_id = 42;
    p.counter = counter;
    p.keys = {{KeyUsage::application_signing, app_key.public_key()}, {KeyUsage::blob_verification, blob_key_.public_key()}};
    std::vector<std::uint8_t> out;
    EXPECT_EQ(build_keystore(p, vendor, out), BlobError::ok);
    return out;
  }
  std::vector<std::uint8_t> app_image(Environment env, BlobSigner& signer, FirmwareVersion v = {2, 0, 0, 0},
                                      std::uint32_t counter = 3, std::uint32_t customer = 42) {
    AppImageParams p;
    p.environment = env;
    p.customer_id = customer;
    p.product_id = 7;
    p.version = v;
    p.security_counter = counter;
    std::vector<std::uint8_t> out;
    EXPECT_EQ(build_app_image(p, app_, signer, out), BlobError::ok);
    return out;
  }
  static std::vector<std::uint8_t> boot_image(const std::vector<std::uint8_t>& ks, const std::vector<std::uint8_t>& app) {
    std::vector<std::uint8_t> out;
    EXPECT_EQ(build_boot_image(ks, app, out), BlobError::ok);
    return out;
  }
  BlobError boot(const std::vector<std::uint8_t>& image, BootReport& report) const {
    return verify_boot_image(image, device_, report);
  }
  static BootStep last_step(const BootReport& r) { return r.steps[r.step_count - 1].step; }

  SoftwareBlobSigner vendor_, other_vendor_, customer_prod_, dev_common_, blob_key_;
  std::vector<std::uint8_t> app_;
  DeviceBootState device_;
};

TEST_F(BootChainTest, ProductionChainBoots) {
  const auto image = boot_image(keystore(Environment::production, vendor_, customer_prod_),
                                app_image(Environment::production, customer_prod_));
  BootReport r;
  ASSERT_EQ(boot(image, r), BlobError::ok);
  EXPECT_EQ(r.step_count, boot_step_count);
  for (std::size_t i = 0; i < r.step_count; ++i) EXPECT_EQ(r.steps[i].result, BlobError::ok);
  EXPECT_TRUE(std::equal(r.app.app.begin(), r.app.app.end(), app_.begin(), app_.end()));
  blob::KeyId id{};
  ASSERT_EQ(public_key_id(blob_key_.public_key(), id), BlobError::ok);
  EXPECT_NE(find_keystore_key(r.keystore, KeyUsage::blob_verification, id), nullptr);
  EXPECT_EQ(find_keystore_key(r.keystore, KeyUsage::application_signing, id), nullptr);
}

TEST_F(BootChainTest, DevelopmentChainBootsOnDevelopmentDevice) {
  device_.lock = Environment::development;
  const auto image = boot_image(keystore(Environment::development, vendor_, dev_common_),
                                app_image(Environment::development, dev_common_));
  BootReport r;
  EXPECT_EQ(boot(image, r), BlobError::ok);
}

// Attack: keystore signed by someone other than the vendor root.
TEST_F(BootChainTest, KeystoreNotSignedByVendorRejected) {
  const auto image = boot_image(keystore(Environment::production, other_vendor_, customer_prod_),
                                app_image(Environment::production, customer_prod_));
  BootReport r;
  EXPECT_EQ(boot(image, r), BlobError::bad_signature);
  EXPECT_EQ(last_step(r), BootStep::keystore_vendor_signature);
  // Keystore relabelled with the real vendor key id: the signature itself fails.
  auto ks = keystore(Environment::production, other_vendor_, customer_prod_);
  const auto genuine = keystore(Environment::production, vendor_, customer_prod_);
  std::copy(genuine.begin() + 18, genuine.begin() + 26, ks.begin() + 18);
  EXPECT_EQ(boot(boot_image(ks, app_image(Environment::production, customer_prod_)), r), BlobError::bad_signature);
  // A keystore with one key swapped after signing.
  auto tampered = genuine;
  tampered[30] ^= 1;
  EXPECT_EQ(boot(boot_image(tampered, app_image(Environment::production, customer_prod_)), r),
            BlobError::bad_signature);
}

// Attack: development-signed application on a production-locked device, in every shape.
TEST_F(BootChainTest, DevelopmentAppOnProductionDeviceRejected) {
  BootReport r;
  // Genuine development keystore and app.
  EXPECT_EQ(boot(boot_image(keystore(Environment::development, vendor_, dev_common_),
                            app_image(Environment::development, dev_common_)),
                 r),
            BlobError::wrong_environment);
  EXPECT_EQ(last_step(r), BootStep::keystore_environment);
  // Production keystore, app signed with the common development key.
  EXPECT_EQ(boot(boot_image(keystore(Environment::production, vendor_, customer_prod_),
                            app_image(Environment::production, dev_common_)),
                 r),
            BlobError::key_not_in_keystore);
  // Production keystore and key, but the app says development.
  EXPECT_EQ(boot(boot_image(keystore(Environment::production, vendor_, customer_prod_),
                            app_image(Environment::development, customer_prod_)),
                 r),
            BlobError::wrong_environment);
  EXPECT_EQ(last_step(r), BootStep::app_environment);
}

TEST_F(BootChainTest, ApplicationTamperingRejected) {
  const auto ks = keystore(Environment::production, vendor_, customer_prod_);
  auto app = app_image(Environment::production, customer_prod_);
  BootReport r;
  auto body = app;
  body[boot::app_header_size + 100] ^= 1;  // application byte: digest fails
  EXPECT_EQ(boot(boot_image(ks, body), r), BlobError::digest_mismatch);
  auto header = app;
  header[20] ^= 1;  // version field: signature fails
  EXPECT_EQ(boot(boot_image(ks, header), r), BlobError::bad_signature);
  auto signature = app;
  signature.back() ^= 1;
  EXPECT_EQ(boot(boot_image(ks, signature), r), BlobError::bad_signature);
}

TEST_F(BootChainTest, RollbackRejected) {
  const auto ks = keystore(Environment::production, vendor_, customer_prod_, 4);
  BootReport r;
  device_.installed = {{2, 0, 0, 0}, 3};
  EXPECT_EQ(boot(boot_image(ks, app_image(Environment::production, customer_prod_)), r), BlobError::ok);
  device_.installed = {{2, 1, 0, 0}, 0};
  EXPECT_EQ(boot(boot_image(ks, app_image(Environment::production, customer_prod_)), r), BlobError::rollback);
  EXPECT_EQ(last_step(r), BootStep::app_rollback);
  device_.installed = {{1, 0, 0, 0}, 4};
  EXPECT_EQ(boot(boot_image(ks, app_image(Environment::production, customer_prod_)), r), BlobError::rollback);
  // Keystore counter floor (a revoked older keystore).
  device_.installed = {};
  device_.min_keystore_counter = 5;
  EXPECT_EQ(boot(boot_image(ks, app_image(Environment::production, customer_prod_)), r), BlobError::rollback);
  EXPECT_EQ(last_step(r), BootStep::keystore_rollback);
}

TEST_F(BootChainTest, OtherCustomerRejected) {
  BootReport r;
  device_.customer_id = 43;
  const auto image = boot_image(keystore(Environment::production, vendor_, customer_prod_),
                                app_image(Environment::production, customer_prod_));
  EXPECT_EQ(boot(image, r), BlobError::wrong_customer);
  device_.customer_id = 42;
  EXPECT_EQ(boot(boot_image(keystore(Environment::production, vendor_, customer_prod_),
                            app_image(Environment::production, customer_prod_, {2, 0, 0, 0}, 3, 41)),
                 r),
            BlobError::wrong_customer);
}

TEST_F(BootChainTest, KeystoreAloneVerifies) {
  KeystoreView k;
  EXPECT_EQ(verify_keystore(keystore(Environment::production, vendor_, customer_prod_), device_, k), BlobError::ok);
  EXPECT_EQ(k.key_count, 2U);
  EXPECT_EQ(verify_keystore(keystore(Environment::production, other_vendor_, customer_prod_), device_, k),
            BlobError::bad_signature);
  EXPECT_EQ(verify_keystore(keystore(Environment::development, vendor_, dev_common_), device_, k),
            BlobError::wrong_environment);
  device_.min_keystore_counter = 2;
  EXPECT_EQ(verify_keystore(keystore(Environment::production, vendor_, customer_prod_, 1), device_, k),
            BlobError::rollback);
}

TEST_F(BootChainTest, ParserRejectsMalformedImages) {
  const auto image = boot_image(keystore(Environment::production, vendor_, customer_prod_),
                                app_image(Environment::production, customer_prod_));
  BootReport r;
  for (std::size_t cut : {std::size_t{0}, std::size_t{5}, std::size_t{100}, image.size() - 1}) {
    EXPECT_EQ(boot(std::vector<std::uint8_t>(image.begin(), image.begin() + static_cast<std::ptrdiff_t>(cut)), r),
              BlobError::malformed);
  }
  auto longer = image;
  longer.push_back(0);
  EXPECT_EQ(boot(longer, r), BlobError::malformed);
  auto magic = image;
  magic[1] = 'X';
  EXPECT_EQ(boot(magic, r), BlobError::bad_magic);
  KeystoreView k;
  const auto ks = keystore(Environment::production, vendor_, customer_prod_);
  auto zero_keys = ks;
  zero_keys[26] = 0;
  EXPECT_EQ(parse_keystore(zero_keys, k), BlobError::malformed);
  auto bad_env = ks;
  bad_env[5] = 9;
  EXPECT_EQ(parse_keystore(bad_env, k), BlobError::unsupported_format);
}

}  // namespace
}  // namespace meshsec::firmware
