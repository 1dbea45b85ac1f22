// `meshsec bench firmware`: the device-side costs of firmware updates, each against the
// cryptographic floor it cannot go below:
//   blob_header_verify    BlobVerifier::begin        vs one raw Ed25519 verify
//   blob_chunk_verify_256 accept_chunk (depth-6 path) vs one SHA-256 of the chunk record
//   auth_9798_run         three passes, both sides   vs the four CCM operations inside
//   link_chunk_512        seal + open of one chunk   vs AesAead seal + open, same size
#include <array>
#include <stdexcept>
#include <vector>

#include "auth/node_authenticator.hpp"
#include "auth/secure_link.hpp"
#include "auth/uploader_authenticator.hpp"
#include "bench_runner.hpp"
#include "command_registry.hpp"
#include "crypto/aead.hpp"
#include "crypto/ed25519.hpp"
#include "crypto/mac.hpp"
#include "firmware/blob_builder.hpp"
#include "firmware/blob_verifier.hpp"
#include "firmware/merkle_tree.hpp"

namespace {

using namespace meshsec;
using cli::BenchResult;

void require(bool ok, const char* what) {
  if (!ok) throw std::runtime_error(std::string("bench set-up failed: ") + what);
}

void bench_blob(double seconds, std::vector<BenchResult>& results) {
  std::array<std::uint8_t, 32> seed{}, key{};
  seed.fill(3);
  key.fill(4);
  firmware::SoftwareBlobSigner signer;
  require(signer.init(seed) == crypto::Status::ok, "signer");
  firmware::BlobBuildParams p;
  p.customer_id = 1;
  p.chunk_size = 256;
  const std::vector<std::uint8_t> image(64 * 256, 0x5a);
  std::vector<std::uint8_t> blob;
  require(firmware::BlobBuilder(key, signer).build(p, image, blob) == firmware::BlobError::ok, "build");
  firmware::BlobFileView file;
  require(firmware::parse_blob_file(blob, file) == firmware::BlobError::ok, "parse");
  std::vector<firmware::blob::Digest> leaves(file.header.chunk_count);
  for (std::uint32_t i = 0; i < file.header.chunk_count; ++i) {
    require(firmware::blob_leaf_hash(file.header, i, firmware::blob_chunk_record(file, i), leaves[i]) ==
                firmware::BlobError::ok,
            "leaf");
  }
  firmware::MerkleTree tree;
  require(tree.build(leaves) == firmware::BlobError::ok, "tree");
  const auto path = tree.path(17);
  const auto record = firmware::blob_chunk_record(file, 17);
  firmware::BlobPolicy policy;
  policy.customer_id = 1;
  firmware::BlobVerifier verifier;
  const auto signed_header = std::span(blob).first(firmware::blob::signed_header_size);
  std::array<std::uint8_t, firmware::blob::signing_message_size> message{};
  firmware::blob_signing_message(signed_header.first<firmware::blob::header_size>(), message);
  bool failed = false;
  results.push_back(cli::measure_pair(
      "blob_header_verify", [&] { failed |= verifier.begin(signed_header, signer.public_key(), policy) != firmware::BlobError::ok; },
      [&] {
        failed |= crypto::ed25519_verify(signer.public_key(), message, file.signature) != crypto::Status::ok;
      },
      seconds));
  require(verifier.begin(signed_header, signer.public_key(), policy) == firmware::BlobError::ok, "begin");
  firmware::blob::Digest digest{};
  results.push_back(cli::measure_pair(
      "blob_chunk_verify_256", [&] { failed |= verifier.accept_chunk(17, record, path) != firmware::BlobError::ok; },
      [&] { failed |= crypto::sha256({record.ciphertext, record.tag}, digest) != crypto::Status::ok; }, seconds));
  require(!failed, "blob operations");
}

void bench_auth(double seconds, std::vector<BenchResult>& results) {
  std::array<std::uint8_t, 16> key{};
  key.fill(9);
  auth::EntityId a_id{}, b_id{};
  a_id.fill(0xA0);
  b_id.fill(0xB0);
  auth::TransferOffer offer;
  offer.image_size = 100000;
  offer.chunk_size = 512;
  auth::NodeAuthenticator node;
  require(node.init(b_id, key) == auth::AuthError::ok, "node");
  std::array<std::uint8_t, 128> m1{}, m2{}, m3{};
  std::size_t n1 = 0, n2 = 0, n3 = 0;
  bool failed = false;
  auto run = [&] {
    auth::UploaderAuthenticator uploader{a_id};
    auth::TransferProgress progress;
    auth::TransferResume resume;
    failed |= node.start(m1, n1) != auth::AuthError::ok;
    failed |= uploader.handle_token1(std::span(m1).first(n1), key, offer, m2, n2) != auth::AuthError::ok;
    failed |= node.handle_token2(std::span(m2).first(n2), progress, m3, n3) != auth::AuthError::ok;
    failed |= uploader.handle_token3(std::span(m3).first(n3), resume) != auth::AuthError::ok;
  };
  crypto::AesAead ccm;
  require(ccm.init(crypto::AeadMode::ccm, key, 16) == crypto::Status::ok, "ccm");
  std::array<std::uint8_t, 13> nonce{};
  std::array<std::uint8_t, 40> aad{};
  std::array<std::uint8_t, 54> plain{}, cipher{};
  std::array<std::uint8_t, 16> tag{};
  auto floor = [&] {
    for (int i = 0; i < 2; ++i) {
      failed |= ccm.seal(nonce, aad, plain, cipher, tag) != crypto::Status::ok;
      failed |= ccm.open(nonce, aad, cipher, tag, plain) != crypto::Status::ok;
    }
  };
  results.push_back(cli::measure_pair("auth_9798_run", run, floor, seconds));

  auth::SessionKey ka, kb;
  auth::UploaderLink up;
  auth::NodeLink down;
  // Both link ends keyed from one fresh run.
  auth::UploaderAuthenticator uploader{a_id};
  auth::TransferProgress progress;
  auth::TransferResume resume;
  require(node.start(m1, n1) == auth::AuthError::ok &&
              uploader.handle_token1(std::span(m1).first(n1), key, offer, m2, n2) == auth::AuthError::ok &&
              node.handle_token2(std::span(m2).first(n2), progress, m3, n3) == auth::AuthError::ok &&
              uploader.handle_token3(std::span(m3).first(n3), resume) == auth::AuthError::ok &&
              uploader.take_session_key(ka) == auth::AuthError::ok && node.take_session_key(kb) == auth::AuthError::ok,
          "link session");
  require(up.init(std::move(ka), offer, 0) == auth::AuthError::ok && down.init(std::move(kb)) == auth::AuthError::ok,
          "links");
  const std::vector<std::uint8_t> chunk(512, 0x11);
  std::array<std::uint8_t, auth::layout::max_data_size> wire_buf{};
  std::array<std::uint8_t, auth::layout::max_link_payload> out{};
  auth::TransferProgress node_progress{offer.image_id, offer.image_size, offer.chunk_size, 1};
  std::size_t written = 0, length = 0;
  std::uint32_t index = 0;
  bool is_new = false;
  // Chunk 0 sent again and again: authenticated, accepted, not stored twice — the full
  // receive path without running out of image.
  auto link = [&] {
    failed |= up.seal_chunk(0, chunk, wire_buf, written) != auth::AuthError::ok;
    failed |= down.open_chunk(std::span(wire_buf).first(written), node_progress, out, length, index, is_new) !=
              auth::AuthError::ok;
  };
  std::array<std::uint8_t, 32> link_key{};
  link_key.fill(5);
  crypto::AesAead raw;
  require(raw.init(crypto::AeadMode::ccm, link_key, 16) == crypto::Status::ok, "raw");
  std::array<std::uint8_t, 512> ct{};
  auto raw_link = [&] {
    failed |= raw.seal(nonce, std::span(aad).first(11), chunk, ct, tag) != crypto::Status::ok;
    failed |= raw.open(nonce, std::span(aad).first(11), ct, tag, out) != crypto::Status::ok;
  };
  results.push_back(cli::measure_pair("link_chunk_512", link, raw_link, seconds));
  require(!failed, "auth operations");
}

const bool registered = cli::register_command(cli::bench_command_order + 50, [](CLI::App& root) {
  auto* cmd = root.get_subcommand("bench")->add_subcommand("firmware", "Blob verification, 9798-2 and link costs");
  auto json = std::make_shared<bool>(false);
  auto seconds = std::make_shared<double>(0.2);
  cmd->add_flag("--json", *json, "Print JSON");
  cmd->add_option("--seconds", *seconds, "Seconds per measurement round (7 rounds, best kept)")
      ->check(CLI::Range(0.01, 10.0));
  cmd->callback([json, seconds] {
    std::vector<BenchResult> results;
    bench_blob(*seconds, results);
    bench_auth(*seconds, results);
    cli::print_bench_results(results, *json);
  });
});

}  // namespace
