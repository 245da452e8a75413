// SPDX-License-Identifier: Apache-2.0
#pragma once
// Picks, for one offered m-line, the payload types we will receive, in our preference order, or
// those we can forward to a viewer, using only the offer's own payload type numbers (RFC 8829
// §5.3.1: the answer reuses the offer's numbering; nothing here hard-codes a payload type).
//
// Which offered codecs count is one rule for both: VP8; VP9 profile 0; H.264 with
// packetization-mode=1 only (mode 0 would mean single-NAL packets, which browsers never send at
// screen-share sizes); Opus at 48 kHz. A viewer gets forwarded what presenters send, and a
// presenter sends only what the receive answer took, so a viewer needs nothing beyond it.
//
// Receiving takes at most one payload type per format, for H.264 the constrained-baseline profile
// 42e01f or 42001f when several profiles are offered because that is what FFmpeg decodes fastest
// (docs/performance.md). Each received video codec brings its RTX payload type when the offer
// pairs one with it (a=fmtp:<rtx> apt=<pt>).
// Thread: none; pure functions.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "presentd/rtp/depacketizer/depacketizer.hpp"
#include "presentd/sdp/session_description.hpp"

namespace presentd::sdp {

struct ChosenCodec {
  std::uint8_t payload_type = 0;
  rtp::PayloadFormat format = rtp::PayloadFormat::vp8;
  Rtpmap rtpmap;            // echoed from the offer
  std::string answer_fmtp;  // "" when the answer carries no fmtp for it
  std::optional<std::uint8_t> rtx_payload_type;
};

// Offered video codecs we can decode, best first by `preference` (formats absent from it are
// never chosen).
std::vector<ChosenCodec> choose_video_codecs(const MediaDescription& offer,
                                             const std::vector<rtp::PayloadFormat>& preference);

// Every offered payload type of one of `formats` (video formats only), in the offer's order, its
// fmtp echoed as offered (RFC 8829 §5.3.1: compatible fmtp is echoed): all H.264 profiles with
// packetization-mode=1, since the viewer's copy must carry the presenter's profile. No RTX: a
// viewer's resends go on the media SSRC.
std::vector<ChosenCodec> forwardable_video_codecs(const MediaDescription& offer,
                                                  const std::vector<rtp::PayloadFormat>& formats);

// The first offered Opus payload type, its fmtp echoed.
std::optional<ChosenCodec> choose_opus(const MediaDescription& offer);

// "a=1;b=2" → {{"a","1"},{"b","2"}}: keys lower-cased, spaces trimmed, at most 32 pairs.
std::vector<std::pair<std::string, std::string>> parse_fmtp_parameters(std::string_view parameters);
std::optional<std::string> fmtp_parameter(std::string_view parameters, std::string_view key);

}  // namespace presentd::sdp
