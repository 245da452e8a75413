// SPDX-License-Identifier: Apache-2.0
#pragma once
// Parses an SDP offer (RFC 8866 grammar, as real WebRTC senders write it) into the plain model of
// session_description.hpp.
//
//   v=0
//   o=- 4611731400430051336 2 IN IP4 127.0.0.1
//   s=-
//   t=0 0
//   a=group:BUNDLE 0 1
//   m=video 9 UDP/TLS/RTP/SAVPF 96 97
//   c=IN IP4 0.0.0.0
//   a=mid:0
//   a=rtpmap:96 VP8/90000
//   ...
//
// Tolerant where senders differ (CRLF or LF, blank lines, trailing spaces, unknown attributes and
// line types, rtcp-fb for payload types absent from the m-line, session-level direction), strict
// where a mistake would mislead us (the attributes we use must be well formed). Every list is
// bounded and the body, line count and line length are limited (sdp_lines.hpp).
// Thread: none; a pure function.
#include <cstdint>
#include <span>
#include <string_view>

#include "presentd/sdp/sdp_error.hpp"
#include "presentd/sdp/session_description.hpp"

namespace presentd::sdp {

constexpr std::size_t kMaxMediaSections = 32;
constexpr std::size_t kMaxFormats = 128;       // one per payload type at most
constexpr std::size_t kMaxRtcpFeedback = 512;  // Chrome: ~5 per video codec
constexpr std::size_t kMaxExtmaps = 64;
constexpr std::size_t kMaxSsrcLines = 256;
constexpr std::size_t kMaxSsrcGroups = 32;
constexpr std::size_t kMaxSsrcsPerGroup = 16;
constexpr std::size_t kMaxCandidates = 128;  // per m-line
constexpr std::size_t kMaxGroups = 8;

[[nodiscard]] Result<SessionDescription> parse_sdp(std::string_view body);
// The same over the raw HTTP body bytes (SDP is UTF-8 text; bytes are taken as they are).
[[nodiscard]] Result<SessionDescription> parse_sdp(std::span<const std::uint8_t> body);

}  // namespace presentd::sdp
