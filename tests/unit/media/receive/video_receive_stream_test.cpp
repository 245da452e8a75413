// SPDX-License-Identifier: Apache-2.0
// One video stream on real VP8 packets (GStreamer's capture in tests/vectors/depacketizer: 12
// frames, keyframes at 0 and 6) replayed the way Chrome sends them under load, checked frame by
// frame against the encoder's output and decoded with FFmpeg:
//  - Chrome's pacer drops the unsent tail of a frame when a keyframe is queued behind it and
//    numbers the keyframe straight after the last packet it sent, so a cut frame leaves no
//    sequence gap. Delivering the cut frame made FFmpeg log "Header size larger than data
//    provided" (a decode error) when the cut frame was a keyframe;
//  - bandwidth probes: padding-only packets on the media SSRC (senders without RTX) and on the
//    RTX SSRC without even an OSN (libwebrtc).
#include "presentd/media/receive/video_receive_stream.hpp"

#include <gtest/gtest.h>

#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "presentd/rtp/rtcp/pli.hpp"
#include "presentd/rtp/rtp_packet.hpp"
#include "rtp/depacketizer/vp8_depacketizer.hpp"
#include "support/rtp/captured_vectors.hpp"
#include "support/rtp/ffmpeg_decoder.hpp"
#include "support/rtp/wrap_test_support.hpp"

namespace presentd::media {
namespace {

using namespace std::chrono_literals;
using Bytes = std::vector<std::uint8_t>;

constexpr std::uint8_t kVp8PayloadType = 96;
constexpr std::uint8_t kRtxPayloadType = 97;
constexpr std::uint32_t kRtxSsrc = 0x5EED0001;

// The capture's packets grouped by frame (RTP timestamp), in order.
std::vector<std::vector<Bytes>> captured_frames() {
  std::vector<std::vector<Bytes>> frames;
  std::optional<std::uint32_t> timestamp;
  for (auto& record : rtp::test::read_records("vp8.rtp")) {
    const auto packet = rtp::RtpPacket::parse(record);
    if (!packet) return {};
    if (packet->timestamp() != timestamp) frames.emplace_back();
    timestamp = packet->timestamp();
    frames.back().push_back(std::move(record));
  }
  return frames;
}

// The VP8 bitstream of packets: descriptors stripped, payloads joined.
Bytes vp8_bytes(const std::vector<Bytes>& packets) {
  Bytes out;
  for (const auto& raw : packets) {
    const auto payload = rtp::RtpPacket::parse(raw)->payload();
    const auto descriptor = rtp::parse_vp8_descriptor(payload);
    if (!descriptor) return {};
    out.insert(out.end(), payload.begin() + static_cast<std::ptrdiff_t>(descriptor->payload_offset), payload.end());
  }
  return out;
}

class VideoReceiveStreamTest : public ::testing::Test {
protected:
  void SetUp() override {
    frames_ = captured_frames();
    encoded_ = rtp::test::read_records("vp8.frames");
    ASSERT_EQ(frames_.size(), 12u);
    ASSERT_EQ(encoded_.size(), 12u);
    ssrc_ = rtp::RtpPacket::parse(frames_[0][0])->ssrc();
    VideoStreamConfig config;
    config.media_ssrc = ssrc_;
    config.rtx_ssrc = kRtxSsrc;
    config.payload_types[kVp8PayloadType] = rtp::PayloadFormat::vp8;
    config.rtx_payload_types[kRtxPayloadType] = kVp8PayloadType;
    stream_ = std::make_unique<VideoReceiveStream>(clock_, config, [this](Frame&& frame, rtp::PayloadFormat format) {
      EXPECT_EQ(format, rtp::PayloadFormat::vp8);
      received_.push_back(std::move(frame));
    });
  }

  // Sends packets [from, end) of frame `index` (all of them by default), numbered on from the
  // previous packet as the sender's packet sequencer does: packets it never sent get no number.
  void send_frame(std::size_t index, std::optional<std::size_t> end = std::nullopt, std::size_t from = 0) {
    const auto& packets = frames_[index];
    for (std::size_t i = from; i < end.value_or(packets.size()); ++i) {
      const auto parsed = rtp::RtpPacket::parse(packets[i]);
      send(rtp::RtpPacketBuilder::from_packet(*parsed).sequence_number(next_sequence_++).build());
    }
  }

  // A padding-only packet on the media SSRC, with the timestamp of the frame before it.
  void send_media_padding(std::size_t after_frame) {
    const auto last = rtp::RtpPacket::parse(frames_[after_frame].back());
    send(rtp::RtpPacketBuilder::from_packet(*last)
             .marker(false)
             .payload(std::span<const std::uint8_t>{})
             .sequence_number(next_sequence_++)
             .padding(224)
             .build());
  }

  // libwebrtc's probe on the RTX SSRC: RTP padding only, no OSN.
  void send_rtx_probe() {
    send(rtp::RtpPacketBuilder()
             .payload_type(kRtxPayloadType)
             .ssrc(kRtxSsrc)
             .sequence_number(rtx_sequence_++)
             .timestamp(0)
             .padding(255)
             .build());
  }

  void send(const Bytes& raw) {
    const auto packet = rtp::RtpPacket::parse(raw);
    ASSERT_TRUE(packet.has_value());
    ASSERT_TRUE(stream_->accepts(*packet));
    stream_->on_rtp(*packet);
    clock_.advance(1ms);
  }

  // Every received frame must be one of the encoder's, whole, and decode with FFmpeg in order.
  void expect_received(const std::vector<std::size_t>& expected) {
    ASSERT_EQ(received_.size(), expected.size());
    rtp::test::FfmpegDecoder decoder(AV_CODEC_ID_VP8);
    ASSERT_TRUE(decoder.ok());
    for (std::size_t i = 0; i < expected.size(); ++i) {
      EXPECT_EQ(received_[i].bitstream, encoded_[expected[i]]) << "frame " << expected[i];
      EXPECT_EQ(received_[i].keyframe, expected[i] % 6 == 0) << "frame " << expected[i];
      EXPECT_TRUE(decoder.decode(received_[i].bitstream)) << "frame " << expected[i];
    }
  }

  bool pli_due() {
    std::vector<rtp::rtcp::Message> out;
    stream_->collect_feedback(0xB0B0B0B0, out);
    for (const auto& message : out) {
      if (std::holds_alternative<rtp::rtcp::Pli>(message)) return true;
    }
    return false;
  }

  ManualClock clock_;
  std::vector<std::vector<Bytes>> frames_;
  std::vector<Bytes> encoded_;
  std::uint32_t ssrc_ = 0;
  std::unique_ptr<VideoReceiveStream> stream_;
  std::vector<Frame> received_;
  // Seeded by the test's name: each test starts somewhere else within 8 packets of the 16-bit
  // wrap, so every replay crosses it.
  std::uint16_t next_sequence_ = rtp::test::start_near_wrap(
      static_cast<std::uint32_t>(
          std::hash<std::string>{}(::testing::UnitTest::GetInstance()->current_test_info()->name())),
      8);
  std::uint16_t rtx_sequence_ = 100;
};

TEST_F(VideoReceiveStreamTest, ADeltaCutShortByTheNextKeyframeNeverReachesTheDecoder) {
  ASSERT_GE(frames_[5].size(), 2u);
  for (std::size_t f = 0; f < 5; ++f) send_frame(f);
  send_frame(5, 1);  // the pacer sent the first packet; a PLI's keyframe was queued behind it
  for (std::size_t f = 6; f < 12; ++f) send_frame(f);
  expect_received({0, 1, 2, 3, 4, 6, 7, 8, 9, 10, 11});
  EXPECT_EQ(stream_->assembler_stats()->truncated_frames, 1u);
  // The keyframe that caused the cut came right after it: nothing more to ask for.
  EXPECT_FALSE(pli_due());
}

TEST_F(VideoReceiveStreamTest, AKeyframeCutShortByAnotherNeverReachesTheDecoder) {
  // The failing run's case: the first keyframe (or one asked for by PLI) is cut by the next
  // keyframe. Its first packet alone is what FFmpeg refused with "Header size larger than data
  // provided": the frame tag announces a first partition longer than the packet.
  const Bytes cut = vp8_bytes({frames_[0][0]});
  const auto header = rtp::parse_vp8_frame_header(cut);
  ASSERT_TRUE(header.has_value());
  ASSERT_LT(cut.size(), header->minimum_frame_size());
  rtp::test::FfmpegDecoder decoder(AV_CODEC_ID_VP8);
  ASSERT_TRUE(decoder.ok());
  EXPECT_FALSE(decoder.decode(cut));

  send_frame(0, 1);
  for (std::size_t f = 6; f < 12; ++f) send_frame(f);
  expect_received({6, 7, 8, 9, 10, 11});
  EXPECT_FALSE(pli_due());
}

TEST_F(VideoReceiveStreamTest, ACutDeltaFollowedByADeltaWaitsForAKeyframeAndAsksForIt) {
  for (std::size_t f = 0; f < 3; ++f) send_frame(f);
  send_frame(3, 1);
  send_frame(4);  // depends on frame 3, which the decoder will never have
  send_frame(5);
  EXPECT_TRUE(pli_due());
  send_frame(6);
  send_frame(7);
  expect_received({0, 1, 2, 6, 7});
  EXPECT_FALSE(pli_due());
}

TEST_F(VideoReceiveStreamTest, AStreamStartingWithAKeyframeAsksForNone) {
  // Asking while the first keyframe is still on its way would make Chrome queue a second one and
  // cut the first short (the failing run's Chrome reported a PLI it had received).
  send_frame(0, 1);
  EXPECT_FALSE(pli_due());
  send_frame(0, std::nullopt, 1);
  for (std::size_t f = 1; f < 6; ++f) send_frame(f);
  EXPECT_FALSE(pli_due());
  expect_received({0, 1, 2, 3, 4, 5});
}

TEST_F(VideoReceiveStreamTest, AStreamJoinedMidwayAsksForAKeyframeOnceADeltaShows) {
  send_frame(1);
  EXPECT_TRUE(pli_due());
  for (std::size_t f = 2; f < 12; ++f) send_frame(f);
  expect_received({6, 7, 8, 9, 10, 11});
}

TEST_F(VideoReceiveStreamTest, PaddingProbesOnEitherSsrcDoNotStallFrames) {
  send_rtx_probe();
  for (std::size_t f = 0; f < 12; ++f) {
    send_frame(f);
    if (f % 3 == 1) send_media_padding(f);
    if (f % 4 == 2) send_rtx_probe();
  }
  expect_received({0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11});
  EXPECT_EQ(stream_->stats().media_padding_packets, 4u);
  EXPECT_EQ(stream_->stats().rtx_padding_packets, 4u);
  EXPECT_EQ(stream_->stats().malformed_packets, 0u);
  EXPECT_EQ(stream_->nack_stats().requests_sent, 0u);
  EXPECT_FALSE(pli_due());
}

}  // namespace
}  // namespace presentd::media
