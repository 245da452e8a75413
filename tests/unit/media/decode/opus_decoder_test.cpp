// SPDX-License-Identifier: Apache-2.0
// Opus through libavcodec: a stereo test tone (1 kHz left, 2.5 kHz right) encoded with libopus in
// the test, decoded by OpusDecoder, checked for frequency per channel and for level.
#include "media/decode/opus_decoder.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <numbers>
#include <vector>

extern "C" {
#include <libavutil/channel_layout.h>
}

namespace presentd::media {
namespace {

constexpr int kRate = 48000;
constexpr int kFrameSize = 960;  // 20 ms, what WebRTC sends
constexpr double kAmplitude = 0.5;

// 20 ms Opus packets of a sine per channel (`right_hz` = 0: mono stream of the left tone).
std::vector<std::vector<std::uint8_t>> encode_tone(double left_hz, double right_hz, int packets) {
  const int channels = right_hz > 0 ? 2 : 1;
  AvCodecContextPtr context = open_codec_context(avcodec_find_encoder_by_name("libopus"), [&](AVCodecContext& c) {
    c.sample_rate = kRate;
    c.sample_fmt = AV_SAMPLE_FMT_FLT;
    av_channel_layout_default(&c.ch_layout, channels);
    c.bit_rate = 64000 * channels;
    c.frame_size = kFrameSize;
  });
  EXPECT_NE(context, nullptr);
  if (!context) return {};
  AvFramePtr frame(av_frame_alloc());
  AvPacketPtr packet(av_packet_alloc());
  std::vector<std::vector<std::uint8_t>> out;
  for (int p = 0; p < packets; ++p) {
    frame->format = AV_SAMPLE_FMT_FLT;
    frame->nb_samples = kFrameSize;
    frame->sample_rate = kRate;
    av_channel_layout_default(&frame->ch_layout, channels);
    EXPECT_GE(av_frame_get_buffer(frame.get(), 0), 0);
    auto* samples = reinterpret_cast<float*>(frame->data[0]);
    for (int i = 0; i < kFrameSize; ++i) {
      const double t = double(p * kFrameSize + i) / kRate;
      samples[i * channels] = float(kAmplitude * std::sin(2 * std::numbers::pi * left_hz * t));
      if (channels == 2) samples[i * 2 + 1] = float(kAmplitude * std::sin(2 * std::numbers::pi * right_hz * t));
    }
    frame->pts = p * kFrameSize;
    EXPECT_GE(avcodec_send_frame(context.get(), frame.get()), 0);
    av_frame_unref(frame.get());
    while (avcodec_receive_packet(context.get(), packet.get()) == 0) {
      out.emplace_back(packet->data, packet->data + packet->size);
      av_packet_unref(packet.get());
    }
  }
  return out;
}

// Power of `hz` in one channel of interleaved stereo (Goertzel), normalised by length.
double tone_power(const std::vector<float>& stereo, int channel, std::size_t skip, double hz) {
  const double coefficient = 2 * std::cos(2 * std::numbers::pi * hz / kRate);
  double s1 = 0, s2 = 0;
  std::size_t n = 0;
  for (std::size_t i = skip * 2 + static_cast<std::size_t>(channel); i < stereo.size(); i += 2, ++n) {
    const double s0 = stereo[i] + coefficient * s1 - s2;
    s2 = s1;
    s1 = s0;
  }
  return (s1 * s1 + s2 * s2 - coefficient * s1 * s2) / double(n * n);
}

double rms(const std::vector<float>& stereo, int channel, std::size_t skip) {
  double sum = 0;
  std::size_t n = 0;
  for (std::size_t i = skip * 2 + static_cast<std::size_t>(channel); i < stereo.size(); i += 2, ++n)
    sum += stereo[i] * stereo[i];
  return std::sqrt(sum / double(n));
}

std::vector<float> decode_all(OpusDecoder& decoder, const std::vector<std::vector<std::uint8_t>>& packets) {
  std::vector<float> pcm;
  std::uint32_t timestamp = 0xFFFFFC00U;  // crosses the 32-bit wrap after two packets
  for (const auto& packet : packets) {
    auto block = decoder.decode(packet, timestamp);
    EXPECT_TRUE(block.has_value());
    if (!block) continue;
    EXPECT_EQ(block->rtp_timestamp, timestamp);
    EXPECT_EQ(block->frames(), std::size_t{kFrameSize});
    pcm.insert(pcm.end(), block->samples.begin(), block->samples.end());
    timestamp += kFrameSize;
  }
  return pcm;
}

// The encoder's look-ahead and the decoder's start-up, skipped before measuring.
constexpr std::size_t kSettleFrames = 2 * kFrameSize;

TEST(OpusDecoderTest, StereoToneKeepsEachChannelsFrequencyAndLevel) {
  const auto packets = encode_tone(1000, 2500, 25);
  ASSERT_EQ(packets.size(), 25U);
  OpusDecoder decoder;
  const auto pcm = decode_all(decoder, packets);
  ASSERT_EQ(pcm.size(), 25U * kFrameSize * 2);
  EXPECT_GT(tone_power(pcm, 0, kSettleFrames, 1000), 100 * tone_power(pcm, 0, kSettleFrames, 2500));
  EXPECT_GT(tone_power(pcm, 1, kSettleFrames, 2500), 100 * tone_power(pcm, 1, kSettleFrames, 1000));
  const double expected_rms = kAmplitude / std::sqrt(2.0);
  EXPECT_NEAR(rms(pcm, 0, kSettleFrames), expected_rms, expected_rms * 0.15);
  EXPECT_NEAR(rms(pcm, 1, kSettleFrames), expected_rms, expected_rms * 0.15);
  EXPECT_EQ(decoder.stats().packets_decoded, 25U);
}

TEST(OpusDecoderTest, MonoStreamComesOutOnBothChannels) {
  const auto packets = encode_tone(440, 0, 10);
  OpusDecoder decoder;
  const auto pcm = decode_all(decoder, packets);
  ASSERT_EQ(pcm.size(), 10U * kFrameSize * 2);
  for (std::size_t i = 0; i < pcm.size(); i += 2) ASSERT_EQ(pcm[i], pcm[i + 1]) << "frame " << i / 2;
  EXPECT_GT(rms(pcm, 0, kSettleFrames), 0.25);
}

TEST(OpusDecoderTest, MalformedPacketsAreCountedAndDecodingCarriesOn) {
  const auto packets = encode_tone(1000, 2500, 3);
  OpusDecoder decoder;
  ASSERT_TRUE(decoder.decode(packets[0], 0).has_value());
  EXPECT_FALSE(decoder.decode({}, 960).has_value());
  // RFC 6716 §3.2.5: code 3 with a frame count of zero is invalid.
  const std::vector<std::uint8_t> zero_frames{0x03, 0x00};
  EXPECT_FALSE(decoder.decode(zero_frames, 960).has_value());
  EXPECT_TRUE(decoder.decode(packets[1], 960).has_value());
  EXPECT_EQ(decoder.stats().decode_errors, 2U);
  EXPECT_EQ(decoder.stats().packets_decoded, 2U);
}

}  // namespace
}  // namespace presentd::media
