#include "e2e/noise_pattern.hpp"

namespace meshsec::e2e {
namespace {

struct PatternText {
  std::string_view name;
  std::string_view initiator_pre;  // "s" or ""
  std::string_view responder_pre;  // "s" or ""
  std::string_view messages;       // tokens joined by ',', messages by ';'
};

// Noise spec rev. 34: §7.4 one-way, §7.5 fundamental interactive, §7.6 deferred.
constexpr std::array kPatterns = {
    PatternText{"N", "", "s", "e,es"},
    PatternText{"K", "s", "s", "e,es,ss"},
    PatternText{"X", "", "s", "e,es,s,ss"},
    PatternText{"NN", "", "", "e;e,ee"},
    PatternText{"NK", "", "s", "e,es;e,ee"},
    PatternText{"NX", "", "", "e;e,ee,s,es"},
    PatternText{"XN", "", "", "e;e,ee;s,se"},
    PatternText{"XK", "", "s", "e,es;e,ee;s,se"},
    PatternText{"XX", "", "", "e;e,ee,s,es;s,se"},
    PatternText{"KN", "s", "", "e;e,ee,se"},
    PatternText{"KK", "s", "s", "e,es,ss;e,ee,se"},
    PatternText{"KX", "s", "", "e;e,ee,se,s,es"},
    PatternText{"IN", "", "", "e,s;e,ee,se"},
    PatternText{"IK", "", "s", "e,es,s,ss;e,ee,se"},
    PatternText{"IX", "", "", "e,s;e,ee,se,s,es"},
    PatternText{"NK1", "", "s", "e;e,ee,es"},
    PatternText{"NX1", "", "", "e;e,ee,s;es"},
    PatternText{"X1N", "", "", "e;e,ee;s;se"},
    PatternText{"X1K", "", "s", "e,es;e,ee;s;se"},
    PatternText{"XK1", "", "s", "e;e,ee,es;s,se"},
    PatternText{"X1K1", "", "s", "e;e,ee,es;s;se"},
    PatternText{"X1X", "", "", "e;e,ee,s,es;s;se"},
    PatternText{"XX1", "", "", "e;e,ee,s;es,s,se"},
    PatternText{"X1X1", "", "", "e;e,ee,s;es,s;se"},
    PatternText{"K1N", "s", "", "e;e,ee;se"},
    PatternText{"K1K", "s", "s", "e,es;e,ee;se"},
    PatternText{"KK1", "s", "s", "e;e,ee,se,es"},
    PatternText{"K1K1", "s", "s", "e;e,ee,es;se"},
    PatternText{"K1X", "s", "", "e;e,ee,s,es;se"},
    PatternText{"KX1", "s", "", "e;e,ee,se,s;es"},
    PatternText{"K1X1", "s", "", "e;e,ee,s;se,es"},
    PatternText{"I1N", "", "", "e,s;e,ee;se"},
    PatternText{"I1K", "", "s", "e,es,s;e,ee;se"},
    PatternText{"IK1", "", "s", "e,s;e,ee,se,es"},
    PatternText{"I1K1", "", "s", "e,s;e,ee,es;se"},
    PatternText{"I1X", "", "", "e,s;e,ee,s,es;se"},
    PatternText{"IX1", "", "", "e,s;e,ee,se,s;es"},
    PatternText{"I1X1", "", "", "e,s;e,ee,s;se,es"},
};

bool token_from(std::string_view text, NoiseToken& out) noexcept {
  if (text == "e") out = NoiseToken::e;
  else if (text == "s") out = NoiseToken::s;
  else if (text == "ee") out = NoiseToken::ee;
  else if (text == "es") out = NoiseToken::es;
  else if (text == "se") out = NoiseToken::se;
  else if (text == "ss") out = NoiseToken::ss;
  else return false;
  return true;
}

bool append_token(NoiseMessagePattern& message, NoiseToken token) noexcept {
  if (message.count >= NoiseMessagePattern::max_tokens) return false;
  message.tokens[message.count++] = token;
  return true;
}

bool build(const PatternText& text, NoiseHandshakePattern& out) noexcept {
  out = NoiseHandshakePattern{};
  out.initiator_static_premessage = text.initiator_pre == "s";
  out.responder_static_premessage = text.responder_pre == "s";
  std::string_view rest = text.messages;
  while (!rest.empty()) {
    if (out.message_count >= NoiseHandshakePattern::max_messages) return false;
    const std::size_t end = rest.find(';');
    std::string_view message = rest.substr(0, end);
    rest = end == std::string_view::npos ? std::string_view{} : rest.substr(end + 1);
    NoiseMessagePattern& mp = out.messages[out.message_count++];
    while (!message.empty()) {
      const std::size_t comma = message.find(',');
      NoiseToken token{};
      if (!token_from(message.substr(0, comma), token) || !append_token(mp, token)) return false;
      message = comma == std::string_view::npos ? std::string_view{} : message.substr(comma + 1);
    }
  }
  out.one_way = text.name.size() == 1;
  return true;
}

// §9.2: "psk0" puts a psk token at the start of the first message, "pskN" (N >= 1) at the
// end of message N.
bool apply_psk_modifier(std::string_view modifier, NoiseHandshakePattern& pattern) noexcept {
  if (modifier.size() != 4 || modifier.substr(0, 3) != "psk") return false;
  const char digit = modifier[3];
  if (digit < '0' || digit > '9') return false;
  const auto index = static_cast<std::size_t>(digit - '0');
  if (index == 0) {
    NoiseMessagePattern& first = pattern.messages[0];
    if (first.count >= NoiseMessagePattern::max_tokens) return false;
    for (std::size_t i = first.count; i > 0; --i) first.tokens[i] = first.tokens[i - 1];
    first.tokens[0] = NoiseToken::psk;
    ++first.count;
  } else {
    if (index > pattern.message_count) return false;
    if (!append_token(pattern.messages[index - 1], NoiseToken::psk)) return false;
  }
  ++pattern.psk_count;
  return true;
}

}  // namespace

NoiseError find_noise_pattern(std::string_view name, NoiseHandshakePattern& out) noexcept {
  const std::size_t psk_at = name.find("psk");
  const std::string_view base = name.substr(0, psk_at);
  for (const PatternText& text : kPatterns) {
    if (text.name != base) continue;
    NoiseHandshakePattern pattern;
    if (!build(text, pattern)) return NoiseError::unsupported_protocol;
    if (psk_at != std::string_view::npos) {
      std::string_view modifiers = name.substr(psk_at);
      while (!modifiers.empty()) {
        const std::size_t plus = modifiers.find('+');
        if (!apply_psk_modifier(modifiers.substr(0, plus), pattern))
          return NoiseError::unsupported_protocol;
        modifiers = plus == std::string_view::npos ? std::string_view{} : modifiers.substr(plus + 1);
      }
    }
    out = pattern;
    return NoiseError::ok;
  }
  return NoiseError::unsupported_protocol;
}

NoiseError parse_noise_protocol(std::string_view protocol_name, NoiseProtocol& out) noexcept {
  // Noise_<pattern>_<dh>_<cipher>_<hash>
  std::array<std::string_view, 5> parts{};
  std::size_t count = 0;
  std::string_view rest = protocol_name;
  while (count < parts.size()) {
    const std::size_t sep = rest.find('_');
    parts[count++] = rest.substr(0, sep);
    if (sep == std::string_view::npos) {
      rest = {};
      break;
    }
    rest = rest.substr(sep + 1);
  }
  if (count != parts.size() || !rest.empty() || parts[0] != "Noise")
    return NoiseError::unsupported_protocol;
  if (parts[2] != "25519" || parts[4] != "SHA256") return NoiseError::unsupported_protocol;
  NoiseProtocol protocol;
  if (parts[3] == "AESGCM") protocol.cipher = NoiseCipher::aes_gcm;
  else if (parts[3] == "ChaChaPoly") protocol.cipher = NoiseCipher::chacha_poly;
  else return NoiseError::unsupported_protocol;
  const NoiseError e = find_noise_pattern(parts[1], protocol.pattern);
  if (e != NoiseError::ok) return e;
  out = protocol;
  return NoiseError::ok;
}

}  // namespace meshsec::e2e
