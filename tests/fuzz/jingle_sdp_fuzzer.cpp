// SPDX-License-Identifier: Apache-2.0
// Fuzzes the Jingle → SDP mapper from stanza text: whatever the mapper accepts must print as SDP
// the offer parser reads back to the same model (no line injection, nothing out of range), must
// map back to Jingle and again to the same SDP, and a transport-info must become an sdpfrag the
// trickle parser accepts.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string_view>

#include "sdp/sdp_fragment.hpp"
#include "sdp/sdp_parser.hpp"
#include "sdp/sdp_writer.hpp"
#include "signaling/jingle/jingle_namespaces.hpp"
#include "signaling/jingle/jingle_to_sdp.hpp"
#include "signaling/jingle/sdp_to_jingle.hpp"

namespace {
using namespace presentd;
using namespace presentd::signaling::jingle;

// Limits the SDP parser has and the mapper leaves to it (a large stanza may give a long SDP).
[[noreturn]] void die(const char* why) {
  std::fprintf(stderr, "jingle_sdp_fuzzer: %s\n", why);
  std::abort();
}

bool is_size_limit(sdp::ErrorCode code) {
  return code == sdp::ErrorCode::too_large || code == sdp::ErrorCode::too_many_lines ||
         code == sdp::ErrorCode::line_too_long || code == sdp::ErrorCode::too_many_items;
}
}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const auto parsed = parse_xml_element(std::string_view(reinterpret_cast<const char*>(data), size));
  if (!parsed.element) {
    if (parsed.error.empty()) die("XML refused without a reason");
    return 0;
  }
  const XmlElement* jingle = &*parsed.element;
  if (const auto* inner = jingle->child("jingle", ns::kJingle)) jingle = inner;  // a whole <iq/>

  if (const auto fragment = transport_info_to_sdpfrag(*jingle)) {
    const auto reparsed = sdp::parse_sdp_fragment(fragment.value());
    if (!reparsed && !is_size_limit(reparsed.error().code)) die("transport-info gave an sdpfrag the parser refuses");
  }

  const auto offer = jingle_to_sdp(*jingle, {Party::initiator});
  if (!offer) {
    if (offer.error().message.empty()) die("mapping refused without a reason");
    return 0;
  }
  const auto text = sdp::write_sdp(offer.value());
  const auto reparsed = sdp::parse_sdp(text);
  if (!reparsed) {
    // The parser may miss what an offer needs (a fingerprint, ICE credentials) or hit a size
    // limit; a malformed line would mean the mapper let something through.
    const auto code = reparsed.error().code;
    if (code != sdp::ErrorCode::missing_field && !is_size_limit(code)) die("mapped SDP does not parse");
    return 0;
  }
  if (!(reparsed.value() == offer.value())) die("mapped SDP parses to another model");

  const auto again = sdp_to_jingle(offer.value(), {"session-initiate", "sid", "a@b/c", ""}, Party::initiator);
  const auto twice = jingle_to_sdp(parse_xml_element(write_xml(again)).element.value(), {Party::initiator});
  if (!twice || !(sdp::write_sdp(twice.value()) == text)) die("SDP -> Jingle -> SDP changed the description");
  return 0;
}
