// SPDX-License-Identifier: Apache-2.0
// Depacketizes real RTP streams captured from GStreamer's payloaders (tests/vectors/depacketizer)
// and checks that each frame comes out exactly as the encoder produced it, that FFmpeg decodes
// every assembled frame, and that inspect() agrees with what the decoder says about keyframes.
#include <gtest/gtest.h>

#include <string>

#include "presentd/rtp/depacketizer/depacketizer.hpp"
#include "support/rtp/captured_vectors.hpp"
#include "support/rtp/ffmpeg_decoder.hpp"

namespace presentd::rtp {
namespace {

using test::Bytes;

struct CapturedCase {
  std::string name;
  PayloadFormat format;
  AVCodecID codec;
  std::size_t frames;         // what the capture pipeline encoded
  std::size_t keyframes;      // keyframe-max-dist/gop-size=6 over 12 frames; every Opus packet
  bool keyframe_states_size;  // VP8 keyframe header, VP9 scalability structure
};

// capture.sh encodes 320x240 video.
constexpr std::uint16_t kWidth = 320;
constexpr std::uint16_t kHeight = 240;

class CapturedStreamTest : public ::testing::TestWithParam<CapturedCase> {};

TEST_P(CapturedStreamTest, ReproducesEncoderOutputFrameByFrame) {
  const auto& c = GetParam();
  const auto packets = test::read_records(c.name + ".rtp");
  const auto expected = test::read_records(c.name + ".frames");
  const auto frames = test::frames_by_timestamp(packets);
  ASSERT_EQ(expected.size(), c.frames);
  ASSERT_EQ(frames.size(), expected.size());

  auto depacketizer = make_depacketizer(c.format);
  test::FfmpegDecoder decoder(c.codec);
  ASSERT_TRUE(decoder.ok());
  std::size_t keyframes = 0;
  for (std::size_t i = 0; i < frames.size(); ++i) {
    SCOPED_TRACE("frame " + std::to_string(i));
    const auto first = depacketizer->inspect(frames[i].front());
    ASSERT_TRUE(first.has_value());
    EXPECT_TRUE(first->frame_start);
    for (std::size_t k = 1; k < frames[i].size(); ++k) {
      const auto info = depacketizer->inspect(frames[i][k]);
      ASSERT_TRUE(info.has_value());
      if (c.format != PayloadFormat::h264) {
        EXPECT_FALSE(info->frame_start) << "packet " << k;
        continue;
      }
      // In H.264 the SPS/PPS after the AUD and the start of the (only, first_mb 0) slice also
      // match the "begins an access unit" rule, which the jitter buffer combines with the RTP
      // timestamp; FU-A continuations never do.
      const std::uint8_t nal = frames[i][k][0] & 0x1f;
      if (nal == 28) {
        EXPECT_EQ(info->frame_start, (frames[i][k][1] & 0x80) != 0) << "packet " << k;
      } else if (nal == 7 || nal == 8) {
        EXPECT_TRUE(info->frame_start) << "packet " << k;
      }
    }
    if (first->keyframe && c.keyframe_states_size) {
      EXPECT_EQ(first->width, kWidth);
      EXPECT_EQ(first->height, kHeight);
    }

    const auto frame = depacketizer->assemble(frames[i]);
    ASSERT_TRUE(frame.has_value());
    EXPECT_EQ(frame->bitstream, expected[i]);
    EXPECT_TRUE(decoder.decode(frame->bitstream));
    if (frame->keyframe) ++keyframes;
  }
  EXPECT_TRUE(decoder.flush());
  EXPECT_EQ(keyframes, c.keyframes);
  if (c.format == PayloadFormat::opus) return;  // audio: no pictures to compare
  ASSERT_EQ(decoder.frames_out(), static_cast<int>(frames.size()));
  // The decoder's own keyframe verdicts agree with the depacketizer's.
  for (std::size_t i = 0; i < frames.size(); ++i) {
    EXPECT_EQ(decoder.keyframes()[i], depacketizer->assemble(frames[i])->keyframe) << "frame " << i;
  }
  EXPECT_EQ(decoder.width(), kWidth);
  EXPECT_EQ(decoder.height(), kHeight);
}

INSTANTIATE_TEST_SUITE_P(Gstreamer, CapturedStreamTest,
                         ::testing::Values(CapturedCase{"vp8", PayloadFormat::vp8, AV_CODEC_ID_VP8, 12, 2, true},
                                           CapturedCase{"vp9", PayloadFormat::vp9, AV_CODEC_ID_VP9, 12, 2, true},
                                           CapturedCase{"h264", PayloadFormat::h264, AV_CODEC_ID_H264, 12, 2, false},
                                           CapturedCase{"h264_stap", PayloadFormat::h264, AV_CODEC_ID_H264, 8, 2,
                                                        false},
                                           CapturedCase{"opus", PayloadFormat::opus, AV_CODEC_ID_OPUS, 11, 11, false}),
                         [](const auto& test_info) { return test_info.param.name; });

// A receiver that lost the SPS/PPS packets in front of the second IDR (or a sender that only sends
// them once) still gets a decodable keyframe: the ones remembered from the first IDR are put back,
// in the same place the encoder had them.
TEST(CapturedH264Test, CarriesParameterSetsIntoLaterIdrThatLostThem) {
  const auto packets = test::read_records("h264.rtp");
  const auto expected = test::read_records("h264.frames");
  const auto frames = test::frames_by_timestamp(packets);
  ASSERT_EQ(frames.size(), 12u);
  constexpr std::size_t kSecondIdr = 6;

  auto depacketizer = make_depacketizer(PayloadFormat::h264);
  for (std::size_t i = 0; i < kSecondIdr; ++i) ASSERT_TRUE(depacketizer->assemble(frames[i]).has_value());

  std::vector<std::span<const std::uint8_t>> stripped;
  for (const auto payload : frames[kSecondIdr]) {
    const std::uint8_t type = payload[0] & 0x1f;
    if (type != 7 && type != 8) stripped.push_back(payload);
  }
  ASSERT_LT(stripped.size(), frames[kSecondIdr].size()) << "capture should hold SPS/PPS packets";
  const auto frame = depacketizer->assemble(stripped);
  ASSERT_TRUE(frame.has_value());
  EXPECT_TRUE(frame->keyframe);
  EXPECT_EQ(frame->bitstream, expected[kSecondIdr]);

  // A decoder that starts at this frame decodes it.
  test::FfmpegDecoder decoder(AV_CODEC_ID_H264);
  ASSERT_TRUE(decoder.ok());
  EXPECT_TRUE(decoder.decode(frame->bitstream));
  EXPECT_TRUE(decoder.flush());
  EXPECT_EQ(decoder.frames_out(), 1);
}

}  // namespace
}  // namespace presentd::rtp
