// SPDX-License-Identifier: Apache-2.0
#pragma once
// What one presenter stream is, for the forwarders (issue 15): its SSRC as received, its payload
// types with their codecs and fmtp, and its header extensions, read once from what the presenter
// negotiated. And the one rule that pairs it with a viewer's m-line: payload types are mapped by
// codec (H.264 by profile too, where the viewer offered several), extensions by URI in the
// rewriter. A pair with no codec in common maps nothing, and the m-line shows someone else.
//
// Thread: none; pure functions.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "presentd/media/forward/outgoing_stream_rewriter.hpp"
#include "presentd/sdp/answer_builder.hpp"
#include "presentd/sdp/viewer_answer.hpp"

namespace presentd::session {

struct SourceCodec {
  std::uint8_t payload_type = 0;
  rtp::PayloadFormat format = rtp::PayloadFormat::vp8;
  std::string fmtp;
};

struct PresenterStream {
  bool video = true;
  std::size_t video_index = 0;
  std::optional<std::uint32_t> ssrc;  // learnt from the first packet when the offer had no a=ssrc
  std::vector<SourceCodec> codecs;
  std::vector<media::ExtensionMapping> extensions;
};

// The presenter's streams as it negotiated them (`answer`: ours as sent, for fmtp and extmap).
std::vector<PresenterStream> presenter_streams(const sdp::Negotiated& negotiated,
                                               const sdp::SessionDescription& answer);

// The forwarder's view of `source` for one viewer m-line; empty payload_types: no common codec.
media::SourceStreamConfig source_for_viewer(const PresenterStream& source, const sdp::ViewerMedia& viewer);

}  // namespace presentd::session
