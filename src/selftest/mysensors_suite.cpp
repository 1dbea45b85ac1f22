// MySensors 2.x signing reference vectors (vectors/mysensors/signing_vectors.json, made by
// MySensors' own code): every vector through the real protocol objects with the soft
// backend and again with the key inside custody (secure-element backend); accept/reject as
// marked, plus replay, expiry and every single-bit flip as negatives.
#include <string>
#include <vector>

#include "selftest/suite_registry.hpp"
#include "selftest/vector_file.hpp"
#include "selftest/vector_outcome.hpp"
#include "signing/mysensors_vector_check.hpp"

namespace meshsec::selftest {
namespace {

constexpr const char* file_name = "mysensors/signing_vectors.json";

signing::MysensorsVector read_vector(const nlohmann::json& j) {
  signing::MysensorsVector v;
  v.name = json_string(j, "name");
  const std::string expected = json_string(j, "expected_verification");
  if (expected != "accept" && expected != "reject") throw VectorFileError("expected_verification: " + expected);
  v.expect_accept = expected == "accept";
  v.hmac_key = json_hex(j, "hmac_key");
  v.signer_serial = json_hex(j, "signer_serial");
  v.whitelist_salted = json_member(j, "whitelist_salted").get<bool>();
  if (j.contains("receiver_whitelist_entry_for_sender")) {
    const auto& entry = json_object(j, "receiver_whitelist_entry_for_sender");
    v.receiver_whitelists = true;
    v.entry_node = static_cast<std::uint8_t>(json_unsigned(entry, "nodeId"));
    v.entry_serial = json_hex(entry, "serial");
  }
  v.nonce_on_air = json_hex(j, "nonce_on_air_25");
  v.message_before = json_hex(j, "message_before_signing");
  v.message_after = json_hex(j, "message_after_signing");
  v.nonce_request = json_hex(j, "nonce_request_on_air");
  v.nonce_response = json_hex(j, "nonce_response_on_air");
  v.presentation = json_hex(j, "receiver_signing_presentation_on_air");
  if (const auto& c = json_member(j, "eeprom_personalization_checksum_byte"); c.is_string()) {
    const auto b = bytes_from_hex(c.get<std::string>(), "eeprom_personalization_checksum_byte");
    if (b.size() != 1) throw VectorFileError("eeprom_personalization_checksum_byte: not one byte");
    v.eeprom_checksum = b[0];
  }
  // MY_SIGNING_SIMPLE_PASSWD "pw" in the build line: check the key and serial derivation too.
  const std::string build = json_string(j, "build");
  const std::string marker = "MY_SIGNING_SIMPLE_PASSWD \"";
  if (const auto at = build.find(marker); at != std::string::npos) {
    const auto start = at + marker.size();
    const auto end = build.find('"', start);
    if (end == std::string::npos) throw VectorFileError("build: unterminated password");
    v.simple_password = build.substr(start, end - start);
  }
  return v;
}

VectorOutcome check(const nlohmann::json& j, signing::VectorBackend backend, FileResult& result) {
  const auto v = read_vector(j);
  const auto report = signing::check_mysensors_vector(v, backend);
  if (!report.passed) return VectorOutcome::failed(report.detail);
  if (report.short_mac_collisions > 0)
    result.note(v.name + ": " + std::to_string(report.mac_bits) + "-bit MySensors MAC (accepted only with the "
                "explicit opt-in): " + std::to_string(report.short_mac_collisions) +
                " of 248 single-bit flips collide; meshsec's default refuses the frame");
  return report.accepted ? VectorOutcome::passed(report.negatives_rejected) : VectorOutcome::rejected();
}

std::vector<FileResult> run(const SuiteContext& context) {
  FileResult result;
  result.file = file_name;
  try {
    const auto doc = read_json_file(context.shared_vectors / file_name);
    for (const auto& j : json_array(doc, "vectors")) {
      const std::string id = j.contains("name") && j["name"].is_string() ? j["name"].get<std::string>() : "?";
      run_vector(result, id + " (soft)", [&] { return check(j, signing::VectorBackend::soft, result); });
      run_vector(result, id + " (secure-element)",
                 [&] { return check(j, signing::VectorBackend::secure_element, result); });
    }
  } catch (const std::exception& e) {
    result.fail(e.what());
  }
  return {result};
}

[[maybe_unused]] const bool registered = register_suite("mysensors-signing", run);

}  // namespace
}  // namespace meshsec::selftest
