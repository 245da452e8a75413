// SPDX-License-Identifier: Apache-2.0
// CPU cost of decoding through presentd (DecodeWorker: queue, thread hand-over, decoder wrapper,
// Picture) as a ratio to decoding the same elementary stream with the bare library, measured in
// the same run and interleaved iteration by iteration so load from other processes hits both.
//
// The clip is made at start and kept in memory (nothing is written): 5 s of 1080p30 synthetic
// screen content (a slide with scrolling text, a moving box and an embedded video), encoded with libvpx VP8 and with
// libx264 constrained baseline (as Chrome sends), ~4 Mbit/s, one keyframe.
//
// Both sides are timed with CLOCK_PROCESS_CPUTIME_ID, so the worker thread's CPU counts too. The
// presentd side hands each picture to a one-slot "latest wins" mailbox, as the renderer will.
//
// Run: build-bench/bench/decode_bench --benchmark_counters_tabular=true
#include <benchmark/benchmark.h>

#include <cstdio>
#include <mutex>
#include <vector>

#include <vpx/vp8dx.h>
#include <vpx/vpx_decoder.h>

#include "bare_decode.hpp"
#include "presentd/media/decode/decode_worker.hpp"
#include "support/media/test_encoders.hpp"

namespace {

using namespace presentd;
using namespace presentd::media;

constexpr int kWidth = 1920;
constexpr int kHeight = 1080;
constexpr int kFrames = 150;
constexpr int kBitsPerSecond = 4'000'000;

struct Clip {
  std::vector<testing::EncodedFrame> frames;
  bench::PaddedStream padded;  // the same frames for the bare libavcodec baseline
};

Clip make_clip(bool h264) {
  Clip clip;
  std::unique_ptr<testing::VpxTestEncoder> vp8;
  std::unique_ptr<testing::AvTestEncoder> x264;
  if (h264) {
    x264 = std::make_unique<testing::AvTestEncoder>(kWidth, kHeight, kBitsPerSecond);
  } else {
    vp8 = std::make_unique<testing::VpxTestEncoder>(false, kWidth, kHeight, kBitsPerSecond / 1000);
  }
  for (int i = 0; i < kFrames; ++i) {
    const auto image = testing::make_screen_frame(kWidth, kHeight, i, true);
    clip.frames.push_back(h264 ? x264->encode(image, i == 0) : vp8->encode(image, i == 0));
    clip.padded.add(clip.frames.back().bitstream);
  }
  return clip;
}

const Clip& clip(bool h264) {
  static const Clip vp8 = make_clip(false);
  static const Clip avc = make_clip(true);
  return h264 ? avc : vp8;
}

// The libvpx baseline: the library alone, output dropped as soon as it is read.
void bare_libvpx(const Clip& c) {
  vpx_codec_ctx_t context{};
  vpx_codec_dec_cfg_t config{};
  config.threads = 1;
  vpx_codec_dec_init(&context, vpx_codec_vp8_dx(), &config, 0);
  for (const auto& frame : c.frames) {
    vpx_codec_decode(&context, frame.bitstream.data(), static_cast<unsigned>(frame.bitstream.size()), nullptr, 0);
    vpx_codec_iter_t iter = nullptr;
    while (const vpx_image_t* image = vpx_codec_get_frame(&context, &iter)) benchmark::DoNotOptimize(image->planes[0]);
  }
  vpx_codec_destroy(&context);
}

// presentd's path: frames queued from this thread (the event loop's role), decoded on the worker,
// pictures dropped into a mailbox that keeps only the latest.
std::uint64_t through_worker(const Clip& c, rtp::PayloadFormat format, VideoDecoderBackend backend) {
  SteadyClock clock;
  std::mutex mailbox_mutex;
  PicturePtr mailbox;
  std::uint64_t delivered = 0;
  DecodeWorkerCallbacks callbacks{[&](PicturePtr picture) {
                                    std::lock_guard lock(mailbox_mutex);
                                    mailbox = std::move(picture);
                                    ++delivered;
                                  },
                                  [](std::function<void()> task) { task(); }, [] {}};
  // A queue as deep as the clip: the benchmark measures the hand-over, not the drop policy.
  DecodeWorker worker(make_video_decoder(format, {backend, 1}), clock, std::move(callbacks),
                      DecodeWorkerConfig{c.frames.size()});
  for (const auto& encoded : c.frames) {
    Frame frame;
    frame.bitstream = encoded.bitstream;  // the jitter buffer hands over a fresh vector per frame
    frame.keyframe = encoded.keyframe;
    frame.last_packet_arrival = clock.now();
    worker.submit(std::move(frame));
  }
  worker.stop(StopMode::drain);
  return delivered;
}

template <bool H264, VideoDecoderBackend Backend>
void BM_DecodeRatio(benchmark::State& state) {
  const Clip& c = clip(H264);
  const auto format = H264 ? rtp::PayloadFormat::h264 : rtp::PayloadFormat::vp8;
  const bool bare_vpx = !H264 && Backend == VideoDecoderBackend::preferred;
  double bare_seconds = 0;
  double path_seconds = 0;
  std::uint64_t delivered = 0;
  bool bare_first = true;
  for (auto _ : state) {
    // Alternate which side runs first, so neither always inherits the other's warm caches.
    for (int side = 0; side < 2; ++side) {
      const double t0 = bench::process_cpu_seconds();
      if ((side == 0) == bare_first) {
        if (bare_vpx) {
          bare_libvpx(c);
        } else {
          bench::bare_libavcodec(c.padded, H264 ? AV_CODEC_ID_H264 : AV_CODEC_ID_VP8);
        }
        bare_seconds += bench::process_cpu_seconds() - t0;
      } else {
        delivered += through_worker(c, format, Backend);
        path_seconds += bench::process_cpu_seconds() - t0;
      }
    }
    bare_first = !bare_first;
  }
  const double frames = double(state.iterations()) * kFrames;
  if (delivered != static_cast<std::uint64_t>(frames)) state.SkipWithError("the worker lost frames");
  state.counters["bare_ms_per_frame"] = bare_seconds * 1000 / frames;
  state.counters["path_ms_per_frame"] = path_seconds * 1000 / frames;
  state.counters["ratio"] = path_seconds / bare_seconds;
  state.counters["clip_kbps"] = double(c.padded.bytes) * 8 / (kFrames / 30.0) / 1000;
}

BENCHMARK(BM_DecodeRatio<false, VideoDecoderBackend::preferred>)
    ->Name("vp8_libvpx_1080p")
    ->Iterations(6)
    ->Unit(benchmark::kMillisecond)
    ->MeasureProcessCPUTime();
BENCHMARK(BM_DecodeRatio<false, VideoDecoderBackend::libavcodec>)
    ->Name("vp8_libavcodec_1080p")
    ->Iterations(6)
    ->Unit(benchmark::kMillisecond)
    ->MeasureProcessCPUTime();
BENCHMARK(BM_DecodeRatio<true, VideoDecoderBackend::preferred>)
    ->Name("h264_cbp_libavcodec_1080p")
    ->Iterations(6)
    ->Unit(benchmark::kMillisecond)
    ->MeasureProcessCPUTime();

}  // namespace
