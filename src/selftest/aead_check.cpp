#include "selftest/aead_check.hpp"

#include <algorithm>
#include <string>

#include "crypto/status.hpp"

namespace meshsec::selftest {
namespace {

using crypto::AeadMode;
using crypto::Status;

std::string mode_name(AeadMode mode) { return mode == AeadMode::ccm ? "AES-CCM" : "AES-GCM"; }

bool all_zero(const Bytes& b) {
  return std::all_of(b.begin(), b.end(), [](std::uint8_t x) { return x == 0; });
}

std::string status_text(Status s) { return std::string(crypto::to_string(s)); }

// Why a length is outside meshsec's limits; the same text for every vector of a kind, so
// the notes of a file list each kind once.
std::string limit_note(const AeadCase& c) {
  if (!crypto::aead_tag_length_allowed(c.mode, c.tag.size()))
    return mode_name(c.mode) + " tag of " + std::to_string(c.tag.size()) +
           " bytes (meshsec allows CCM 4..16 even, GCM 4, 8, 12..16)";
  if (c.mode == AeadMode::gcm && c.nonce.size() > crypto::AeadLimits::gcm_nonce_max)
    return "AES-GCM nonce longer than 128 bytes (meshsec's limit; SP 800-38D allows longer IVs)";
  return mode_name(c.mode) + " nonce of " + std::to_string(c.nonce.size()) + " bytes (meshsec allows CCM 7..13, GCM 1..128)";
}

VectorOutcome outside_limits(const AeadCase& c) {
  crypto::AesAead aead;
  Status s = aead.init(c.mode, c.key, c.tag.size());
  if (s == Status::ok) {
    Bytes ct(c.msg.size());
    Bytes tag(c.tag.size());
    s = aead.seal(c.nonce, c.aad, c.msg, ct, tag);
  }
  if (s == Status::bad_tag_length || s == Status::bad_nonce_length) return VectorOutcome::excluded(limit_note(c));
  return VectorOutcome::failed("length outside meshsec's AEAD limits was not refused as such (" + status_text(s) + ")");
}

}  // namespace

VectorOutcome check_aead_valid(const AeadCase& c) {
  if (!crypto::aead_nonce_length_allowed(c.mode, c.nonce.size()) ||
      !crypto::aead_tag_length_allowed(c.mode, c.tag.size()))
    return outside_limits(c);
  if (c.msg.size() != c.ct.size())
    return VectorOutcome::failed("vector has message of " + std::to_string(c.msg.size()) +
                                 " bytes but ciphertext of " + std::to_string(c.ct.size()));
  crypto::AesAead aead;
  Status s = aead.init(c.mode, c.key, c.tag.size());
  if (s != Status::ok) return VectorOutcome::failed("init refused a valid vector: " + status_text(s));

  Bytes ct(c.msg.size());
  Bytes tag(c.tag.size());
  s = aead.seal(c.nonce, c.aad, c.msg, ct, tag);
  if (s != Status::ok) return VectorOutcome::failed("seal failed: " + status_text(s));
  if (ct != c.ct) return VectorOutcome::failed("seal: ciphertext differs from the vector");
  if (tag != c.tag) return VectorOutcome::failed("seal: tag differs from the vector");

  Bytes pt(c.ct.size(), 0xa5);
  s = aead.open(c.nonce, c.aad, c.ct, c.tag, pt);
  if (s != Status::ok) return VectorOutcome::failed("open refused a valid vector: " + status_text(s));
  if (pt != c.msg) return VectorOutcome::failed("open: plaintext differs from the vector");

  // Negative cases driven by the vector: each must be refused and leave no plaintext.
  std::size_t rejected = 0;
  std::string problem;
  auto expect_refused = [&](const char* what, const Bytes& nonce, const Bytes& aad, const Bytes& ct_in,
                            const Bytes& tag_in) {
    if (!problem.empty()) return;
    Bytes out(ct_in.size(), 0xa5);
    const Status r = aead.open(nonce, aad, ct_in, tag_in, out);
    if (r == Status::ok)
      problem = std::string("mutation accepted: ") + what;
    else if (r == Status::auth_failed && !all_zero(out))
      problem = std::string("plaintext not wiped after refusing: ") + what;
    else
      ++rejected;
  };
  const std::size_t positions[] = {0, c.tag.size() / 2, c.tag.size() - 1};
  const char* names[] = {"tag byte 0 flipped", "middle tag byte flipped", "last tag byte flipped"};
  for (std::size_t i = 0; i < 3; ++i) {
    Bytes bad_tag = c.tag;
    bad_tag[positions[i]] ^= 0x01;
    expect_refused(names[i], c.nonce, c.aad, c.ct, bad_tag);
  }
  Bytes bad_nonce = c.nonce;
  bad_nonce[0] ^= 0x01;
  expect_refused("nonce changed", bad_nonce, c.aad, c.ct, c.tag);
  Bytes bad_aad = c.aad;
  if (bad_aad.empty())
    bad_aad.push_back(0x00);
  else
    bad_aad[bad_aad.size() / 2] ^= 0x01;
  expect_refused("associated data changed", c.nonce, bad_aad, c.ct, c.tag);
  Bytes longer = c.ct;
  longer.push_back(0x00);
  expect_refused("trailing ciphertext byte", c.nonce, c.aad, longer, c.tag);
  if (!c.ct.empty()) {
    Bytes flipped = c.ct;
    flipped[flipped.size() / 2] ^= 0x80;
    expect_refused("ciphertext byte flipped", c.nonce, c.aad, flipped, c.tag);
    Bytes shorter(c.ct.begin(), c.ct.end() - 1);
    expect_refused("last ciphertext byte cut", c.nonce, c.aad, shorter, c.tag);
  }
  if (!problem.empty()) return VectorOutcome::failed(problem);
  return VectorOutcome::passed(rejected);
}

VectorOutcome check_aead_invalid(const AeadCase& c) {
  crypto::AesAead aead;
  const Status init = aead.init(c.mode, c.key, c.tag.size());
  if (init != Status::ok) return refusal_outcome(init, "init");
  Bytes out(c.ct.size(), 0xa5);
  const Status s = aead.open(c.nonce, c.aad, c.ct, c.tag, out);
  if (s == Status::auth_failed && !all_zero(out))
    return VectorOutcome::failed("plaintext not wiped after refusing an invalid vector");
  return refusal_outcome(s, "open");
}

}  // namespace meshsec::selftest
