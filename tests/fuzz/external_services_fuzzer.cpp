// SPDX-License-Identifier: Apache-2.0
// Fuzzes the XEP-0215 answer parser behind the real stream parser: any bytes after a stream
// header become stanzas (or a stream error), and every stanza goes through
// parse_services_reply. Services that come out must be usable as the parser promises (a
// plausible host, at most kMaxExternalServices), and nothing may crash.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <span>
#include <string>

#include "presentd/signaling/xmpp/external_services.hpp"
#include "presentd/signaling/xmpp/xml_stream_parser.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  presentd::xmpp::XmlLimits limits;
  limits.max_stanza_bytes = 16384;
  limits.max_depth = 8;
  presentd::xmpp::XmlStreamParser parser(limits);
  (void)parser.feed(std::string_view(
      "<stream:stream xmlns='jabber:client' xmlns:stream='http://etherx.jabber.org/streams' version='1.0'>"));
  const auto result = parser.feed(std::span<const std::uint8_t>(data, size));
  for (const auto& event : result.events) {
    const auto* stanza = std::get_if<presentd::xmpp::StanzaReceived>(&event);
    if (stanza == nullptr) continue;
    const auto reply = presentd::xmpp::parse_services_reply(stanza->stanza);
    if (reply.services.size() > presentd::xmpp::kMaxExternalServices) std::abort();
    for (const auto& service : reply.services) {
      if (service.host.empty() || service.type.empty()) std::abort();
      if (service.host.find_first_of(" /@\r\n") != std::string::npos) std::abort();
    }
    if (reply.skipped > 0 && reply.skip_reason.empty()) std::abort();
  }
  for (const char* text : {"2026-11-24T04:15:00Z", "1969-07-20T21:56:15-05:00"}) {
    if (!presentd::xmpp::parse_xmpp_datetime(text)) std::abort();
  }
  // The date-time parser on the raw bytes too.
  (void)presentd::xmpp::parse_xmpp_datetime(std::string_view(reinterpret_cast<const char*>(data), size));
  return 0;
}
