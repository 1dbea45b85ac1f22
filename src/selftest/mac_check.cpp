#include "selftest/mac_check.hpp"

#include <string>

namespace meshsec::selftest {
namespace {
using crypto::Status;
std::string status_text(Status s) { return std::string(crypto::to_string(s)); }
}  // namespace

VectorOutcome check_mac_valid(const MacCase& c) {
  crypto::Mac mac;
  Status s = mac.init(c.algorithm, c.key);
  if (s != Status::ok) return VectorOutcome::failed("init refused a valid key: " + status_text(s));
  if (c.tag.empty() || c.tag.size() > mac.size())
    return VectorOutcome::failed("vector tag of " + std::to_string(c.tag.size()) + " bytes cannot be produced");
  Bytes out(c.tag.size());
  s = mac.compute(c.msg, out);
  if (s != Status::ok) return VectorOutcome::failed("compute failed: " + status_text(s));
  if (out != c.tag) return VectorOutcome::failed("compute: tag differs from the vector");
  s = mac.verify_truncated({c.msg}, c.tag, c.min_tag_length);
  if (s != Status::ok) return VectorOutcome::failed("verify_truncated refused a valid tag: " + status_text(s));

  std::size_t rejected = 0;
  const std::size_t positions[] = {0, c.tag.size() / 2, c.tag.size() - 1};
  for (std::size_t pos : positions) {
    Bytes bad = c.tag;
    bad[pos] ^= 0x01;
    if (mac.verify_truncated({c.msg}, bad, c.min_tag_length) == Status::ok)
      return VectorOutcome::failed("tag with byte " + std::to_string(pos) + " flipped was accepted");
    ++rejected;
  }
  Bytes longer = c.msg;
  longer.push_back(0x00);
  if (mac.verify_truncated({longer}, c.tag, c.min_tag_length) == Status::ok)
    return VectorOutcome::failed("message with a trailing byte was accepted");
  ++rejected;
  return VectorOutcome::passed(rejected);
}

VectorOutcome check_mac_invalid(const MacCase& c) {
  crypto::Mac mac;
  const Status init = mac.init(c.algorithm, c.key);
  if (init != Status::ok) return refusal_outcome(init, "init");
  return refusal_outcome(mac.verify_truncated({c.msg}, c.tag, c.min_tag_length), "verify_truncated");
}

}  // namespace meshsec::selftest
