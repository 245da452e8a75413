// SPDX-License-Identifier: Apache-2.0
// Cost of FrameAssembler::insert per packet for a 1080p-like screen stream: 8 packets of 1100
// bytes per frame, a keyframe every 60 frames, in order and with 5 % of neighbours swapped.
// The figure includes assembling each frame (the test payload format copies the payloads into one
// bitstream, as a real depacketizer does) but not building the packets, which happens between
// timed batches.
// Run: build-bench/bench/jitter_buffer_bench --benchmark_counters_tabular=true
#include <benchmark/benchmark.h>

#include <cstdint>
#include <random>
#include <utility>
#include <vector>

#include "presentd/media/jitter/frame_assembler.hpp"
#include "support/media/concat_depacketizer.hpp"
#include "support/media/synthetic_stream.hpp"

namespace {

using presentd::media::FrameAssembler;
using presentd::media::MediaPacket;

constexpr int kPacketsPerFrame = 8;
constexpr int kFrames = 300;
constexpr int kKeyframeInterval = 60;
constexpr std::size_t kPayloadBytes = 1100;

// Packet indices in arrival order: in order, or with each neighbour pair swapped at `percent`.
std::vector<int> arrival_order(int reorder_percent) {
  std::vector<int> order(kFrames * kPacketsPerFrame);
  for (int i = 0; i < static_cast<int>(order.size()); ++i) order[i] = i;
  std::mt19937 rng(42);
  for (std::size_t i = 1; i < order.size(); ++i) {
    if (static_cast<int>(rng() % 100) < reorder_percent) std::swap(order[i - 1], order[i]);
  }
  return order;
}

void insert_stream(benchmark::State& state, int reorder_percent) {
  const std::vector<int> order = arrival_order(reorder_percent);
  presentd::media::testing::ConcatDepacketizer depacketizer;
  FrameAssembler assembler(depacketizer);
  // Batches run on through the 16-bit sequence and 32-bit timestamp wraps.
  presentd::media::testing::SyntheticStream stream{.packets_per_frame = kPacketsPerFrame,
                                                   .keyframe_interval = kKeyframeInterval,
                                                   .first_seq = 65000,
                                                   .first_ts = 0xFFFF0000u,
                                                   .payload_bytes = kPayloadBytes};
  std::vector<MediaPacket> batch;
  std::int64_t inserted = 0;
  std::int64_t frames = 0;
  for (auto _ : state) {
    state.PauseTiming();
    batch.clear();
    for (int index : order) batch.push_back(presentd::media::testing::synthetic_packet(stream, index));
    stream.first_seq = static_cast<std::uint16_t>(stream.first_seq + order.size());
    stream.first_ts += kFrames * 3000u;
    state.ResumeTiming();
    for (MediaPacket& packet : batch) {
      auto result = assembler.insert(std::move(packet));
      frames += static_cast<std::int64_t>(result.frames.size());
      benchmark::DoNotOptimize(result);
    }
    inserted += static_cast<std::int64_t>(batch.size());
  }
  state.counters["time_per_insert"] =
      benchmark::Counter(static_cast<double>(inserted), benchmark::Counter::kIsRate | benchmark::Counter::kInvert);
  state.counters["frames_per_packet"] = static_cast<double>(frames) / static_cast<double>(inserted);
  state.SetItemsProcessed(inserted);
}

void BM_InsertInOrder1080p(benchmark::State& state) { insert_stream(state, 0); }
void BM_InsertReordered5Percent1080p(benchmark::State& state) { insert_stream(state, 5); }

BENCHMARK(BM_InsertInOrder1080p)->Unit(benchmark::kMicrosecond);
BENCHMARK(BM_InsertReordered5Percent1080p)->Unit(benchmark::kMicrosecond);

}  // namespace
