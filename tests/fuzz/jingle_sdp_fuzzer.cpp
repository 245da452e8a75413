// SPDX-License-Identifier: Apache-2.0
// Fuzzes the Jingle → SDP mapper from stanza text. The session core takes the mapper's models as
// they are (no text in between), so whatever the mapper accepts must be a model WHIP's parsers
// could have made: an offer prints as SDP within the text limits that the offer parser reads back
// to the same model (no line injection, nothing out of range) and that maps back to Jingle and
// again to the same SDP; a transport-info's fragment prints as an sdpfrag the trickle parser reads
// back to the same candidates.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string_view>

#include "presentd/sdp/sdp_fragment.hpp"
#include "presentd/sdp/sdp_parser.hpp"
#include "presentd/sdp/sdp_writer.hpp"
#include "signaling/jingle/jingle_namespaces.hpp"
#include "signaling/jingle/jingle_to_sdp.hpp"
#include "signaling/jingle/sdp_to_jingle.hpp"

namespace {
using namespace presentd;
using namespace presentd::signaling::jingle;

[[noreturn]] void die(const char* why) {
  std::fprintf(stderr, "jingle_sdp_fuzzer: %s\n", why);
  std::abort();
}

// The fragment as the sdpfrag text a WHIP sender would have sent.
std::string write_fragment(const sdp::SdpFragment& fragment) {
  std::string out;
  if (fragment.ice_ufrag) out += "a=ice-ufrag:" + *fragment.ice_ufrag + "\r\na=ice-pwd:" + *fragment.ice_pwd + "\r\n";
  for (std::size_t index = 0; index < fragment.mids.size(); ++index) {
    out += "m=audio 9 UDP/TLS/RTP/SAVPF 0\r\na=mid:" + fragment.mids[index] + "\r\n";
    for (const auto& trickle : fragment.candidates) {
      if (trickle.m_line_index == index) out += "a=" + sdp::format_candidate(trickle.candidate) + "\r\n";
    }
  }
  return out;
}
}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const auto parsed = xml::parse_element(std::string_view(reinterpret_cast<const char*>(data), size));
  if (!parsed.element) {
    if (parsed.error.empty()) die("XML refused without a reason");
    return 0;
  }
  const xml::Element* jingle = &*parsed.element;
  if (const auto* inner = jingle->child("jingle", ns::kJingle)) jingle = inner;  // a whole <iq/>

  if (const auto fragment = transport_info_to_fragment(*jingle)) {
    const auto reparsed = sdp::parse_sdp_fragment(write_fragment(fragment.value()));
    if (!reparsed) die("transport-info gave a fragment whose sdpfrag the parser refuses");
    if (!(reparsed->candidates == fragment->candidates) || reparsed->mids != fragment->mids ||
        reparsed->ice_ufrag != fragment->ice_ufrag || reparsed->ice_pwd != fragment->ice_pwd) {
      die("transport-info gave a fragment its sdpfrag does not parse back to");
    }
  }

  const auto offer = jingle_to_sdp(*jingle, {Party::initiator});
  if (!offer) {
    if (offer.error().message.empty()) die("mapping refused without a reason");
    return 0;
  }
  const auto text = sdp::write_sdp(offer.value());
  const auto reparsed = sdp::parse_sdp(text);
  if (!reparsed) {
    // Only an offer with no o= line may be refused here (the answer builder refuses it too); a
    // malformed line or a size limit would mean the mapper let something through.
    const auto code = reparsed.error().code;
    if (code != sdp::ErrorCode::missing_field) die("mapped SDP does not parse (or is over the text limits)");
    return 0;
  }
  if (!(reparsed.value() == offer.value())) die("mapped SDP parses to another model");

  const auto again = sdp_to_jingle(offer.value(), {"session-initiate", "sid", "a@b/c", ""}, Party::initiator);
  const auto twice = jingle_to_sdp(xml::parse_element(xml::serialize(again)).element.value(), {Party::initiator});
  if (!twice || !(sdp::write_sdp(twice.value()) == text)) die("SDP -> Jingle -> SDP changed the description");
  return 0;
}
