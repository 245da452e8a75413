// SPDX-License-Identifier: Apache-2.0
#pragma once
// Parsers for the attributes both a full offer and a trickle-ICE fragment carry, at session or
// media level: a=ice-ufrag, a=ice-pwd, a=ice-options (RFC 8839 §5.4, §5.6), a=fingerprint
// (RFC 8122 §5), a=setup (RFC 4145 §4), a=candidate (RFC 8839 §5.1).
// Thread: none; pure functions.
#include <string_view>

#include "presentd/sdp/sdp_error.hpp"
#include "presentd/sdp/sdp_lines.hpp"
#include "presentd/sdp/session_description.hpp"

namespace presentd::sdp {

constexpr std::size_t kMaxIceCredentialLength = 256;  // RFC 8839 §5.4: ice-ufrag/pwd ≤ 256 chars
constexpr std::size_t kMaxFingerprints = 8;
constexpr std::size_t kMaxIceOptions = 16;

enum class AttributeOutcome { handled, not_mine, malformed };

// ice-ufrag, ice-pwd, ice-options, fingerprint, setup. `why` names the problem when malformed.
AttributeOutcome parse_transport_attribute(const AttributeView& attribute, TransportAttributes& out,
                                           std::string_view& why);

// The error for a malformed attribute on `line`: "line 7: a=fingerprint: <why>".
Error attribute_error(const SdpLine& line, std::string_view name, std::string_view why);

}  // namespace presentd::sdp
