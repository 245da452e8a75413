// SPDX-License-Identifier: Apache-2.0
// Render cost per frame and decoded->presented latency, on SDL's offscreen driver (or the one in
// RENDER_BENCH_VIDEO_DRIVER) with the software renderer and with SDL's own choice (this machine
// has no GPU; a box with one uploads and scales on the GPU).
//
// Each iteration hands one freshly "decoded" I420 picture to the Renderer facade, exactly as a
// decode worker would, and waits until the render thread has uploaded, drawn and presented it.
// Counters: p50/p99 of decoded->presented in microseconds.
#include <benchmark/benchmark.h>

#include <algorithm>
#include <condition_variable>
#include <cstdlib>
#include <ctime>
#include <mutex>
#include <vector>

#include "presentd/render/renderer.hpp"

namespace presentd::render {
namespace {

struct Presented {
  std::mutex mutex;
  std::condition_variable changed;
  std::uint64_t count = 0;
  std::vector<double> latencies_us;
};

// A screen-content-like picture: flat areas with sharp horizontal and vertical edges.
std::shared_ptr<std::vector<std::uint8_t>> test_pattern(int width, int height) {
  auto storage = std::make_shared<std::vector<std::uint8_t>>(static_cast<std::size_t>(width * height * 3 / 2));
  for (int y = 0; y < height; ++y) {
    for (int x = 0; x < width; ++x)
      (*storage)[static_cast<std::size_t>(y * width + x)] = ((x / 64 + y / 32) % 2) ? 235 : 16;
  }
  std::fill(storage->begin() + width * height, storage->end(), 128);
  return storage;
}

void BM_PresentFrame(benchmark::State& state) {
  const int width = static_cast<int>(state.range(0));
  const int height = static_cast<int>(state.range(1));
  auto presented = std::make_shared<Presented>();
  RendererOptions options;
  // RENDER_BENCH_VIDEO_DRIVER=x11 (with DISPLAY, e.g. Xvfb) measures presenting to an X server.
  const char* driver = std::getenv("RENDER_BENCH_VIDEO_DRIVER");
  options.video_driver = driver != nullptr ? driver : "offscreen";
  // 0: SDL's software renderer (bit-exact, CPU only); 1: SDL's own choice (a GPU when present,
  // display.renderer "gpu"); 2: presentd's default (display.renderer "auto": SDL's choice unless
  // OpenGL is a software rasteriser).
  options.render_driver = state.range(2) == 0 ? "software" : "";
  options.renderer = state.range(2) == 1 ? RendererChoice::gpu : RendererChoice::automatic;
  options.fullscreen = false;
  options.vsync = false;
  options.audio = false;
  options.window_width = width;
  options.window_height = height;
  options.on_presented = [presented](PresenterId, Clock::Duration latency) {
    std::lock_guard lock(presented->mutex);
    ++presented->count;
    presented->latencies_us.push_back(static_cast<double>(latency.count()));
    presented->changed.notify_all();
  };
  Renderer renderer(options);
  if (!renderer.start()) {
    state.SkipWithError("no offscreen display");
    return;
  }
  renderer.presenter_joined(1, "Bench");
  const auto storage = test_pattern(width, height);
  std::uint8_t* y = storage->data();
  std::uint8_t* u = y + width * height;
  std::uint8_t* v = u + width * height / 4;
  const std::array<media::PicturePlane, 3> planes{media::PicturePlane{y, width}, media::PicturePlane{u, width / 2},
                                                  media::PicturePlane{v, width / 2}};
  const SteadyClock clock;
  std::uint64_t expected = 0;
  // CPU time of the whole process (the render thread does the work): unlike wall time, it does
  // not grow with the load other processes put on the machine.
  const auto process_cpu = [] {
    timespec t{};
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t);
    return static_cast<double>(t.tv_sec) * 1e3 + static_cast<double>(t.tv_nsec) / 1e6;
  };
  const double cpu_start = process_cpu();
  for (auto _ : state) {
    auto picture = std::make_shared<media::Picture>(media::PixelFormat::i420, width, height, planes, storage);
    picture->stamp(0, media::PictureTiming{clock.now(), clock.now(), clock.now()});
    renderer.present(1, std::move(picture));
    ++expected;
    std::unique_lock lock(presented->mutex);
    presented->changed.wait(lock, [&] { return presented->count >= expected; });
  }
  const double cpu_ms = process_cpu() - cpu_start;
  renderer.stop();
  state.counters["cpu_ms_per_frame"] = cpu_ms / static_cast<double>(std::max<std::int64_t>(1, state.iterations()));
  auto& l = presented->latencies_us;
  std::sort(l.begin(), l.end());
  if (!l.empty()) {
    state.counters["p50_us"] = l[l.size() / 2];
    state.counters["p99_us"] = l[std::min(l.size() - 1, l.size() * 99 / 100)];
  }
  state.counters["fps"] = benchmark::Counter(static_cast<double>(state.iterations()), benchmark::Counter::kIsRate);
}
BENCHMARK(BM_PresentFrame)
    ->ArgNames({"w", "h", "sdl_choice"})
    ->Args({1920, 1080, 0})
    ->Args({3840, 2160, 0})
    ->Args({1920, 1080, 1})
    ->Args({3840, 2160, 1})
    ->Args({1920, 1080, 2})
    ->Unit(benchmark::kMillisecond)
    ->UseRealTime();

}  // namespace
}  // namespace presentd::render
