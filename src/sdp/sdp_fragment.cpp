// SPDX-License-Identifier: Apache-2.0
#include "presentd/sdp/sdp_fragment.hpp"

#include <sstream>

#include "presentd/sdp/sdp_lines.hpp"
#include "presentd/sdp/sdp_parser.hpp"
#include "presentd/sdp/text.hpp"
#include "presentd/sdp/transport_attributes.hpp"

namespace presentd::sdp {

Result<SdpFragment> parse_sdp_fragment(std::string_view body) {
  auto lines = split_sdp_lines(body);
  if (!lines) return lines.error();
  SdpFragment fragment;
  std::optional<std::size_t> media_index;
  for (const SdpLine& line : lines.value()) {
    if (line.type == 'm') {
      if (fragment.mids.size() == kMaxMediaSections)
        return make_error(ErrorCode::too_many_items, line.number, "too many m= sections");
      if (text::split_fields(line.value, 4).size() < 4) {
        return make_error(ErrorCode::malformed_line, line.number, "m= expects <media> <port> <proto> <fmt>...");
      }
      media_index = fragment.mids.size();
      fragment.mids.emplace_back();
      continue;
    }
    if (line.type != 'a') continue;  // a fragment may carry nothing else we use
    const AttributeView a = split_attribute(line.value);
    TransportAttributes transport;
    std::string_view why;
    switch (parse_transport_attribute(a, transport, why)) {
      case AttributeOutcome::malformed: return attribute_error(line, a.name, why);
      case AttributeOutcome::handled:
        if (transport.ice_ufrag) fragment.ice_ufrag = std::move(transport.ice_ufrag);
        if (transport.ice_pwd) fragment.ice_pwd = std::move(transport.ice_pwd);
        if (!transport.ice_options.empty()) fragment.ice_options = std::move(transport.ice_options);
        continue;
      case AttributeOutcome::not_mine: break;
    }
    const std::string_view value = text::trim(a.value);
    if (a.name == "mid") {
      if (!media_index) continue;  // a session-level mid means nothing
      if (!text::is_token(value) || value.size() > 64) return attribute_error(line, a.name, "empty or too long");
      fragment.mids[*media_index] = std::string(value);
    } else if (a.name == "candidate") {
      if (fragment.candidates.size() == kMaxCandidates)
        return make_error(ErrorCode::too_many_items, line.number, "too many candidates");
      auto candidate = parse_candidate(value);
      if (!candidate) return attribute_error(line, a.name, "does not follow RFC 8839 §5.1");
      fragment.candidates.push_back(TrickleCandidate{std::nullopt, media_index, std::move(*candidate)});
    } else if (a.name == "end-of-candidates") {
      fragment.end_of_candidates = true;
    }
  }
  // a=mid follows the m= line but may come after its candidates: attach mids at the end.
  for (auto& c : fragment.candidates) {
    if (c.m_line_index && !fragment.mids[*c.m_line_index].empty()) c.mid = fragment.mids[*c.m_line_index];
  }
  return fragment;
}

Result<SdpFragment> parse_sdp_fragment(std::span<const std::uint8_t> body) { return parse_sdp_fragment(as_text(body)); }

bool is_ice_restart(const SdpFragment& fragment, std::string_view current_ufrag, std::string_view current_pwd) {
  if (!fragment.ice_ufrag && !fragment.ice_pwd) return false;
  return fragment.ice_ufrag.value_or(std::string(current_ufrag)) != current_ufrag ||
         fragment.ice_pwd.value_or(std::string(current_pwd)) != current_pwd;
}

std::string write_restart_fragment(const SessionDescription& answer, std::string_view ice_ufrag,
                                   std::string_view ice_pwd, const std::vector<std::string>& candidates) {
  constexpr std::string_view kEnd = "\r\n";
  std::ostringstream out;
  out << "a=ice-ufrag:" << ice_ufrag << kEnd << "a=ice-pwd:" << ice_pwd << kEnd;
  for (const auto& group : answer.groups) {
    out << "a=group:" << group.semantics;
    for (const auto& mid : group.mids) out << ' ' << mid;
    out << kEnd;
  }
  for (const auto& m : answer.media) {
    if (m.port == 0) continue;  // rejected m-lines carry no transport
    // Port 9 and the discard address, as JSEP writes m-lines whose candidates follow.
    out << "m=" << m.media << " 9 " << m.proto;
    for (const auto& format : m.formats) out << ' ' << format;
    out << kEnd;
    if (m.mid) out << "a=mid:" << *m.mid << kEnd;
    for (const auto& text : candidates) {
      if (const auto candidate = parse_candidate(text)) out << "a=" << format_candidate(*candidate) << kEnd;
    }
    out << "a=end-of-candidates" << kEnd;
    break;  // only the tagged m-line: the others are bundled onto its transport
  }
  return out.str();
}

}  // namespace presentd::sdp
