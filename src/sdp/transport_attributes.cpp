// SPDX-License-Identifier: Apache-2.0
#include "presentd/sdp/transport_attributes.hpp"

#include <string>

#include "presentd/sdp/text.hpp"

namespace presentd::sdp {
namespace {

// RFC 8839 §5.4: ice-char = ALPHA / DIGIT / "+" / "/". Some stacks also use '-', '_' or '=' in
// practice; any visible ASCII is accepted because the value is only compared, never interpreted.
bool valid_credential(std::string_view value) {
  return text::is_token(value) && value.size() <= kMaxIceCredentialLength;
}

// RFC 8122 §5: fingerprint = 2UHEX *(":" 2UHEX); a SHA-512 one is 191 characters.
bool valid_fingerprint_value(std::string_view value) {
  if (value.size() < 2 || value.size() > 191 || (value.size() + 1) % 3 != 0) return false;
  for (std::size_t i = 0; i < value.size(); ++i) {
    const char c = value[i];
    if (i % 3 == 2) {
      if (c != ':') return false;
    } else if (!((c >= '0' && c <= '9') || (c >= 'A' && c <= 'F') || (c >= 'a' && c <= 'f'))) {
      return false;
    }
  }
  return true;
}

std::optional<Setup> parse_setup(std::string_view value) {
  if (value == "actpass") return Setup::actpass;
  if (value == "active") return Setup::active;
  if (value == "passive") return Setup::passive;
  if (value == "holdconn") return Setup::holdconn;
  return std::nullopt;
}

}  // namespace

AttributeOutcome parse_transport_attribute(const AttributeView& a, TransportAttributes& out, std::string_view& why) {
  if (a.name == "ice-ufrag" || a.name == "ice-pwd") {
    const std::string_view value = text::trim(a.value);
    if (!valid_credential(value)) {
      why = "empty, too long or not printable";
      return AttributeOutcome::malformed;
    }
    (a.name == "ice-ufrag" ? out.ice_ufrag : out.ice_pwd) = std::string(value);
    return AttributeOutcome::handled;
  }
  if (a.name == "ice-options") {
    bool overflow = false;
    const auto fields = text::split_fields(a.value, kMaxIceOptions, &overflow);
    if (overflow) {
      why = "too many options";
      return AttributeOutcome::malformed;
    }
    out.ice_options.clear();
    for (const auto field : fields) out.ice_options.emplace_back(field);
    return AttributeOutcome::handled;
  }
  if (a.name == "fingerprint") {
    const auto [algorithm, value] = text::split_first(text::trim(a.value));
    if (!text::is_token(algorithm) || algorithm.size() > 16 || !valid_fingerprint_value(value)) {
      why = "expected <hash-function> <hex pairs separated by ':'>";
      return AttributeOutcome::malformed;
    }
    if (out.fingerprints.size() == kMaxFingerprints) {
      why = "too many fingerprints";
      return AttributeOutcome::malformed;
    }
    out.fingerprints.push_back(Fingerprint{text::to_lower(algorithm), std::string(value)});
    return AttributeOutcome::handled;
  }
  if (a.name == "setup") {
    out.setup = parse_setup(text::trim(a.value));
    if (!out.setup) {
      why = "expected actpass, active, passive or holdconn";
      return AttributeOutcome::malformed;
    }
    return AttributeOutcome::handled;
  }
  return AttributeOutcome::not_mine;
}

Error attribute_error(const SdpLine& line, std::string_view name, std::string_view why) {
  std::string what = "a=";
  what.append(name.substr(0, 32));  // the name comes from the sender: keep the message short
  what.append(": ");
  what.append(why);
  return make_error(ErrorCode::bad_attribute, line.number, what);
}

}  // namespace presentd::sdp
