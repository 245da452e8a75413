// SPDX-License-Identifier: Apache-2.0
// Opus through libavcodec: a stereo test tone (1 kHz left, 2.5 kHz right) encoded with libopus in
// the test, decoded by OpusDecoder, checked for frequency per channel and for level.
#include "presentd/media/decode/opus_decoder.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <numbers>
#include <vector>

#include "support/media/opus_tone.hpp"

namespace presentd::media {
namespace {

using testing::encode_tone;
using testing::kAmplitude;
using testing::kFrameSize;
using testing::kRate;

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
