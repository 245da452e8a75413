// SPDX-License-Identifier: Apache-2.0
#pragma once
// The XML namespaces of the Jingle family and of the stanzas around it.
// Thread: none; constants.
#include <string_view>

namespace presentd::signaling::jingle::ns {

inline constexpr std::string_view kJingle = "urn:xmpp:jingle:1";                         // XEP-0166
inline constexpr std::string_view kJingleErrors = "urn:xmpp:jingle:errors:1";            // XEP-0166 §11
inline constexpr std::string_view kRtp = "urn:xmpp:jingle:apps:rtp:1";                   // XEP-0167
inline constexpr std::string_view kIceUdp = "urn:xmpp:jingle:transports:ice-udp:1";      // XEP-0176
inline constexpr std::string_view kDtls = "urn:xmpp:jingle:apps:dtls:0";                 // XEP-0320
inline constexpr std::string_view kRtpInfo = "urn:xmpp:jingle:apps:rtp:info:1";          // XEP-0167 §7
inline constexpr std::string_view kRtcpFb = "urn:xmpp:jingle:apps:rtp:rtcp-fb:0";        // XEP-0293
inline constexpr std::string_view kRtpHdrext = "urn:xmpp:jingle:apps:rtp:rtp-hdrext:0";  // XEP-0294
inline constexpr std::string_view kSsma = "urn:xmpp:jingle:apps:rtp:ssma:0";             // XEP-0339
inline constexpr std::string_view kGrouping = "urn:xmpp:jingle:apps:grouping:0";         // XEP-0338
inline constexpr std::string_view kJingleMessage = "urn:xmpp:jingle-message:0";          // XEP-0353
inline constexpr std::string_view kHints = "urn:xmpp:hints";                             // XEP-0334
inline constexpr std::string_view kClient = "jabber:client";                             // RFC 6120
inline constexpr std::string_view kStanzas = "urn:ietf:params:xml:ns:xmpp-stanzas";      // RFC 6120 §8.3
// presentd's own: the room PIN a remote presenter types, carried inside <jingle/> (docs/protocol.md).
inline constexpr std::string_view kPin = "urn:presentd:pin:0";

}  // namespace presentd::signaling::jingle::ns
