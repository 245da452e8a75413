// SPDX-License-Identifier: Apache-2.0
#include "signaling/jingle/jingle_to_sdp.hpp"

#include <algorithm>
#include <sstream>

#include "presentd/sdp/sdp_parser.hpp"
#include "presentd/sdp/sdp_writer.hpp"
#include "presentd/sdp/text.hpp"
#include "presentd/sdp/transport_attributes.hpp"
#include "signaling/jingle/jingle_namespaces.hpp"

namespace presentd::signaling::jingle {
namespace {

using sdp::ErrorCode;
namespace text = sdp::text;

// Names from the stanza appear in error messages cut short: never echo hostile text at length.
std::string quoted(std::string_view value) {
  constexpr std::size_t kMax = 24;
  std::string out = "'";
  for (const char c : value.substr(0, kMax)) out += (c >= 0x20 && c < 0x7f) ? c : '?';
  if (value.size() > kMax) out += "...";
  return out + "'";
}

// Text that may hold spaces inside but never ends an SDP line and has no space at either end
// (a parser would trim it): ssrc attribute values such as "msid:stream track".
bool is_line_text(std::string_view value) {
  return text::trim(value) == value && std::all_of(value.begin(), value.end(), [](char c) {
           const auto u = static_cast<unsigned char>(c);
           return u >= 0x20 && u != 0x7f;
         });
}

class Mapper {
public:
  explicit Mapper(const JingleToSdpOptions& options) : options_(options) {}

  sdp::Result<sdp::SessionDescription> run(const xml::Element& jingle) {
    if (jingle.name != "jingle" || jingle.ns != ns::kJingle)
      return fail(ErrorCode::malformed_line, "not a <jingle/> element");
    const auto contents = jingle.children_named("content", ns::kJingle);
    if (contents.size() > sdp::kMaxMediaSections) return fail(ErrorCode::too_many_items, "too many contents");
    std::vector<std::pair<std::string, sdp::MediaDescription>> mapped;
    for (const auto* content : contents) {
      const auto* description = content->child("description", ns::kRtp);
      if (!description) continue;  // not an RTP session: nothing for us
      auto m = media_of(*content, *description);
      if (error_) return *error_;
      for (const auto& [name, other] : mapped) {
        if (name == *m.mid) return fail(ErrorCode::bad_attribute, "two contents named " + quoted(name));
      }
      mapped.emplace_back(*m.mid, std::move(m));
    }
    if (mapped.empty()) return fail(ErrorCode::unsupported_offer, "no RTP content");

    sdp::SessionDescription out;
    if (!add_groups(jingle, mapped, out)) return *error_;
    out.extmap_allow_mixed = extmap_allow_mixed_;
    if (options_.offer) {
      arrange_as_offer(*options_.offer, mapped, out);
    } else {
      for (auto& [name, m] : mapped) out.media.push_back(std::move(m));
    }
    return out;
  }

private:
  sdp::Error fail(ErrorCode code, const std::string& what) {
    if (!error_) error_ = sdp::make_error(code, 0, what);
    return *error_;
  }
  bool failed(ErrorCode code, const std::string& what) {
    fail(code, what);
    return false;
  }

  std::optional<std::uint64_t> number(const xml::Element& element, std::string_view key, std::uint64_t max,
                                      std::string_view where) {
    const auto value = element.attribute(key);
    if (!value) {
      failed(ErrorCode::missing_field, std::string(where) + ": no '" + std::string(key) + "'");
      return std::nullopt;
    }
    auto parsed = text::parse_uint(*value, max);
    if (!parsed) failed(ErrorCode::bad_attribute, std::string(where) + ": '" + std::string(key) + "' out of range");
    return parsed;
  }

  std::optional<std::string> token(const xml::Element& element, std::string_view key, std::string_view where) {
    const auto value = element.attribute(key);
    if (!value) {
      failed(ErrorCode::missing_field, std::string(where) + ": no '" + std::string(key) + "'");
      return std::nullopt;
    }
    if (!text::is_token(*value)) {
      failed(ErrorCode::bad_attribute, std::string(where) + ": '" + std::string(key) + "' is not a token");
      return std::nullopt;
    }
    return std::string(*value);
  }

  sdp::MediaDescription media_of(const xml::Element& content, const xml::Element& description) {
    sdp::MediaDescription m;
    const auto name = token(content, "name", "content");
    if (!name) return m;
    m.mid = *name;
    const std::string where = "content " + quoted(*name);
    const auto media = token(description, "media", where + ": description");
    if (!media) return m;
    m.media = *media;
    m.port = 9;  // RFC 8840: the port of a trickled m-line is a placeholder
    m.proto = "UDP/TLS/RTP/SAVPF";
    m.connection = "IN IP4 0.0.0.0";
    const auto senders = content.attribute_or("senders", "both");
    const auto direction = direction_for(senders, options_.writer);
    if (!direction) {
      failed(ErrorCode::bad_attribute, where + ": unknown senders");
      return m;
    }
    m.direction = *direction;
    add_payload_types(description, m, where) && add_description_extras(description, m, where);
    if (error_) return m;
    if (const auto* transport = content.child("transport", ns::kIceUdp)) add_transport(*transport, m, where);
    return m;
  }

  bool add_payload_types(const xml::Element& description, sdp::MediaDescription& m, const std::string& where) {
    const auto payloads = description.children_named("payload-type", ns::kRtp);
    if (payloads.empty()) return failed(ErrorCode::missing_field, where + ": no payload-type");
    if (payloads.size() > sdp::kMaxFormats)
      return failed(ErrorCode::too_many_items, where + ": too many payload-types");
    for (const auto* payload : payloads) {
      const auto id = number(*payload, "id", 127, where + ": payload-type");
      if (!id) return false;
      const auto pt = static_cast<std::uint8_t>(*id);
      if (m.find_rtpmap(pt) || std::find(m.formats.begin(), m.formats.end(), std::to_string(pt)) != m.formats.end()) {
        return failed(ErrorCode::bad_attribute, where + ": payload-type " + std::to_string(pt) + " twice");
      }
      m.formats.push_back(std::to_string(pt));
      const std::string pt_where = where + ": payload-type " + std::to_string(pt);
      if (payload->attribute("name")) {
        sdp::Rtpmap rtpmap;
        rtpmap.payload_type = pt;
        const auto encoding = token(*payload, "name", pt_where);
        const auto clock = number(*payload, "clockrate", 0xffffffffULL, pt_where);
        if (!encoding || !clock) return false;
        if (encoding->find('/') != std::string::npos) return failed(ErrorCode::bad_attribute, pt_where + ": bad name");
        rtpmap.encoding = *encoding;
        rtpmap.clock_rate = static_cast<std::uint32_t>(*clock);
        if (payload->attribute("channels")) {
          const auto channels = number(*payload, "channels", 255, pt_where);
          if (!channels) return false;
          rtpmap.channels = static_cast<std::uint32_t>(*channels);
        }
        m.rtpmaps.push_back(std::move(rtpmap));
      }
      if (!add_fmtp(*payload, pt, m, pt_where)) return false;
      for (const auto* fb : payload->children_named("rtcp-fb", ns::kRtcpFb)) {
        if (!add_rtcp_fb(*fb, pt, m, pt_where)) return false;
      }
    }
    for (const auto* fb : description.children_named("rtcp-fb", ns::kRtcpFb)) {
      if (!add_rtcp_fb(*fb, std::nullopt, m, where)) return false;
    }
    return true;
  }

  bool add_fmtp(const xml::Element& payload, std::uint8_t pt, sdp::MediaDescription& m, const std::string& where) {
    const auto parameters = payload.children_named("parameter", ns::kRtp);
    if (parameters.empty()) return true;
    if (parameters.size() > kMaxParametersPerPayload)
      return failed(ErrorCode::too_many_items, where + ": too many parameters");
    std::string joined;
    for (const auto* parameter : parameters) {
      const auto name = token(*parameter, "name", where + ": parameter");
      if (!name) return false;
      const auto value = parameter->attribute("value");
      const auto bad = [](std::string_view s) { return s.find_first_of(";=") != std::string_view::npos; };
      if (bad(*name) || (value && (!text::is_token(*value) || value->find(';') != std::string_view::npos))) {
        return failed(ErrorCode::bad_attribute, where + ": bad parameter");
      }
      if (!joined.empty()) joined += ';';
      joined += *name;
      if (value) (joined += '=') += *value;
    }
    m.fmtps.push_back(sdp::Fmtp{pt, std::move(joined)});
    return true;
  }

  bool add_rtcp_fb(const xml::Element& fb, std::optional<std::uint8_t> pt, sdp::MediaDescription& m,
                   const std::string& where) {
    if (++rtcp_fb_count_ > sdp::kMaxRtcpFeedback)
      return failed(ErrorCode::too_many_items, where + ": too many rtcp-fb");
    const auto type = token(fb, "type", where + ": rtcp-fb");
    if (!type) return false;
    sdp::RtcpFeedback out{pt, *type, {}};
    if (fb.attribute("subtype")) {
      const auto subtype = token(fb, "subtype", where + ": rtcp-fb");
      if (!subtype) return false;
      out.parameter = *subtype;
    }
    m.rtcp_feedback.push_back(std::move(out));
    return true;
  }

  bool add_description_extras(const xml::Element& description, sdp::MediaDescription& m, const std::string& where) {
    const auto extmaps = description.children_named("rtp-hdrext", ns::kRtpHdrext);
    if (extmaps.size() > sdp::kMaxExtmaps) return failed(ErrorCode::too_many_items, where + ": too many rtp-hdrext");
    for (const auto* ext : extmaps) {
      sdp::Extmap extmap;
      const auto id = number(*ext, "id", 4351, where + ": rtp-hdrext");
      const auto uri = token(*ext, "uri", where + ": rtp-hdrext");
      if (!id || !uri) return false;
      // RFC 8285 §5: 1–14 one-byte, up to 255 two-byte, 4096–4351 "not yet decided".
      if (*id == 0 || (*id > 255 && *id < 4096))
        return failed(ErrorCode::bad_attribute, where + ": rtp-hdrext id out of range");
      extmap.id = static_cast<std::uint16_t>(*id);
      extmap.uri = *uri;
      if (const auto senders = ext->attribute("senders")) {
        const auto direction = direction_for(*senders, options_.writer);
        if (!direction) return failed(ErrorCode::bad_attribute, where + ": rtp-hdrext: unknown senders");
        extmap.direction = *direction;
      }
      for (const auto* parameter : ext->children_named("parameter", ns::kRtpHdrext)) {
        const auto name = parameter->attribute_or("name");
        const auto value = parameter->attribute("value");
        if (!text::is_token(name) || name.find('=') != std::string::npos || (value && !text::is_token(*value)) ||
            ext->children.size() > 16) {
          return failed(ErrorCode::bad_attribute, where + ": rtp-hdrext: bad parameter");
        }
        if (!extmap.attributes.empty()) extmap.attributes += ' ';
        extmap.attributes += value ? name + "=" + std::string(*value) : name;
      }
      m.extmaps.push_back(std::move(extmap));
    }
    if (description.child("extmap-allow-mixed", ns::kRtpHdrext)) extmap_allow_mixed_ = true;
    if (!add_sources(description, m, where)) return false;
    m.rtcp_mux = description.child("rtcp-mux", ns::kRtp) != nullptr;
    const auto bandwidths = description.children_named("bandwidth", ns::kRtp);
    if (bandwidths.size() > 4) return failed(ErrorCode::too_many_items, where + ": too many bandwidth");
    for (const auto* bandwidth : bandwidths) {
      const auto type = token(*bandwidth, "type", where + ": bandwidth");
      if (!type) return false;
      const auto value = text::parse_uint(text::trim(bandwidth->text), 0xffffffffULL);
      if (!value || type->find(':') != std::string::npos)
        return failed(ErrorCode::bad_attribute, where + ": bad bandwidth");
      m.bandwidths.push_back(sdp::Bandwidth{*type, *value});
    }
    return true;
  }

  bool add_sources(const xml::Element& description, sdp::MediaDescription& m, const std::string& where) {
    for (const auto* source : description.children_named("source", ns::kSsma)) {
      const auto ssrc = number(*source, "ssrc", 0xffffffffULL, where + ": source");
      if (!ssrc) return false;
      const auto parameters = source->children_named("parameter", ns::kSsma);
      if (parameters.empty()) {
        // XEP-0339 allows a bare source; SDP needs an attribute to name the SSRC at all.
        if (m.ssrcs.size() >= sdp::kMaxSsrcLines)
          return failed(ErrorCode::too_many_items, where + ": too many sources");
        m.ssrcs.push_back(sdp::SsrcAttribute{static_cast<std::uint32_t>(*ssrc), "cname", {}});
      }
      for (const auto* parameter : parameters) {
        if (m.ssrcs.size() >= sdp::kMaxSsrcLines)
          return failed(ErrorCode::too_many_items, where + ": too many sources");
        const auto name = token(*parameter, "name", where + ": source parameter");
        if (!name) return false;
        const auto value = parameter->attribute_or("value");
        if (name->find(':') != std::string::npos || !is_line_text(value)) {
          return failed(ErrorCode::bad_attribute, where + ": bad source parameter");
        }
        m.ssrcs.push_back(sdp::SsrcAttribute{static_cast<std::uint32_t>(*ssrc), *name, value});
      }
    }
    const auto groups = description.children_named("ssrc-group", ns::kSsma);
    if (groups.size() > sdp::kMaxSsrcGroups) return failed(ErrorCode::too_many_items, where + ": too many ssrc-groups");
    for (const auto* group : groups) {
      const auto semantics = token(*group, "semantics", where + ": ssrc-group");
      if (!semantics) return false;
      sdp::SsrcGroup out{*semantics, {}};
      const auto sources = group->children_named("source", ns::kSsma);
      if (sources.empty() || sources.size() > sdp::kMaxSsrcsPerGroup)
        return failed(ErrorCode::bad_attribute, where + ": bad ssrc-group");
      for (const auto* source : sources) {
        const auto ssrc = number(*source, "ssrc", 0xffffffffULL, where + ": ssrc-group");
        if (!ssrc) return false;
        out.ssrcs.push_back(static_cast<std::uint32_t>(*ssrc));
      }
      m.ssrc_groups.push_back(std::move(out));
    }
    return true;
  }

  void add_transport(const xml::Element& transport, sdp::MediaDescription& m, const std::string& where) {
    for (const char* key : {"ufrag", "pwd"}) {
      if (!transport.attribute(key)) continue;
      const auto value = token(transport, key, where + ": transport");
      if (!value) return;
      if (value->size() > sdp::kMaxIceCredentialLength)
        return (void)failed(ErrorCode::bad_attribute, where + ": ICE credential too long");
      (std::string_view(key) == "ufrag" ? m.transport.ice_ufrag : m.transport.ice_pwd) = *value;
    }
    const auto fingerprints = transport.children_named("fingerprint", ns::kDtls);
    if (fingerprints.size() > sdp::kMaxFingerprints)
      return (void)failed(ErrorCode::too_many_items, where + ": too many fingerprints");
    for (const auto* fingerprint : fingerprints) {
      const auto hash = token(*fingerprint, "hash", where + ": fingerprint");
      if (!hash) return;
      // The SDP attribute parser is the judge of a well-formed fingerprint (RFC 8122 §5), as
      // the candidate grammar is for candidates: one set of rules.
      const std::string attribute = *hash + " " + std::string(text::trim(fingerprint->text));
      std::string_view why;
      sdp::TransportAttributes checked;
      if (sdp::parse_transport_attribute({"fingerprint", attribute, true}, checked, why) !=
          sdp::AttributeOutcome::handled) {
        return (void)failed(ErrorCode::bad_attribute, where + ": fingerprint: bad value");
      }
      m.transport.fingerprints.push_back(checked.fingerprints.front());
      if (const auto setup = fingerprint->attribute("setup")) {
        const auto parsed = parse_setup(*setup);
        if (!parsed) return (void)failed(ErrorCode::bad_attribute, where + ": fingerprint: unknown setup");
        m.transport.setup = *parsed;
      }
    }
    const auto candidates = transport.children_named("candidate", ns::kIceUdp);
    if (candidates.size() > sdp::kMaxCandidates)
      return (void)failed(ErrorCode::too_many_items, where + ": too many candidates");
    for (const auto* element : candidates) {
      auto candidate = candidate_from_jingle(*element);
      if (!candidate) return (void)fail(candidate.error().code, where + ": " + candidate.error().message);
      m.candidates.push_back(std::move(candidate.value()));
    }
  }

  static std::optional<sdp::Setup> parse_setup(std::string_view value) {
    for (const auto setup : {sdp::Setup::actpass, sdp::Setup::active, sdp::Setup::passive, sdp::Setup::holdconn}) {
      if (value == sdp::setup_name(setup)) return setup;
    }
    return std::nullopt;
  }

  // A group may name contents we skipped (a data channel): they are left out, as in
  // sdp_to_jingle, and a group left empty is dropped.
  bool add_groups(const xml::Element& jingle, const std::vector<std::pair<std::string, sdp::MediaDescription>>& mapped,
                  sdp::SessionDescription& out) {
    const auto groups = jingle.children_named("group", ns::kGrouping);
    if (groups.size() > sdp::kMaxGroups) return failed(ErrorCode::too_many_items, "too many groups");
    for (const auto* group : groups) {
      const auto semantics = token(*group, "semantics", "group");
      if (!semantics) return false;
      sdp::Group out_group{*semantics, {}};
      const auto contents = group->children_named("content", ns::kGrouping);
      if (contents.size() > sdp::kMaxMediaSections)
        return failed(ErrorCode::too_many_items, "too many contents in a group");
      for (const auto* content : contents) {
        const auto name = token(*content, "name", "group content");
        if (!name) return false;
        if (std::any_of(mapped.begin(), mapped.end(), [&](const auto& entry) { return entry.first == *name; })) {
          out_group.mids.push_back(*name);
        }
      }
      if (!out_group.mids.empty()) out.groups.push_back(std::move(out_group));
    }
    return true;
  }

  // RFC 3264 §6: the answer has the offer's m-lines in the offer's order; a content the accept
  // left out is a rejected m-line (port 0, the offer's media and first format, no mid needed).
  void arrange_as_offer(const sdp::SessionDescription& offer,
                        std::vector<std::pair<std::string, sdp::MediaDescription>>& mapped,
                        sdp::SessionDescription& out) {
    for (std::size_t i = 0; i < offer.media.size(); ++i) {
      const auto& offered = offer.media[i];
      const auto name = offered.mid ? *offered.mid : std::to_string(i);
      const auto it =
          std::find_if(mapped.begin(), mapped.end(), [&](const auto& entry) { return entry.first == name; });
      if (it != mapped.end()) {
        out.media.push_back(std::move(it->second));
        continue;
      }
      sdp::MediaDescription rejected;
      rejected.media = offered.media;
      rejected.port = 0;
      rejected.proto = offered.proto;
      if (!offered.formats.empty()) rejected.formats.push_back(offered.formats.front());
      rejected.connection = "IN IP4 0.0.0.0";
      rejected.mid = offered.mid;
      out.media.push_back(std::move(rejected));
    }
  }

  const JingleToSdpOptions& options_;
  std::optional<sdp::Error> error_;
  std::size_t rtcp_fb_count_ = 0;
  bool extmap_allow_mixed_ = false;
};

}  // namespace

sdp::Result<sdp::SessionDescription> jingle_to_sdp(const xml::Element& jingle, const JingleToSdpOptions& options) {
  auto description = Mapper(options).run(jingle);
  if (!description) return description;
  // A stanza may be four times an SDP body's limit: what WHIP's parser would refuse as text is
  // refused here too, since the session core takes this model as it is.
  if (auto too_big = sdp::check_text_limits(description.value())) return std::move(*too_big);
  return description;
}

sdp::Result<sdp::Candidate> candidate_from_jingle(const xml::Element& element) {
  const auto bad = [](const std::string& what) {
    return sdp::make_error(ErrorCode::bad_attribute, 0, "candidate: " + what);
  };
  const auto get = [&](std::string_view key) { return element.attribute_or(key); };
  sdp::Candidate candidate;
  const auto component = text::parse_uint(get("component"), 256);
  const auto port = text::parse_uint(get("port"), 65535);
  const auto priority = text::parse_uint(get("priority"), 0xffffffffULL);
  if (!component || *component == 0 || !port || !priority)
    return bad("component, port or priority missing or out of range");
  candidate.component = static_cast<std::uint16_t>(*component);
  candidate.port = static_cast<std::uint16_t>(*port);
  candidate.priority = static_cast<std::uint32_t>(*priority);
  candidate.foundation = get("foundation");
  candidate.transport = text::to_lower(get("protocol"));
  candidate.address = get("ip");
  candidate.type = text::to_lower(get("type"));
  if (element.attribute("rel-addr")) candidate.related_address = get("rel-addr");
  if (element.attribute("rel-port")) {
    const auto rport = text::parse_uint(get("rel-port"), 65535);
    if (!rport) return bad("rel-port out of range");
    candidate.related_port = static_cast<std::uint16_t>(*rport);
  }
  if (element.attribute("tcptype")) candidate.tcptype = text::to_lower(get("tcptype"));
  // XEP-0176 makes generation mandatory and sdp_to_jingle always writes it: "0" when absent.
  candidate.extensions.emplace_back("generation", element.attribute("generation") ? get("generation") : "0");
  if (element.attribute("network")) candidate.extensions.emplace_back("network-id", get("network"));
  // The SDP candidate grammar is the judge: what it would not read back the same (spaces, empty
  // fields, a type it does not know) is refused here rather than passed on.
  const auto reread = sdp::parse_candidate(sdp::format_candidate(candidate));
  if (!reread || !(*reread == candidate)) return bad("malformed");
  return candidate;
}

sdp::Result<sdp::SdpFragment> transport_info_to_fragment(const xml::Element& jingle) {
  if (jingle.name != "jingle" || jingle.ns != ns::kJingle)
    return sdp::make_error(ErrorCode::malformed_line, 0, "not a <jingle/> element");
  const auto contents = jingle.children_named("content", ns::kJingle);
  if (contents.empty()) return sdp::make_error(ErrorCode::missing_field, 0, "transport-info without content");
  if (contents.size() > sdp::kMaxMediaSections)
    return sdp::make_error(ErrorCode::too_many_items, 0, "too many contents");
  sdp::SdpFragment fragment;
  for (const auto* content : contents) {
    const auto name = content->attribute_or("name");
    if (!text::is_token(name)) return sdp::make_error(ErrorCode::bad_attribute, 0, "content without a name");
    const auto* transport = content->child("transport", ns::kIceUdp);
    if (!transport)
      return sdp::make_error(ErrorCode::missing_field, 0, "content " + quoted(name) + ": no ICE-UDP transport");
    // The first content with credentials names them for all (BUNDLE: one ICE session).
    if (!fragment.ice_ufrag && transport->attribute("ufrag") && transport->attribute("pwd")) {
      const auto ufrag = transport->attribute_or("ufrag");
      const auto pwd = transport->attribute_or("pwd");
      if (!text::is_token(ufrag) || !text::is_token(pwd) || ufrag.size() > sdp::kMaxIceCredentialLength ||
          pwd.size() > sdp::kMaxIceCredentialLength) {
        return sdp::make_error(ErrorCode::bad_attribute, 0, "bad ICE credentials");
      }
      fragment.ice_ufrag = ufrag;
      fragment.ice_pwd = pwd;
    }
    const auto index = fragment.mids.size();
    fragment.mids.push_back(name);
    const auto candidates = transport->children_named("candidate", ns::kIceUdp);
    if (fragment.candidates.size() + candidates.size() > sdp::kMaxCandidates) {
      return sdp::make_error(ErrorCode::too_many_items, 0, "too many candidates");
    }
    for (const auto* element : candidates) {
      auto candidate = candidate_from_jingle(*element);
      if (!candidate) return candidate.error();
      fragment.candidates.push_back({name, index, std::move(candidate).value()});
    }
  }
  return fragment;
}

}  // namespace presentd::signaling::jingle
