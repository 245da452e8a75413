// SPDX-License-Identifier: Apache-2.0
#include "presentd/sdp/sdp_writer.hpp"

#include <sstream>

#include "presentd/sdp/sdp_lines.hpp"

namespace presentd::sdp {
namespace {

constexpr const char* kEnd = "\r\n";

void write_bandwidths(std::ostream& out, const std::vector<Bandwidth>& bandwidths) {
  for (const auto& b : bandwidths) out << "b=" << b.type << ':' << b.value << kEnd;
}

void write_transport(std::ostream& out, const TransportAttributes& t) {
  if (t.ice_ufrag) out << "a=ice-ufrag:" << *t.ice_ufrag << kEnd;
  if (t.ice_pwd) out << "a=ice-pwd:" << *t.ice_pwd << kEnd;
  if (!t.ice_options.empty()) {
    out << "a=ice-options:";
    for (std::size_t i = 0; i < t.ice_options.size(); ++i) out << (i ? " " : "") << t.ice_options[i];
    out << kEnd;
  }
  for (const auto& f : t.fingerprints) out << "a=fingerprint:" << f.algorithm << ' ' << f.value << kEnd;
  if (t.setup) out << "a=setup:" << setup_name(*t.setup) << kEnd;
}

void write_payload_type(std::ostream& out, const MediaDescription& m, std::uint8_t pt) {
  const int number = pt;  // print as a number, not a char
  if (const Rtpmap* map = m.find_rtpmap(pt)) {
    out << "a=rtpmap:" << number << ' ' << map->encoding << '/' << map->clock_rate;
    if (map->channels) out << '/' << *map->channels;
    out << kEnd;
  }
  for (const auto& fb : m.rtcp_feedback) {
    if (fb.payload_type != pt) continue;
    out << "a=rtcp-fb:" << number << ' ' << fb.type;
    if (!fb.parameter.empty()) out << ' ' << fb.parameter;
    out << kEnd;
  }
  if (const Fmtp* fmtp = m.find_fmtp(pt)) out << "a=fmtp:" << number << ' ' << fmtp->parameters << kEnd;
}

void write_media(std::ostream& out, const MediaDescription& m) {
  out << "m=" << m.media << ' ' << m.port;
  if (m.port_count) out << '/' << *m.port_count;
  out << ' ' << m.proto;
  for (const auto& format : m.formats) out << ' ' << format;
  out << kEnd;
  if (m.connection) out << "c=" << *m.connection << kEnd;
  write_bandwidths(out, m.bandwidths);
  write_transport(out, m.transport);
  if (m.mid) out << "a=mid:" << *m.mid << kEnd;
  if (m.bundle_only) out << "a=bundle-only" << kEnd;
  for (const auto& e : m.extmaps) {
    out << "a=extmap:" << e.id;
    if (e.direction) out << '/' << direction_name(*e.direction);
    out << ' ' << e.uri;
    if (!e.attributes.empty()) out << ' ' << e.attributes;
    out << kEnd;
  }
  if (m.extmap_allow_mixed) out << "a=extmap-allow-mixed" << kEnd;
  if (m.direction) out << "a=" << direction_name(*m.direction) << kEnd;
  if (m.msid) out << "a=msid:" << *m.msid << kEnd;
  if (m.rtcp_mux) out << "a=rtcp-mux" << kEnd;
  if (m.rtcp_mux_only) out << "a=rtcp-mux-only" << kEnd;
  if (m.rtcp_rsize) out << "a=rtcp-rsize" << kEnd;
  for (const auto pt : m.payload_types()) write_payload_type(out, m, pt);
  for (const auto& fb : m.rtcp_feedback) {  // RFC 4585 §4.2 "*": every payload type
    if (fb.payload_type) continue;
    out << "a=rtcp-fb:* " << fb.type;
    if (!fb.parameter.empty()) out << ' ' << fb.parameter;
    out << kEnd;
  }
  for (const auto& g : m.ssrc_groups) {
    out << "a=ssrc-group:" << g.semantics;
    for (const auto ssrc : g.ssrcs) out << ' ' << ssrc;
    out << kEnd;
  }
  for (const auto& s : m.ssrcs) {
    out << "a=ssrc:" << s.ssrc << ' ' << s.attribute;
    if (!s.value.empty()) out << ':' << s.value;
    out << kEnd;
  }
  for (const auto& c : m.candidates) out << "a=" << format_candidate(c) << kEnd;
  if (m.end_of_candidates) out << "a=end-of-candidates" << kEnd;
}

}  // namespace

std::string write_sdp(const SessionDescription& d) {
  std::ostringstream out;
  const Origin& o = d.origin;
  out << "v=0" << kEnd;
  out << "o=" << o.username << ' ' << o.session_id << ' ' << o.session_version << ' ' << o.network_type << ' '
      << o.address_type << ' ' << o.address << kEnd;
  out << "s=" << d.session_name << kEnd;
  if (d.connection) out << "c=" << *d.connection << kEnd;
  write_bandwidths(out, d.bandwidths);
  out << "t=0 0" << kEnd;
  if (d.ice_lite) out << "a=ice-lite" << kEnd;
  write_transport(out, d.transport);
  for (const auto& g : d.groups) {
    out << "a=group:" << g.semantics;
    for (const auto& mid : g.mids) out << ' ' << mid;
    out << kEnd;
  }
  if (d.extmap_allow_mixed) out << "a=extmap-allow-mixed" << kEnd;
  if (d.msid_semantic) out << "a=msid-semantic:" << *d.msid_semantic << kEnd;
  if (d.direction) out << "a=" << direction_name(*d.direction) << kEnd;
  for (const auto& m : d.media) write_media(out, m);
  return out.str();
}

std::optional<Error> check_text_limits(const SessionDescription& description) {
  auto lines = split_sdp_lines(write_sdp(description));
  if (lines) return std::nullopt;
  return lines.error();
}

}  // namespace presentd::sdp
