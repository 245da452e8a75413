// SPDX-License-Identifier: Apache-2.0
#include "presentd/render/audio_mixer.hpp"

#include <gtest/gtest.h>

#include <vector>

namespace presentd::render {
namespace {

std::vector<float> constant(std::size_t frames, float left, float right) {
  std::vector<float> samples;
  for (std::size_t i = 0; i < frames; ++i) {
    samples.push_back(left);
    samples.push_back(right);
  }
  return samples;
}

std::vector<std::int16_t> mix(AudioMixer& mixer, std::size_t frames) {
  std::vector<std::int16_t> out(frames * 2, 12345);
  mixer.mix(out);
  return out;
}

TEST(AudioMixer, SumsPresentersAndPadsAnUnderrunWithSilence) {
  AudioMixer mixer;
  mixer.push(1, constant(4, 0.25F, -0.25F));
  mixer.push(2, constant(2, 0.5F, 0.5F));
  const auto out = mix(mixer, 6);
  const std::vector<std::int16_t> expected{24575, 8192, 24575, 8192, 8192, -8192, 8192, -8192, 0, 0, 0, 0};
  EXPECT_EQ(out, expected);
}

TEST(AudioMixer, ClipsInsteadOfWrapping) {
  AudioMixer mixer;
  mixer.push(1, constant(1, 0.8F, -0.8F));
  mixer.push(2, constant(1, 0.8F, -0.8F));
  EXPECT_EQ(mix(mixer, 1), (std::vector<std::int16_t>{32767, -32767}));
}

struct SettingsCase {
  const char* what;
  AudioSettings settings;
  std::vector<std::int16_t> expected;
};

TEST(AudioMixer, VolumeMuteAndFocusedMode) {
  const std::vector<SettingsCase> cases{
      {"half volume", {50, false, MixMode::all}, {8192, 8192}},
      {"muted", {100, true, MixMode::all}, {0, 0}},
      {"focused presenter only", {100, false, MixMode::focused}, {8192, 8192}},
      {"all", {100, false, MixMode::all}, {16384, 16384}},
  };
  for (const auto& c : cases) {
    AudioMixer mixer;
    mixer.set_settings(c.settings);
    mixer.set_focus(7);
    mixer.push(7, constant(1, 0.25F, 0.25F));
    mixer.push(8, constant(1, 0.25F, 0.25F));
    EXPECT_EQ(mix(mixer, 1), c.expected) << c.what;
    EXPECT_EQ(mixer.buffered_frames(8), 0U) << c.what << ": unheard audio is consumed, not kept for later";
  }
}

TEST(AudioMixer, BoundsTheBufferByDroppingTheOldestFrames) {
  AudioMixer mixer;
  mixer.push(1, constant(AudioMixer::kMaxBufferedFrames, 0.0F, 0.0F));
  mixer.push(1, constant(100, 0.5F, 0.5F));
  EXPECT_EQ(mixer.buffered_frames(1), AudioMixer::kMaxBufferedFrames);
  EXPECT_EQ(mixer.dropped_frames(), 100U);
  // The newest audio is what remains at the end of the buffer.
  std::vector<std::int16_t> out(AudioMixer::kMaxBufferedFrames * 2);
  mixer.mix(out);
  EXPECT_EQ(out.back(), 16384);
  EXPECT_EQ(out.front(), 0);
}

TEST(AudioMixer, ARemovedPresenterIsSilentAndAHalfFrameIsIgnored) {
  AudioMixer mixer;
  mixer.push(1, constant(4, 0.5F, 0.5F));
  mixer.remove(1);
  const std::vector<float> odd{0.5F, 0.5F, 0.5F};
  mixer.push(2, odd);
  EXPECT_EQ(mixer.buffered_frames(2), 1U);
  EXPECT_EQ(mix(mixer, 2), (std::vector<std::int16_t>{16384, 16384, 0, 0}));
}

// Steady playback: each device callback takes 512 frames and the network delivers 512 frames
// before it, on top of whatever was queued at the start.
void play_steadily(AudioMixer& mixer, std::size_t seconds_x10) {
  const std::size_t callbacks = seconds_x10 * AudioMixer::kSampleRate / 10 / 512;
  for (std::size_t i = 0; i < callbacks; ++i) {
    mixer.push(1, constant(512, 0.1F, 0.1F));
    mix(mixer, 512);
  }
}

TEST(AudioMixer, AStandingQueueIsCutBackSoSoundIsNotHeardLate) {
  AudioMixer mixer;
  mixer.push(1, constant(AudioMixer::kSampleRate * 150 / 1000, 0.1F, 0.1F));  // a 150 ms burst
  play_steadily(mixer, 10);
  // The burst never drained by itself (as much comes in as goes out); now at most the 20 ms
  // margin plus what arrived since the last callback is queued.
  EXPECT_LE(mixer.buffered_frames(1), AudioMixer::kStandingQueueFrames + 512);
  EXPECT_GT(mixer.dropped_frames(), 0U);
}

TEST(AudioMixer, AQueueThatJitterEmptiesIsLeftAlone) {
  AudioMixer mixer;
  play_steadily(mixer, 20);  // the queue falls to zero every callback: all of it is needed
  EXPECT_EQ(mixer.dropped_frames(), 0U);
}

TEST(AudioMixer, OutputDelayIsTheQueueAndTheDeviceBufferOnlyWhileADevicePlays) {
  AudioMixer mixer;
  mixer.push(1, constant(480, 0.1F, 0.1F));  // 10 ms
  EXPECT_FALSE(mixer.output_delay(1).has_value());
  mixer.set_output(512);
  EXPECT_EQ(mixer.output_delay(1), std::chrono::microseconds((480 + 512) * 1'000'000LL / 48000));
  EXPECT_EQ(mixer.output_delay(2), std::chrono::microseconds(512 * 1'000'000LL / 48000));
  mixer.set_output(std::nullopt);
  EXPECT_FALSE(mixer.output_delay(1).has_value());
}

}  // namespace
}  // namespace presentd::render
