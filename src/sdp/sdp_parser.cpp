// SPDX-License-Identifier: Apache-2.0
#include "presentd/sdp/sdp_parser.hpp"

#include <string>

#include "presentd/sdp/sdp_lines.hpp"
#include "presentd/sdp/text.hpp"
#include "presentd/sdp/transport_attributes.hpp"

namespace presentd::sdp {
namespace {

std::optional<Direction> parse_direction(std::string_view name) {
  if (name == "sendrecv") return Direction::sendrecv;
  if (name == "sendonly") return Direction::sendonly;
  if (name == "recvonly") return Direction::recvonly;
  if (name == "inactive") return Direction::inactive;
  return std::nullopt;
}

std::optional<std::uint8_t> parse_payload_type(std::string_view value) {
  const auto pt = text::parse_uint(value, 127);
  if (!pt) return std::nullopt;
  return static_cast<std::uint8_t>(*pt);
}

// One parse. Handlers return an error (and the parse stops) or nullopt.
class Parser {
public:
  Result<SessionDescription> run(const std::vector<SdpLine>& lines);

private:
  using MaybeError = std::optional<Error>;
  MaybeError on_origin(const SdpLine& line);
  MaybeError on_media(const SdpLine& line);
  MaybeError on_bandwidth(const SdpLine& line, std::vector<Bandwidth>& out);
  MaybeError on_attribute(const SdpLine& line);
  MaybeError on_session_attribute(const SdpLine& line, const AttributeView& a);
  MaybeError on_media_attribute(const SdpLine& line, const AttributeView& a, MediaDescription& m);
  MaybeError on_rtpmap(const SdpLine& line, std::string_view value, MediaDescription& m);
  MaybeError on_fmtp(const SdpLine& line, std::string_view value, MediaDescription& m);
  MaybeError on_rtcp_fb(const SdpLine& line, std::string_view value, MediaDescription& m);
  MaybeError on_extmap(const SdpLine& line, std::string_view value, MediaDescription& m);
  MaybeError on_ssrc(const SdpLine& line, std::string_view value, MediaDescription& m);
  MaybeError on_ssrc_group(const SdpLine& line, std::string_view value, MediaDescription& m);

  SessionDescription session_;
  MediaDescription* media_ = nullptr;  // the current m= section; nullptr at session level
};

template <class List>
bool full(const List& list, std::size_t max) {
  return list.size() >= max;
}

Error too_many(const SdpLine& line, std::string_view what) {
  return make_error(ErrorCode::too_many_items, line.number, std::string("too many ") + std::string(what));
}

Result<SessionDescription> Parser::run(const std::vector<SdpLine>& lines) {
  if (lines.empty()) return make_error(ErrorCode::missing_field, 0, "empty SDP");
  // RFC 8866 §5.1: the first line is v=0.
  if (lines.front().type != 'v' || text::trim(lines.front().value) != "0") {
    return make_error(ErrorCode::malformed_line, lines.front().number, "expected v=0 as the first line");
  }
  bool have_origin = false;
  for (std::size_t i = 1; i < lines.size(); ++i) {
    const SdpLine& line = lines[i];
    MaybeError error;
    switch (line.type) {
      case 'o':
        error = on_origin(line);
        have_origin = true;
        break;
      case 's':
        if (!media_) session_.session_name = std::string(line.value);
        break;
      case 'c':
        if (text::split_fields(line.value, 4).size() != 3) {
          error = make_error(ErrorCode::malformed_line, line.number, "c= expects <nettype> <addrtype> <address>");
        } else {
          (media_ ? media_->connection : session_.connection) = std::string(line.value);
        }
        break;
      case 'b': error = on_bandwidth(line, media_ ? media_->bandwidths : session_.bandwidths); break;
      case 'm': error = on_media(line); break;
      case 'a': error = on_attribute(line); break;
      case 'v': error = make_error(ErrorCode::malformed_line, line.number, "a second v= line"); break;
      default: break;  // t=, i=, u=, e=, p=, k=, r=, z= carry nothing WebRTC uses
    }
    if (error) return std::move(*error);
  }
  if (!have_origin) return make_error(ErrorCode::missing_field, 0, "no o= line");
  return std::move(session_);
}

// o=<username> <sess-id> <sess-version> <nettype> <addrtype> <unicast-address>  (RFC 8866 §5.2)
Parser::MaybeError Parser::on_origin(const SdpLine& line) {
  bool overflow = false;
  const auto f = text::split_fields(line.value, 6, &overflow);
  if (f.size() != 6 || overflow || !text::parse_uint(f[1], UINT64_MAX) || !text::parse_uint(f[2], UINT64_MAX)) {
    return make_error(ErrorCode::malformed_line, line.number,
                      "o= expects 6 fields with numeric session id and version");
  }
  session_.origin = Origin{std::string(f[0]), std::string(f[1]), std::string(f[2]),
                           std::string(f[3]), std::string(f[4]), std::string(f[5])};
  return std::nullopt;
}

// m=<media> <port>[/<number of ports>] <proto> <fmt> ...  (RFC 8866 §5.14)
Parser::MaybeError Parser::on_media(const SdpLine& line) {
  if (full(session_.media, kMaxMediaSections)) return too_many(line, "m= sections");
  bool overflow = false;
  const auto f = text::split_fields(line.value, kMaxFormats + 3, &overflow);
  if (overflow) return too_many(line, "formats on the m= line");
  if (f.size() < 4)
    return make_error(ErrorCode::malformed_line, line.number, "m= expects <media> <port> <proto> <fmt>...");
  MediaDescription m;
  m.media = std::string(f[0]);
  std::string_view port = f[1];
  if (const auto slash = port.find('/'); slash != std::string_view::npos) {
    const auto count = text::parse_uint(port.substr(slash + 1), 65535);
    if (!count) return make_error(ErrorCode::malformed_line, line.number, "m= port count is not a number");
    m.port_count = static_cast<std::uint16_t>(*count);
    port = port.substr(0, slash);
  }
  const auto port_number = text::parse_uint(port, 65535);
  if (!port_number) return make_error(ErrorCode::malformed_line, line.number, "m= port is not a number in 0..65535");
  m.port = static_cast<std::uint16_t>(*port_number);
  m.proto = std::string(f[2]);
  for (std::size_t i = 3; i < f.size(); ++i) m.formats.emplace_back(f[i]);
  session_.media.push_back(std::move(m));
  media_ = &session_.media.back();
  return std::nullopt;
}

// b=<bwtype>:<bandwidth>  (RFC 8866 §5.8)
Parser::MaybeError Parser::on_bandwidth(const SdpLine& line, std::vector<Bandwidth>& out) {
  const auto a = split_attribute(line.value);
  const auto value = text::parse_uint(text::trim(a.value), UINT64_MAX);
  if (!a.has_value || !text::is_token(a.name) || !value) {
    return make_error(ErrorCode::malformed_line, line.number, "b= expects <type>:<number>");
  }
  if (full(out, 8)) return too_many(line, "b= lines");
  out.push_back(Bandwidth{std::string(a.name), *value});
  return std::nullopt;
}

Parser::MaybeError Parser::on_attribute(const SdpLine& line) {
  const AttributeView a = split_attribute(line.value);
  TransportAttributes& transport = media_ ? media_->transport : session_.transport;
  std::string_view why;
  switch (parse_transport_attribute(a, transport, why)) {
    case AttributeOutcome::handled: return std::nullopt;
    case AttributeOutcome::malformed: return attribute_error(line, a.name, why);
    case AttributeOutcome::not_mine: break;
  }
  if (const auto direction = parse_direction(a.name); direction && !a.has_value) {
    (media_ ? media_->direction : session_.direction) = direction;
    return std::nullopt;
  }
  return media_ ? on_media_attribute(line, a, *media_) : on_session_attribute(line, a);
}

Parser::MaybeError Parser::on_session_attribute(const SdpLine& line, const AttributeView& a) {
  if (a.name == "group") {
    if (full(session_.groups, kMaxGroups)) return too_many(line, "a=group lines");
    bool overflow = false;
    const auto f = text::split_fields(a.value, kMaxMediaSections + 1, &overflow);
    if (f.empty() || overflow) return attribute_error(line, a.name, "expected <semantics> <mid>... (bounded)");
    Group group{std::string(f[0]), {}};
    for (std::size_t i = 1; i < f.size(); ++i) group.mids.emplace_back(f[i]);
    session_.groups.push_back(std::move(group));
  } else if (a.name == "extmap-allow-mixed") {
    session_.extmap_allow_mixed = true;
  } else if (a.name == "ice-lite") {
    session_.ice_lite = true;
  } else if (a.name == "msid-semantic") {
    session_.msid_semantic = std::string(text::trim(a.value));
  }
  return std::nullopt;  // other session attributes carry nothing we use
}

Parser::MaybeError Parser::on_media_attribute(const SdpLine& line, const AttributeView& a, MediaDescription& m) {
  const std::string_view value = text::trim(a.value);
  if (a.name == "mid") {
    if (!text::is_token(value) || value.size() > 64) return attribute_error(line, a.name, "empty or too long");
    // RFC 8843 §7.2: mids identify m-lines in BUNDLE and in trickled candidates; a repeated one
    // would route media to the wrong stream.
    for (const auto& other : session_.media) {
      if (&other != &m && other.mid == value) return attribute_error(line, a.name, "the same mid on two m-lines");
    }
    m.mid = std::string(value);
  } else if (a.name == "rtpmap") {
    return on_rtpmap(line, value, m);
  } else if (a.name == "fmtp") {
    return on_fmtp(line, value, m);
  } else if (a.name == "rtcp-fb") {
    return on_rtcp_fb(line, value, m);
  } else if (a.name == "extmap") {
    return on_extmap(line, value, m);
  } else if (a.name == "ssrc") {
    return on_ssrc(line, value, m);
  } else if (a.name == "ssrc-group") {
    return on_ssrc_group(line, value, m);
  } else if (a.name == "candidate") {
    if (full(m.candidates, kMaxCandidates)) return too_many(line, "candidates");
    auto candidate = parse_candidate(value);
    if (!candidate) return attribute_error(line, a.name, "does not follow RFC 8839 §5.1");
    m.candidates.push_back(std::move(*candidate));
  } else if (a.name == "end-of-candidates") {
    m.end_of_candidates = true;
  } else if (a.name == "extmap-allow-mixed") {
    m.extmap_allow_mixed = true;
  } else if (a.name == "bundle-only") {
    m.bundle_only = true;
  } else if (a.name == "rtcp-mux") {
    m.rtcp_mux = true;
  } else if (a.name == "rtcp-mux-only") {
    m.rtcp_mux_only = true;
  } else if (a.name == "rtcp-rsize") {
    m.rtcp_rsize = true;
  } else if (a.name == "msid") {
    m.msid = std::string(value);
  }
  return std::nullopt;
}

// a=rtpmap:<payload type> <encoding name>/<clock rate>[/<encoding parameters>]  (RFC 8866 §6.6)
Parser::MaybeError Parser::on_rtpmap(const SdpLine& line, std::string_view value, MediaDescription& m) {
  if (full(m.rtpmaps, kMaxFormats)) return too_many(line, "a=rtpmap lines");
  const auto [pt_text, encoding] = text::split_first(value);
  const auto pt = parse_payload_type(pt_text);
  if (!pt) return attribute_error(line, "rtpmap", "payload type is not a number in 0..127");
  const auto slash = encoding.find('/');
  if (slash == 0 || slash == std::string_view::npos || !text::is_token(encoding)) {
    return attribute_error(line, "rtpmap", "expected <pt> <encoding>/<clock rate>[/<channels>]");
  }
  Rtpmap map{*pt, std::string(encoding.substr(0, slash)), 0, std::nullopt};
  std::string_view rest = encoding.substr(slash + 1);
  std::string_view rate = rest;
  if (const auto second = rest.find('/'); second != std::string_view::npos) {
    rate = rest.substr(0, second);
    const auto channels = text::parse_uint(rest.substr(second + 1), 255);
    if (!channels) return attribute_error(line, "rtpmap", "channel count is not a number");
    map.channels = static_cast<std::uint32_t>(*channels);
  }
  const auto clock = text::parse_uint(rate, 0xffffffffULL);
  if (!clock || *clock == 0) return attribute_error(line, "rtpmap", "clock rate is not a positive number");
  map.clock_rate = static_cast<std::uint32_t>(*clock);
  m.rtpmaps.push_back(std::move(map));
  return std::nullopt;
}

// a=fmtp:<format> <format specific parameters>  (RFC 8866 §6.15)
Parser::MaybeError Parser::on_fmtp(const SdpLine& line, std::string_view value, MediaDescription& m) {
  if (full(m.fmtps, kMaxFormats)) return too_many(line, "a=fmtp lines");
  const auto [pt_text, parameters] = text::split_first(value);
  const auto pt = parse_payload_type(pt_text);
  // SCTP m-lines use non-numeric formats; their fmtp is of no interest to us.
  if (!pt)
    return m.proto.find("RTP") == std::string::npos
               ? std::nullopt
               : MaybeError(attribute_error(line, "fmtp", "payload type is not a number in 0..127"));
  m.fmtps.push_back(Fmtp{*pt, std::string(parameters)});
  return std::nullopt;
}

// a=rtcp-fb:<pt|*> <type> [<parameters>]  (RFC 4585 §4.2)
Parser::MaybeError Parser::on_rtcp_fb(const SdpLine& line, std::string_view value, MediaDescription& m) {
  if (full(m.rtcp_feedback, kMaxRtcpFeedback)) return too_many(line, "a=rtcp-fb lines");
  const auto f = text::split_fields(value, 3);
  if (f.size() < 2) return attribute_error(line, "rtcp-fb", "expected <pt> <type> [<parameter>]");
  RtcpFeedback fb;
  if (f[0] != "*") {
    fb.payload_type = parse_payload_type(f[0]);
    if (!fb.payload_type) return attribute_error(line, "rtcp-fb", "payload type is not a number in 0..127 or *");
  }
  fb.type = std::string(f[1]);
  if (f.size() == 3) fb.parameter = std::string(f[2]);
  m.rtcp_feedback.push_back(std::move(fb));
  return std::nullopt;
}

// a=extmap:<value>["/"<direction>] <URI> <extensionattributes>  (RFC 8285 §7)
Parser::MaybeError Parser::on_extmap(const SdpLine& line, std::string_view value, MediaDescription& m) {
  if (full(m.extmaps, kMaxExtmaps)) return too_many(line, "a=extmap lines");
  const auto [id_part, rest] = text::split_first(value);
  const auto [uri, attributes] = text::split_first(rest);
  std::string_view id_text = id_part;
  Extmap extmap;
  if (const auto slash = id_text.find('/'); slash != std::string_view::npos) {
    extmap.direction = parse_direction(id_text.substr(slash + 1));
    if (!extmap.direction) return attribute_error(line, "extmap", "unknown direction");
    id_text = id_text.substr(0, slash);
  }
  // 1–14 one-byte, up to 255 two-byte; 4096–4351 are the RFC 8285 §7 "not yet decided" ids.
  const auto id = text::parse_uint(id_text, 4351);
  if (!id || *id == 0 || (*id > 255 && *id < 4096)) return attribute_error(line, "extmap", "id out of range");
  if (uri.empty()) return attribute_error(line, "extmap", "missing URI");
  extmap.id = static_cast<std::uint16_t>(*id);
  extmap.uri = std::string(uri);
  extmap.attributes = std::string(attributes);
  m.extmaps.push_back(std::move(extmap));
  return std::nullopt;
}

// a=ssrc:<ssrc-id> <attribute>[:<value>]  (RFC 5576 §4.1)
Parser::MaybeError Parser::on_ssrc(const SdpLine& line, std::string_view value, MediaDescription& m) {
  if (full(m.ssrcs, kMaxSsrcLines)) return too_many(line, "a=ssrc lines");
  const auto [id_text, rest] = text::split_first(value);
  const auto id = text::parse_uint(id_text, 0xffffffffULL);
  if (!id) return attribute_error(line, "ssrc", "SSRC is not a 32-bit number");
  const auto attribute = split_attribute(rest);
  m.ssrcs.push_back(
      SsrcAttribute{static_cast<std::uint32_t>(*id), std::string(attribute.name), std::string(attribute.value)});
  return std::nullopt;
}

// a=ssrc-group:<semantics> <ssrc-id> ...  (RFC 5576 §4.2)
Parser::MaybeError Parser::on_ssrc_group(const SdpLine& line, std::string_view value, MediaDescription& m) {
  if (full(m.ssrc_groups, kMaxSsrcGroups)) return too_many(line, "a=ssrc-group lines");
  bool overflow = false;
  const auto f = text::split_fields(value, kMaxSsrcsPerGroup + 1, &overflow);
  if (f.size() < 2 || overflow) return attribute_error(line, "ssrc-group", "expected <semantics> <ssrc>... (bounded)");
  SsrcGroup group{std::string(f[0]), {}};
  for (std::size_t i = 1; i < f.size(); ++i) {
    const auto id = text::parse_uint(f[i], 0xffffffffULL);
    if (!id) return attribute_error(line, "ssrc-group", "SSRC is not a 32-bit number");
    group.ssrcs.push_back(static_cast<std::uint32_t>(*id));
  }
  m.ssrc_groups.push_back(std::move(group));
  return std::nullopt;
}

}  // namespace

Result<SessionDescription> parse_sdp(std::string_view body) {
  auto lines = split_sdp_lines(body);
  if (!lines) return lines.error();
  return Parser().run(lines.value());
}

Result<SessionDescription> parse_sdp(std::span<const std::uint8_t> body) { return parse_sdp(as_text(body)); }

}  // namespace presentd::sdp
