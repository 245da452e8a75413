// SPDX-License-Identifier: Apache-2.0
#pragma once
// The body of a WHIP PATCH (RFC 9725 §4.3): an "application/trickle-ice-sdpfrag" fragment
// (RFC 8840 §4.2) carrying new candidates, end-of-candidates, or new ICE credentials for a
// restart:
//
//   a=ice-ufrag:EsAw
//   a=ice-pwd:P2uYro0UCOQ4zxjKXaWCBui1
//   a=group:BUNDLE 0 1
//   m=audio 9 UDP/TLS/RTP/SAVPF 111
//   a=mid:0
//   a=candidate:1 1 UDP 2130706431 198.51.100.1 39132 typ host
//   a=end-of-candidates
//
// There is no v=/o= line. Credentials may sit at session or media level; candidates belong to
// the m-line (and mid) they follow. Candidates before any m= line are tolerated (some clients
// send bare lines) and carry no mid. Same line limits as a full offer.
// Thread: none; pure functions.
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "presentd/sdp/candidate.hpp"
#include "presentd/sdp/sdp_error.hpp"
#include "presentd/sdp/session_description.hpp"

namespace presentd::sdp {

struct TrickleCandidate {
  std::optional<std::string> mid;
  std::optional<std::size_t> m_line_index;  // index among the fragment's m= lines
  Candidate candidate;
  bool operator==(const TrickleCandidate&) const = default;
};

struct SdpFragment {
  std::optional<std::string> ice_ufrag;
  std::optional<std::string> ice_pwd;
  std::vector<std::string> ice_options;
  std::vector<std::string> mids;  // a=mid of each m= line, in order ("" when absent)
  std::vector<TrickleCandidate> candidates;
  bool end_of_candidates = false;
};

[[nodiscard]] Result<SdpFragment> parse_sdp_fragment(std::string_view body);
[[nodiscard]] Result<SdpFragment> parse_sdp_fragment(std::span<const std::uint8_t> body);

// RFC 8839 §4.4.1.1.1, RFC 9725 §4.4.1: new credentials mean an ICE restart (200 + new ETag),
// the same or none mean trickle (204).
bool is_ice_restart(const SdpFragment& fragment, std::string_view current_ufrag, std::string_view current_pwd);

// Our body of the 200 answer to an ICE-restart PATCH (RFC 9725 §4.3.2, RFC 8840 §4.2): the
// answer's BUNDLE group, its tagged (first accepted) m-line with that m-line's mid, our new
// credentials, every candidate ("candidate:..." as the ICE agent prints them; unparsable ones
// are left out) and a=end-of-candidates, since we gather before answering.
[[nodiscard]] std::string write_restart_fragment(const SessionDescription& answer, std::string_view ice_ufrag,
                                                 std::string_view ice_pwd, const std::vector<std::string>& candidates);

}  // namespace presentd::sdp
