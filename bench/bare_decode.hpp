// SPDX-License-Identifier: Apache-2.0
#pragma once
// What the decoding benchmarks compare presentd against: the bare libavcodec calls on an
// elementary stream held in memory, output dropped as soon as it is read, and the process CPU
// clock both sides are timed with (it counts every thread, so a worker thread's CPU counts too).
//
// Thread: the benchmark's thread.
#include <benchmark/benchmark.h>

#include <time.h>

#include <cstdint>
#include <span>
#include <vector>

#include "presentd/media/decode/av_handles.hpp"

namespace presentd::bench {

inline double process_cpu_seconds() {
  timespec ts{};
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
  return double(ts.tv_sec) + double(ts.tv_nsec) * 1e-9;
}

// CPU time of the calling thread alone.
inline double thread_cpu_seconds() {
  timespec ts{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return double(ts.tv_sec) + double(ts.tv_nsec) * 1e-9;
}

// Access units with libavcodec's input padding, made once so the baseline pays nothing the
// library does not need (presentd's path copies into its own padded buffer per frame, and is
// timed doing so).
struct PaddedStream {
  std::vector<std::vector<std::uint8_t>> frames;  // each followed by AV_INPUT_BUFFER_PADDING_SIZE zeros
  std::vector<std::size_t> sizes;                 // without the padding
  std::size_t bytes = 0;

  void add(std::span<const std::uint8_t> frame) {
    frames.emplace_back(frame.begin(), frame.end()).resize(frame.size() + AV_INPUT_BUFFER_PADDING_SIZE, 0);
    sizes.push_back(frame.size());
    bytes += frame.size();
  }
};

// Decodes `stream` on this thread alone, as presentd's worker does (no frame threading, low
// delay); returns the number of pictures that came out.
inline std::uint64_t bare_libavcodec(const PaddedStream& stream, AVCodecID id) {
  media::AvCodecContextPtr context = media::open_codec_context(avcodec_find_decoder(id), [](AVCodecContext& ctx) {
    ctx.flags |= AV_CODEC_FLAG_LOW_DELAY;
    ctx.thread_count = 1;
  });
  media::AvFramePtr frame(av_frame_alloc());
  media::AvPacketPtr packet(av_packet_alloc());
  std::uint64_t pictures = 0;
  for (std::size_t i = 0; i < stream.frames.size(); ++i) {
    packet->data = const_cast<std::uint8_t*>(stream.frames[i].data());
    packet->size = static_cast<int>(stream.sizes[i]);
    avcodec_send_packet(context.get(), packet.get());
    while (avcodec_receive_frame(context.get(), frame.get()) == 0) {
      benchmark::DoNotOptimize(frame->data[0]);
      av_frame_unref(frame.get());
      ++pictures;
    }
  }
  return pictures;
}

}  // namespace presentd::bench
