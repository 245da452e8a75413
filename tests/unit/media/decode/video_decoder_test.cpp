// SPDX-License-Identifier: Apache-2.0
// Real codecs end to end: frames encoded here with libvpx and libx264 are decoded through
// presentd's decoders, and every picture is compared with its source (PSNR) and with a plain
// libvpx/libavcodec decode of the same bitstream (exact checksum).
#include "presentd/media/decode/video_decoder.hpp"

#include <gtest/gtest.h>

#include <memory>
#include <vector>

#include "media/decode/vpx_video_decoder.hpp"
#include "support/media/clip.hpp"

namespace presentd::media {
namespace {

using testing::Clip;
using testing::Encoder;

struct Case {
  const char* label;
  Encoder encoder;
  rtp::PayloadFormat format;
  VideoDecoderBackend backend;
  int width;
  int height;
  // FFmpeg's VP8 decoder reads any bytes inside a partition without complaint (the boolean
  // decoder accepts every bit string), so noise after an intact frame header decodes "fine".
  bool rejects_noise = true;
  int slice_threads = 1;
};

class VideoDecoderTest : public ::testing::TestWithParam<Case> {};

TEST_P(VideoDecoderTest, PicturesMatchSourceAndPlainDecodeWhileAllAreHeld) {
  const Case& c = GetParam();
  Clip clip(c.encoder, c.width, c.height);
  clip.encode(12, {0, 7});
  auto decoder = make_video_decoder(c.format, {c.backend, c.slice_threads});

  // Hold every picture until the end: a decoder reusing memory still referenced by a picture
  // would change an earlier picture's checksum.
  std::vector<std::shared_ptr<Picture>> held;
  std::vector<int> indices;
  for (int i = 0; i < 12; ++i) {
    DecodeResult result = decoder->decode(clip.frames[static_cast<std::size_t>(i)].bitstream);
    ASSERT_EQ(result.status, DecodeStatus::ok) << "frame " << i;
    ASSERT_NE(result.picture, nullptr) << "frame " << i;
    held.push_back(std::move(result.picture));
    indices.push_back(i);
  }
  const auto expected = clip.reference_checksums(indices);
  for (std::size_t i = 0; i < held.size(); ++i) {
    const Picture& picture = *held[i];
    EXPECT_EQ(picture.format(), PixelFormat::i420);
    EXPECT_EQ(picture.width(), c.width);
    EXPECT_EQ(picture.height(), c.height);
    EXPECT_GT(testing::psnr(picture, clip.sources[i]), 30.0) << "frame " << i;
    EXPECT_NE(expected[i], 0U);
    EXPECT_EQ(testing::checksum(picture), expected[i]) << "frame " << i;
  }
}

TEST_P(VideoDecoderTest, DamagedFramesAreErrorsAndTheNextKeyframeDecodes) {
  const Case& c = GetParam();
  Clip clip(c.encoder, c.width, c.height);
  clip.encode(6, {0, 4});
  auto decoder = make_video_decoder(c.format, {c.backend, c.slice_threads});
  ASSERT_EQ(decoder->decode(clip.frames[0].bitstream).status, DecodeStatus::ok);

  // Three kinds of damage: nothing, a truncated frame, a frame overwritten with noise.
  EXPECT_EQ(decoder->decode({}).status, DecodeStatus::error);
  std::vector<std::uint8_t> truncated(clip.frames[1].bitstream.begin(), clip.frames[1].bitstream.begin() + 3);
  EXPECT_EQ(decoder->decode(truncated).status, DecodeStatus::error);
  const DecodeStatus noise_status = decoder->decode(clip.damaged(2)).status;
  if (c.rejects_noise) {
    EXPECT_EQ(noise_status, DecodeStatus::error);
  }

  // The decoder is still usable: the next keyframe and the delta after it decode exactly.
  const auto expected = clip.reference_checksums({0, 4, 5});
  for (int i : {4, 5}) {
    DecodeResult result = decoder->decode(clip.frames[static_cast<std::size_t>(i)].bitstream);
    ASSERT_EQ(result.status, DecodeStatus::ok) << "frame " << i;
    ASSERT_NE(result.picture, nullptr);
    EXPECT_EQ(testing::checksum(*result.picture), expected[static_cast<std::size_t>(i == 4 ? 1 : 2)]);
  }
}

INSTANTIATE_TEST_SUITE_P(
    Codecs, VideoDecoderTest,
    ::testing::Values(
        Case{"vp8_libvpx", Encoder::vp8, rtp::PayloadFormat::vp8, VideoDecoderBackend::preferred, 320, 180},
        Case{"vp8_libvpx_odd", Encoder::vp8, rtp::PayloadFormat::vp8, VideoDecoderBackend::preferred, 317, 179},
        Case{"vp9_libvpx", Encoder::vp9, rtp::PayloadFormat::vp9, VideoDecoderBackend::preferred, 320, 180},
        Case{"vp9_libvpx_odd", Encoder::vp9, rtp::PayloadFormat::vp9, VideoDecoderBackend::preferred, 317, 179},
        Case{"vp8_libavcodec", Encoder::vp8, rtp::PayloadFormat::vp8, VideoDecoderBackend::libavcodec, 320, 180, false},
        Case{"h264_libavcodec", Encoder::h264, rtp::PayloadFormat::h264, VideoDecoderBackend::preferred, 320, 180},
        Case{"h264_slice_threads", Encoder::h264, rtp::PayloadFormat::h264, VideoDecoderBackend::preferred, 320, 180,
             true, 2},
        Case{"h264_libavcodec_uncropped", Encoder::h264, rtp::PayloadFormat::h264, VideoDecoderBackend::preferred, 318,
             178}),
    [](const ::testing::TestParamInfo<Case>& param_info) { return std::string(param_info.param.label); });

TEST(VpxVideoDecoderTest, Vp9DecodesIntoPooledBuffersThatAreRecycled) {
  testing::VpxTestEncoder encoder(true, 320, 180, 600);
  VpxVideoDecoder decoder(VpxVideoDecoder::Codec::vp9);
  ASSERT_TRUE(decoder.zero_copy());
  for (int i = 0; i < 40; ++i) {
    const auto frame = encoder.encode(testing::make_screen_frame(320, 180, i), i == 0);
    DecodeResult result = decoder.decode(frame.bitstream);
    ASSERT_EQ(result.status, DecodeStatus::ok);
    ASSERT_NE(result.picture, nullptr);
    // The picture points into a pool buffer (no copy) and is dropped here, so buffers cycle.
  }
  // VP9 keeps up to 8 references plus the frame being decoded; 40 frames must not mean 40 buffers.
  EXPECT_LE(decoder.pool().allocations(), 12U);
}

TEST(VpxVideoDecoderTest, Vp8CopiesOnceIntoRecycledBuffers) {
  testing::VpxTestEncoder encoder(false, 320, 180, 600);
  VpxVideoDecoder decoder(VpxVideoDecoder::Codec::vp8);
  EXPECT_FALSE(decoder.zero_copy());  // libvpx's VP8 decoder has no external frame buffers
  for (int i = 0; i < 20; ++i) {
    const auto frame = encoder.encode(testing::make_screen_frame(320, 180, i), i == 0);
    ASSERT_NE(decoder.decode(frame.bitstream).picture, nullptr);
  }
  EXPECT_EQ(decoder.pool().allocations(), 1U);
}

TEST(VideoDecoderFactoryTest, OpusIsNotAVideoFormat) {
  EXPECT_THROW((void)make_video_decoder(rtp::PayloadFormat::opus), DecoderSetupError);
}

}  // namespace
}  // namespace presentd::media
