// SPDX-License-Identifier: Apache-2.0
// A presenter's streams as the forwarders see them, and how one is paired with a viewer's
// m-line: payload types by codec (H.264 by profile where the viewer offers several), nothing
// for a viewer without the codec or of the other kind.
#include "presentd/session/viewer_source.hpp"

#include <gtest/gtest.h>

namespace presentd::session {
namespace {

sdp::SessionDescription presenter_answer() {
  sdp::SessionDescription answer;
  sdp::MediaDescription video;
  video.media = "video";
  video.mid = "0";
  video.fmtps.push_back({102, "level-asymmetry-allowed=1;packetization-mode=1;profile-level-id=640c1f"});
  video.extmaps.push_back({3, std::nullopt, std::string(rtp::kTransportCcUri), ""});
  video.extmaps.push_back({4, std::nullopt, std::string(rtp::kMidUri), ""});
  sdp::MediaDescription audio;
  audio.media = "audio";
  audio.mid = "1";
  audio.extmaps.push_back({3, std::nullopt, std::string(rtp::kTransportCcUri), ""});
  answer.media = {video, audio};
  return answer;
}

sdp::Negotiated presenter_negotiated() {
  sdp::Negotiated negotiated;
  sdp::NegotiatedVideo video;
  video.mid = "0";
  video.payload_types = {{96, rtp::PayloadFormat::vp8}, {102, rtp::PayloadFormat::h264}};
  video.media_ssrc = 1111;
  negotiated.video.push_back(video);
  sdp::NegotiatedAudio audio;
  audio.mid = "1";
  audio.payload_type = 111;
  negotiated.audio = audio;  // no a=ssrc: learnt from the first packet
  return negotiated;
}

sdp::ViewerMedia viewer_video(std::vector<sdp::ViewerCodec> codecs) {
  sdp::ViewerMedia media;
  media.kind = sdp::ViewerMedia::Kind::video;
  media.codecs = std::move(codecs);
  return media;
}

TEST(ViewerSource, PresenterStreamsCarryCodecsFmtpExtensionsAndKnownSsrcs) {
  const auto streams = presenter_streams(presenter_negotiated(), presenter_answer());
  ASSERT_EQ(streams.size(), 2u);
  EXPECT_TRUE(streams[0].video);
  EXPECT_EQ(streams[0].ssrc, 1111u);
  ASSERT_EQ(streams[0].codecs.size(), 2u);
  EXPECT_EQ(streams[0].codecs[1].payload_type, 102);
  EXPECT_NE(streams[0].codecs[1].fmtp.find("640c1f"), std::string::npos);
  ASSERT_EQ(streams[0].extensions.size(), 2u);
  EXPECT_EQ(streams[0].extensions[1].id, 4);
  EXPECT_EQ(streams[0].extensions[1].uri, rtp::kMidUri);
  EXPECT_FALSE(streams[1].video);
  EXPECT_FALSE(streams[1].ssrc.has_value());
  EXPECT_EQ(streams[1].codecs.at(0).format, rtp::PayloadFormat::opus);
}

TEST(ViewerSource, PayloadTypesMapByCodecAndH264ByProfile) {
  const auto streams = presenter_streams(presenter_negotiated(), presenter_answer());
  // The viewer offers H.264 constrained baseline first, then High (640c): High is the match.
  const auto viewer =
      viewer_video({{98, rtp::PayloadFormat::vp8, 90000, ""},
                    {125, rtp::PayloadFormat::h264, 90000, "packetization-mode=1;profile-level-id=42e01f"},
                    {127, rtp::PayloadFormat::h264, 90000, "packetization-mode=1;profile-level-id=640032"}});
  const auto source = source_for_viewer(streams[0], viewer);
  EXPECT_EQ(source.ssrc, 1111u);
  ASSERT_EQ(source.payload_types.size(), 2u);
  EXPECT_EQ(source.payload_types[0].source, 96);
  EXPECT_EQ(source.payload_types[0].viewer, 98);
  EXPECT_EQ(source.payload_types[1].source, 102);
  EXPECT_EQ(source.payload_types[1].viewer, 127);
  EXPECT_EQ(source.extensions.size(), 2u);
}

TEST(ViewerSource, AnotherH264ProfileStillMapsWhenTheViewerHasOnlyThatOne) {
  const auto streams = presenter_streams(presenter_negotiated(), presenter_answer());
  const auto viewer =
      viewer_video({{125, rtp::PayloadFormat::h264, 90000, "packetization-mode=1;profile-level-id=42e01f"}});
  const auto source = source_for_viewer(streams[0], viewer);
  ASSERT_EQ(source.payload_types.size(), 1u);
  EXPECT_EQ(source.payload_types[0].viewer, 125);
}

TEST(ViewerSource, NoCommonCodecOrTheOtherKindMapsNothing) {
  const auto streams = presenter_streams(presenter_negotiated(), presenter_answer());
  EXPECT_TRUE(
      source_for_viewer(streams[0], viewer_video({{100, rtp::PayloadFormat::vp9, 90000, ""}})).payload_types.empty());
  sdp::ViewerMedia audio;
  audio.kind = sdp::ViewerMedia::Kind::audio;
  audio.codecs = {{109, rtp::PayloadFormat::opus, 48000, ""}};
  EXPECT_TRUE(source_for_viewer(streams[0], audio).payload_types.empty());
  const auto opus = source_for_viewer(streams[1], audio);
  ASSERT_EQ(opus.payload_types.size(), 1u);
  EXPECT_EQ(opus.payload_types[0].source, 111);
  EXPECT_EQ(opus.payload_types[0].viewer, 109);
  EXPECT_EQ(opus.ssrc, 0u);  // not known yet: the hub selects it once the first packet came
}

}  // namespace
}  // namespace presentd::session
