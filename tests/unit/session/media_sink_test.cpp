// SPDX-License-Identifier: Apache-2.0
// The media sink: pictures described and handed on (straight from the decode thread without
// sound, through the lip-sync gate on the loop with it), real Opus decoded and handed on with
// the time it will be heard.
#include "presentd/session/media_sink.hpp"

#include <gtest/gtest.h>

#include <boost/asio/io_context.hpp>

#include "support/media/opus_tone.hpp"
#include "support/run_until.hpp"

namespace presentd::session {
namespace {

using namespace std::chrono_literals;

// An I420 picture of one flat colour.
media::PicturePtr flat_picture(int width, int height, std::uint8_t y, std::uint8_t u, std::uint8_t v) {
  const auto luma = static_cast<std::size_t>(width * height);
  auto pixels = std::make_shared<std::vector<std::uint8_t>>(luma + luma / 2);
  std::fill_n(pixels->begin(), luma, y);
  std::fill_n(pixels->begin() + static_cast<std::ptrdiff_t>(luma), luma / 4, u);
  std::fill_n(pixels->begin() + static_cast<std::ptrdiff_t>(luma + luma / 4), luma / 4, v);
  const std::array<media::PicturePlane, 3> planes{media::PicturePlane{pixels->data(), width},
                                                  media::PicturePlane{pixels->data() + luma, width / 2},
                                                  media::PicturePlane{pixels->data() + luma + luma / 4, width / 2}};
  return std::make_shared<media::Picture>(media::PixelFormat::i420, width, height, planes, pixels);
}

struct Output : MediaSink::Output {
  std::vector<std::size_t> pictures;  // the stream of each picture handed on
  std::size_t samples = 0;
  int audio_blocks = 0;
  std::optional<Clock::Duration> output_delay;
  void on_picture(std::size_t stream, media::PicturePtr) override { pictures.push_back(stream); }
  void on_audio(std::span<const float> block) override {
    samples += block.size();
    ++audio_blocks;
  }
  std::optional<Clock::Duration> audio_output_delay() const override { return output_delay; }
};

class MediaSinkTest : public ::testing::Test {
protected:
  MediaSink::Options options(bool with_sound) {
    MediaSink::Options o;
    o.video_streams = 2;
    if (with_sound) o.audio_clock_rate = 48000;
    o.max_lip_sync_delay = 300ms;
    o.started_at = clock_.now() - 40ms;
    return o;
  }
  boost::asio::io_context io_;
  SteadyClock clock_;
  Output output_;
};

TEST_F(MediaSinkTest, WithoutSoundPicturesGoStraightOnAndAreDescribed) {
  MediaSink sink(io_, clock_, options(false), output_);
  EXPECT_EQ(sink.lip_sync(), nullptr);
  EXPECT_FALSE(sink.first_picture_after());
  sink.on_picture(1, flat_picture(64, 48, 200, 100, 50));
  ASSERT_EQ(output_.pictures, std::vector<std::size_t>{1});
  const auto facts = sink.latest_picture(1);
  ASSERT_TRUE(facts);
  EXPECT_EQ(facts->width, 64);
  EXPECT_EQ(facts->height, 48);
  EXPECT_DOUBLE_EQ(facts->mean_yuv[0], 200.0);
  EXPECT_DOUBLE_EQ(facts->mean_yuv[1], 100.0);
  EXPECT_DOUBLE_EQ(facts->mean_yuv[2], 50.0);
  EXPECT_FALSE(sink.latest_picture(0));
  EXPECT_FALSE(sink.latest_picture(7));  // no such stream: nothing, not a crash
  ASSERT_TRUE(sink.first_picture_after());
  EXPECT_GE(*sink.first_picture_after(), 40ms);
}

TEST_F(MediaSinkTest, WithSoundPicturesPassThroughTheGateOnTheLoop) {
  MediaSink sink(io_, clock_, options(true), output_);
  ASSERT_NE(sink.lip_sync(), nullptr);
  sink.on_picture(0, flat_picture(64, 48, 16, 128, 128));
  // Handed to the loop, not on: the gate decides there.
  EXPECT_TRUE(output_.pictures.empty());
  ASSERT_TRUE(testing::run_until(
      io_, [&] { return !output_.pictures.empty(); }, 2s));
  EXPECT_EQ(output_.pictures, std::vector<std::size_t>{0});
}

TEST_F(MediaSinkTest, OpusIsDecodedAndHandedOnAndGarbageIsDropped) {
  MediaSink sink(io_, clock_, options(true), output_);
  output_.output_delay = 60ms;
  const auto packets = media::testing::encode_tone(440, 0, 5);
  ASSERT_FALSE(packets.empty());
  std::uint32_t timestamp = 0;
  for (const auto& packet : packets) {
    sink.on_audio_packet(packet, timestamp);
    timestamp += media::testing::kFrameSize;
  }
  EXPECT_EQ(output_.audio_blocks, static_cast<int>(packets.size()));
  EXPECT_EQ(output_.samples, packets.size() * media::testing::kFrameSize * 2);  // interleaved stereo
  EXPECT_EQ(sink.audio_blocks_decoded(), packets.size());
  const std::vector<std::uint8_t> garbage{0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF};
  sink.on_audio_packet(garbage, timestamp);
  EXPECT_EQ(output_.audio_blocks, static_cast<int>(packets.size()));
}

TEST_F(MediaSinkTest, PicturesPostedToAGoneSinkAreDropped) {
  {
    MediaSink sink(io_, clock_, options(true), output_);
    sink.on_picture(0, flat_picture(64, 48, 16, 128, 128));
  }
  EXPECT_GE(io_.run_for(50ms), 1u);
  EXPECT_TRUE(output_.pictures.empty());
}

}  // namespace
}  // namespace presentd::session
