// SPDX-License-Identifier: Apache-2.0
#pragma once
// A sine tone encoded with libopus (through libavcodec) into 20 ms Opus packets, as WebRTC
// sends them: input for the Opus decoder's tests and the session's media sink.
#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <numbers>
#include <vector>

extern "C" {
#include <libavutil/channel_layout.h>
}

#include "presentd/media/decode/av_handles.hpp"

namespace presentd::media::testing {

inline constexpr int kRate = 48000;
inline constexpr int kFrameSize = 960;  // 20 ms, what WebRTC sends
inline constexpr double kAmplitude = 0.5;

// 20 ms Opus packets of a sine per channel (`right_hz` = 0: mono stream of the left tone).
inline std::vector<std::vector<std::uint8_t>> encode_tone(double left_hz, double right_hz, int packets) {
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

}  // namespace presentd::media::testing
