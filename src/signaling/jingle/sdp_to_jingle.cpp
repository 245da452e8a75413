// SPDX-License-Identifier: Apache-2.0
#include "signaling/jingle/sdp_to_jingle.hpp"

#include <algorithm>

#include "presentd/sdp/text.hpp"
#include "signaling/jingle/jingle_namespaces.hpp"

namespace presentd::signaling::jingle {
namespace {

bool is_rtp(const sdp::MediaDescription& m) { return m.proto.find("RTP/") != std::string::npos; }

// Port 0 without bundle-only: the writer rejected this m-line (RFC 8843 §7.3.3 keeps bundle-only
// ones alive at port 0).
bool is_rejected(const sdp::MediaDescription& m) { return m.port == 0 && !m.bundle_only; }

std::string content_name(const sdp::MediaDescription& m, std::size_t index) {
  return m.mid ? *m.mid : std::to_string(index);
}

// "a=b;c=d" → <parameter name='a' value='b'/>…; a parameter without '=' keeps only its name
// (RFC 2198 red writes "111/111").
void add_fmtp_parameters(xml::Element& payload, std::string_view parameters) {
  while (!parameters.empty()) {
    const auto end = parameters.find(';');
    auto item = sdp::text::trim(parameters.substr(0, end));
    parameters = end == std::string_view::npos ? std::string_view() : parameters.substr(end + 1);
    if (item.empty()) continue;
    auto& parameter = payload.add("parameter", std::string(ns::kRtp));
    const auto equals = item.find('=');
    if (equals == std::string_view::npos) {
      parameter.set("name", std::string(item));
    } else {
      parameter.set("name", std::string(item.substr(0, equals)));
      parameter.set("value", std::string(item.substr(equals + 1)));
    }
  }
}

xml::Element rtcp_fb(const sdp::RtcpFeedback& fb) {
  xml::Element element("rtcp-fb", std::string(ns::kRtcpFb));
  element.set("type", fb.type);
  if (!fb.parameter.empty()) element.set("subtype", fb.parameter);
  return element;
}

void add_payload_types(xml::Element& description, const sdp::MediaDescription& m) {
  for (const auto pt : m.payload_types()) {
    auto& payload = description.add("payload-type", std::string(ns::kRtp));
    payload.set("id", std::to_string(pt));
    if (const auto* rtpmap = m.find_rtpmap(pt)) {
      payload.set("name", rtpmap->encoding);
      payload.set("clockrate", std::to_string(rtpmap->clock_rate));
      if (rtpmap->channels) payload.set("channels", std::to_string(*rtpmap->channels));
    }
    if (const auto* fmtp = m.find_fmtp(pt)) add_fmtp_parameters(payload, fmtp->parameters);
    for (const auto& fb : m.rtcp_feedback) {
      if (fb.payload_type == pt) payload.add(rtcp_fb(fb));
    }
  }
  // XEP-0293 §3: feedback for every payload type sits directly in the description.
  for (const auto& fb : m.rtcp_feedback) {
    if (!fb.payload_type) description.add(rtcp_fb(fb));
  }
}

void add_extmaps(xml::Element& description, const sdp::MediaDescription& m, Party writer) {
  for (const auto& extmap : m.extmaps) {
    auto& element = description.add("rtp-hdrext", std::string(ns::kRtpHdrext));
    element.set("id", std::to_string(extmap.id));
    element.set("uri", extmap.uri);
    if (extmap.direction) element.set("senders", std::string(senders_for(*extmap.direction, writer)));
    // Extension attributes (RFC 8285 §8) become one <parameter/> each: "name" or "name=value".
    for (const auto field : sdp::text::split_fields(extmap.attributes, 16)) {
      auto& parameter = element.add("parameter", std::string(ns::kRtpHdrext));
      const auto equals = field.find('=');
      parameter.set("name", std::string(field.substr(0, equals)));
      if (equals != std::string_view::npos) parameter.set("value", std::string(field.substr(equals + 1)));
    }
  }
}

void add_sources(xml::Element& description, const sdp::MediaDescription& m) {
  // One <source/> per SSRC, in the order the SSRCs first appear, with their attributes.
  std::vector<std::uint32_t> order;
  for (const auto& line : m.ssrcs) {
    if (std::find(order.begin(), order.end(), line.ssrc) == order.end()) order.push_back(line.ssrc);
  }
  for (const auto ssrc : order) {
    auto& source = description.add("source", std::string(ns::kSsma));
    source.set("ssrc", std::to_string(ssrc));
    for (const auto& line : m.ssrcs) {
      if (line.ssrc != ssrc) continue;
      auto& parameter = source.add("parameter", std::string(ns::kSsma));
      parameter.set("name", line.attribute);
      if (!line.value.empty()) parameter.set("value", line.value);
    }
  }
  for (const auto& group : m.ssrc_groups) {
    auto& element = description.add("ssrc-group", std::string(ns::kSsma));
    element.set("semantics", group.semantics);
    for (const auto ssrc : group.ssrcs) element.add("source", std::string(ns::kSsma)).set("ssrc", std::to_string(ssrc));
  }
}

xml::Element description_of(const sdp::SessionDescription& session, const sdp::MediaDescription& m, Party writer) {
  xml::Element description("description", std::string(ns::kRtp));
  description.set("media", m.media);
  add_payload_types(description, m);
  add_extmaps(description, m, writer);
  if (session.extmap_allow_mixed) description.add("extmap-allow-mixed", std::string(ns::kRtpHdrext));
  add_sources(description, m);
  if (m.rtcp_mux) description.add("rtcp-mux", std::string(ns::kRtp));
  for (const auto& bandwidth : m.bandwidths) {
    auto& element = description.add("bandwidth", std::string(ns::kRtp));
    element.set("type", bandwidth.type);
    element.text = std::to_string(bandwidth.value);
  }
  return description;
}

xml::Element transport_of(const sdp::SessionDescription& session, const sdp::MediaDescription& m,
                          const std::string& name) {
  xml::Element transport("transport", std::string(ns::kIceUdp));
  if (const auto& ufrag = sdp::effective_ice_ufrag(session, m)) transport.set("ufrag", *ufrag);
  if (const auto& pwd = sdp::effective_ice_pwd(session, m)) transport.set("pwd", *pwd);
  const auto setup = sdp::effective_setup(session, m);
  for (const auto& fingerprint : sdp::effective_fingerprints(session, m)) {
    auto& element = transport.add("fingerprint", std::string(ns::kDtls));
    element.set("hash", fingerprint.algorithm);
    if (setup) element.set("setup", std::string(sdp::setup_name(*setup)));
    element.text = fingerprint.value;
  }
  for (std::size_t i = 0; i < m.candidates.size(); ++i) {
    transport.add(candidate_to_jingle(m.candidates[i], name + "-" + std::to_string(i)));
  }
  return transport;
}

}  // namespace

xml::Element make_jingle(const JingleHeader& header) {
  xml::Element jingle("jingle", std::string(ns::kJingle));
  jingle.set("action", header.action);
  if (!header.initiator.empty()) jingle.set("initiator", header.initiator);
  if (!header.responder.empty()) jingle.set("responder", header.responder);
  jingle.set("sid", header.sid);
  return jingle;
}

xml::Element candidate_to_jingle(const sdp::Candidate& candidate, std::string_view id) {
  xml::Element element("candidate", std::string(ns::kIceUdp));
  element.set("component", std::to_string(candidate.component));
  element.set("foundation", candidate.foundation);
  std::string generation = "0";
  for (const auto& [key, value] : candidate.extensions) {
    if (key == "generation") generation = value;
  }
  element.set("generation", generation);
  element.set("id", id);
  element.set("ip", candidate.address);
  for (const auto& [key, value] : candidate.extensions) {
    if (key == "network-id") element.set("network", value);
  }
  element.set("port", std::to_string(candidate.port));
  element.set("priority", std::to_string(candidate.priority));
  element.set("protocol", candidate.transport);
  if (candidate.related_address) element.set("rel-addr", *candidate.related_address);
  if (candidate.related_port) element.set("rel-port", std::to_string(*candidate.related_port));
  if (candidate.tcptype) element.set("tcptype", *candidate.tcptype);
  element.set("type", candidate.type);
  return element;
}

xml::Element sdp_to_jingle(const sdp::SessionDescription& description, const JingleHeader& header, Party writer) {
  xml::Element jingle = make_jingle(header);
  std::vector<std::string> mapped;
  std::vector<xml::Element> contents;
  for (std::size_t i = 0; i < description.media.size(); ++i) {
    const auto& m = description.media[i];
    if (!is_rtp(m) || is_rejected(m)) continue;
    const auto name = content_name(m, i);
    xml::Element content("content", std::string(ns::kJingle));
    content.set("creator", "initiator");
    content.set("name", name);
    content.set("senders", std::string(senders_for(sdp::effective_direction(description, m), writer)));
    content.add(description_of(description, m, writer));
    content.add(transport_of(description, m, name));
    contents.push_back(std::move(content));
    mapped.push_back(name);
  }
  // XEP-0338: the group names contents; ones we did not map (data channels) are left out.
  for (const auto& group : description.groups) {
    xml::Element element("group", std::string(ns::kGrouping));
    element.set("semantics", group.semantics);
    for (const auto& mid : group.mids) {
      if (std::find(mapped.begin(), mapped.end(), mid) != mapped.end()) {
        element.add("content", std::string(ns::kGrouping)).set("name", mid);
      }
    }
    if (!element.children.empty()) jingle.add(std::move(element));
  }
  for (auto& content : contents) jingle.add(std::move(content));
  return jingle;
}

}  // namespace presentd::signaling::jingle
