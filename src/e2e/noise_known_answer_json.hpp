// Reads one vector of the cacophony / snow JSON files into a NoiseKnownAnswer. Header-only
// and host-side: included by the selftest suite and the unit tests, never by device code.
// Throws std::exception (nlohmann's type errors, std::invalid_argument for bad hex).
#pragma once
#include <stdexcept>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "e2e/noise_known_answer.hpp"
#include "wire/hex.hpp"

namespace meshsec::e2e {

inline std::vector<std::uint8_t> noise_json_hex(const nlohmann::json& object, const char* key) {
  if (!object.contains(key)) return {};
  auto bytes = wire::from_hex(object.at(key).get<std::string>());
  if (!bytes) throw std::invalid_argument(std::string("field '") + key + "' is not hex");
  return *bytes;
}

inline NoiseKnownAnswer noise_known_answer_from_json(const nlohmann::json& v) {
  NoiseKnownAnswer out;
  out.protocol_name = v.at("protocol_name").get<std::string>();
  out.init_prologue = noise_json_hex(v, "init_prologue");
  out.init_ephemeral = noise_json_hex(v, "init_ephemeral");
  out.init_static = noise_json_hex(v, "init_static");
  out.init_remote_static = noise_json_hex(v, "init_remote_static");
  out.resp_prologue = noise_json_hex(v, "resp_prologue");
  out.resp_ephemeral = noise_json_hex(v, "resp_ephemeral");
  out.resp_static = noise_json_hex(v, "resp_static");
  out.resp_remote_static = noise_json_hex(v, "resp_remote_static");
  for (const char* key : {"init_psks", "resp_psks"}) {
    if (!v.contains(key)) continue;
    auto& list = std::string(key) == "init_psks" ? out.init_psks : out.resp_psks;
    for (const auto& psk : v.at(key)) {
      auto bytes = wire::from_hex(psk.get<std::string>());
      if (!bytes) throw std::invalid_argument(std::string("field '") + key + "' is not hex");
      list.push_back(*bytes);
    }
  }
  out.handshake_hash = noise_json_hex(v, "handshake_hash");
  for (const auto& m : v.at("messages")) {
    out.messages.push_back({noise_json_hex(m, "payload"), noise_json_hex(m, "ciphertext")});
  }
  return out;
}

}  // namespace meshsec::e2e
