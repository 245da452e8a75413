// SPDX-License-Identifier: Apache-2.0
#pragma once
// XEP-0215 (External Service Discovery, namespace urn:xmpp:extdisco:2): the request the box
// sends its XMPP server after login, and the parser for the answer, which lists STUN/TURN
// servers with time-limited credentials (Prosody's mod_external_services hands out coturn
// "TURN REST API" credentials: username "<expiry>[:name]", password HMAC(secret, username)).
//
//   <iq type='result' from='example.com' id='…'>
//     <services xmlns='urn:xmpp:extdisco:2'>
//       <service type='turn' transport='udp' host='turn.example.com' port='3478'
//                username='1700000000' password='…' expires='2023-11-14T22:13:20Z' restricted='1'/>
//     </services>
//   </iq>
//
// The parser reads an xml::Element tree (the stream parser's output, with its size/depth limits
// already applied); anything it cannot use is skipped and counted, never fatal.
//
// Thread: any (pure functions).
#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "presentd/xml/element.hpp"

namespace presentd::xmpp {

inline constexpr std::string_view kExtdiscoNs = "urn:xmpp:extdisco:2";

struct ExternalService {
  std::string type;        // "stun", "turn", "turns" (others are kept for the caller to ignore)
  std::string transport;   // "udp", "tcp" or "" (not given)
  std::string host;        // never empty
  std::uint16_t port = 0;  // 0: not given (the caller picks the scheme's default)
  std::string username;    // secret-bearing: never logged
  std::string password;    // secret: never logged
  std::optional<std::chrono::system_clock::time_point> expires;
  bool restricted = false;
  bool operator==(const ExternalService&) const = default;
};

struct ExternalServicesReply {
  std::vector<ExternalService> services;
  std::size_t skipped = 0;  // <service/> elements that could not be used
  std::string skip_reason;  // why the first of them was skipped
  std::string error;        // the stanza error condition of an iq type='error', else ""
};

// At most this many services are read from one answer; the rest are counted as skipped.
inline constexpr std::size_t kMaxExternalServices = 16;

// <iq type='get' id=… to=…><services xmlns='urn:xmpp:extdisco:2'/></iq>: all types at once.
[[nodiscard]] xml::Element make_services_request(std::string_view id, std::string_view to);

// `iq` must be the answer (type result or error) to make_services_request; the caller matches
// id and sender. A result without <services/> gives no services and no error.
[[nodiscard]] ExternalServicesReply parse_services_reply(const xml::Element& iq);

// XEP-0082 DateTime: CCYY-MM-DDThh:mm:ss[.sss](Z|(+|-)hh:mm). nullopt for anything else.
[[nodiscard]] std::optional<std::chrono::system_clock::time_point> parse_xmpp_datetime(std::string_view text);

// When to ask again for credentials that expire at `expires`: a quarter of the remaining
// lifetime early, but no more than 10 minutes early, and never sooner than 10 s from now (a
// server whose clock is ahead, or credentials already expired, must not cause a tight loop).
[[nodiscard]] std::chrono::seconds refresh_delay(std::chrono::system_clock::time_point expires,
                                                 std::chrono::system_clock::time_point now);

}  // namespace presentd::xmpp
