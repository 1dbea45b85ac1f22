#include "firmware/boot_image_builder.hpp"

#include "crypto/mac.hpp"
#include "firmware/key_id.hpp"

namespace meshsec::firmware {

BlobError build_keystore(const KeystoreParams& params, BlobSigner& vendor_signer, std::vector<std::uint8_t>& out) {
  out.clear();
  blob::KeyId vendor_id{};
  if (public_key_id(vendor_signer.public_key(), vendor_id) != BlobError::ok) return BlobError::crypto_failure;
  std::vector<std::uint8_t> bytes(boot::max_keystore_size, 0);
  wire::BoundedWriter w(bytes);
  if (const BlobError e = encode_keystore_body(params.environment, params.customer_id, params.counter, vendor_id,
                                               params.keys, w);
      e != BlobError::ok) {
    return e;
  }
  const std::size_t body_size = w.size();
  std::array<std::uint8_t, max_keystore_signing_message> message{};
  std::size_t length = 0;
  if (keystore_signing_message(std::span<const std::uint8_t>(bytes).first(body_size), message, length) !=
      BlobError::ok) {
    return BlobError::malformed;
  }
  const auto signature = w.reserve(blob::signature_size);
  if (!w.ok() || vendor_signer.sign(std::span<const std::uint8_t>(message).first(length),
                                    signature.first<blob::signature_size>()) != crypto::Status::ok) {
    return BlobError::crypto_failure;
  }
  bytes.resize(w.size());
  out = std::move(bytes);
  return BlobError::ok;
}

BlobError build_app_image(const AppImageParams& params, std::span<const std::uint8_t> app, BlobSigner& customer_signer,
                          std::vector<std::uint8_t>& out) {
  out.clear();
  if (app.empty() || app.size() > boot::max_app_size) return BlobError::malformed;
  AppImageView fields;
  fields.environment = params.environment;
  fields.customer_id = params.customer_id;
  fields.product_id = params.product_id;
  fields.version = params.version;
  fields.security_counter = params.security_counter;
  if (crypto::sha256({app}, fields.app_digest) != crypto::Status::ok ||
      public_key_id(customer_signer.public_key(), fields.signing_key_id) != BlobError::ok) {
    return BlobError::crypto_failure;
  }
  std::vector<std::uint8_t> bytes(boot::app_header_size + app.size() + blob::signature_size, 0);
  const auto header = std::span<std::uint8_t>(bytes).first<boot::app_header_size>();
  if (const BlobError e = encode_app_header(fields, static_cast<std::uint32_t>(app.size()), header);
      e != BlobError::ok) {
    return e;
  }
  std::copy(app.begin(), app.end(), bytes.begin() + boot::app_header_size);
  std::array<std::uint8_t, app_signing_message_size> message{};
  app_signing_message(header, message);
  if (customer_signer.sign(message, std::span<std::uint8_t>(bytes).last<blob::signature_size>()) !=
      crypto::Status::ok) {
    return BlobError::crypto_failure;
  }
  out = std::move(bytes);
  return BlobError::ok;
}

BlobError build_boot_image(std::span<const std::uint8_t> keystore, std::span<const std::uint8_t> app_image,
                           std::vector<std::uint8_t>& out) {
  out.assign(4 + 1 + 2 + keystore.size() + 4 + app_image.size(), 0);
  wire::BoundedWriter w(out);
  const BlobError e = encode_boot_image(keystore, app_image, w);
  if (e != BlobError::ok) out.clear();
  return e;
}

}  // namespace meshsec::firmware
