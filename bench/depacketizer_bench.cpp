// SPDX-License-Identifier: Apache-2.0
// Per-packet cost of the receive path's depacketizing step: inspect() on every packet plus
// assemble() once per frame, divided over the frame's packets. Frames are built the way WebRTC
// senders packetize them (1200-byte payloads); the argument is the frame size in packets
// (1 ~ a small screen-content delta frame, 50 ~ a 60 KB keyframe).
// Run: build-bench/bench/depacketizer_bench
#include <benchmark/benchmark.h>

#include <cstdint>
#include <span>
#include <vector>

#include "presentd/rtp/depacketizer/depacketizer.hpp"

namespace {

using presentd::rtp::PayloadFormat;
using Bytes = std::vector<std::uint8_t>;

constexpr std::size_t kPayloadSize = 1200;

Bytes filler(std::size_t size, std::uint8_t seed) {
  Bytes out(size);
  for (std::size_t i = 0; i < size; ++i) out[i] = static_cast<std::uint8_t>(seed + i * 31);
  return out;
}

// VP8 (RFC 7741): X=1, I=1 with a 15-bit picture ID; S=1 on the first packet, which starts with
// a 320x240 keyframe header.
std::vector<Bytes> vp8_frame(std::size_t packets) {
  std::vector<Bytes> out;
  for (std::size_t i = 0; i < packets; ++i) {
    Bytes p = {static_cast<std::uint8_t>(i == 0 ? 0x90 : 0x80), 0x80, 0x81, 0x23};
    if (i == 0) p.insert(p.end(), {0x10, 0x02, 0x00, 0x9d, 0x01, 0x2a, 0x40, 0x01, 0xf0, 0x00});
    const Bytes body = filler(kPayloadSize - p.size(), static_cast<std::uint8_t>(i));
    p.insert(p.end(), body.begin(), body.end());
    out.push_back(std::move(p));
  }
  return out;
}

// H.264 (RFC 6184): one IDR slice; a single NAL unit packet when it fits, else FU-A fragments.
std::vector<Bytes> h264_frame(std::size_t packets) {
  std::vector<Bytes> out;
  if (packets == 1) {
    Bytes p = {0x65, 0x88};
    const Bytes body = filler(kPayloadSize - p.size(), 1);
    p.insert(p.end(), body.begin(), body.end());
    out.push_back(std::move(p));
    return out;
  }
  for (std::size_t i = 0; i < packets; ++i) {
    const std::uint8_t se = i == 0 ? 0x80 : i + 1 == packets ? 0x40 : 0x00;
    Bytes p = {0x7c, static_cast<std::uint8_t>(se | 5)};
    if (i == 0) p.push_back(0x88);
    const Bytes body = filler(kPayloadSize - p.size(), static_cast<std::uint8_t>(i));
    p.insert(p.end(), body.begin(), body.end());
    out.push_back(std::move(p));
  }
  return out;
}

void run(benchmark::State& state, PayloadFormat format, const std::vector<Bytes>& packets) {
  auto depacketizer = presentd::rtp::make_depacketizer(format);
  std::vector<std::span<const std::uint8_t>> payloads(packets.begin(), packets.end());
  for (auto _ : state) {
    for (const auto payload : payloads) benchmark::DoNotOptimize(depacketizer->inspect(payload));
    auto frame = depacketizer->assemble(payloads);
    if (!frame) state.SkipWithError("assemble failed");
    benchmark::DoNotOptimize(frame);
  }
  // items/s is packets per second; the reported time per iteration covers one whole frame.
  state.SetItemsProcessed(state.iterations() * static_cast<std::int64_t>(packets.size()));
  state.SetBytesProcessed(state.iterations() * static_cast<std::int64_t>(packets.size() * kPayloadSize));
}

void BM_Vp8InspectAssemble(benchmark::State& state) {
  run(state, PayloadFormat::vp8, vp8_frame(static_cast<std::size_t>(state.range(0))));
}
void BM_H264InspectAssemble(benchmark::State& state) {
  run(state, PayloadFormat::h264, h264_frame(static_cast<std::size_t>(state.range(0))));
}

BENCHMARK(BM_Vp8InspectAssemble)->Arg(1)->Arg(5)->Arg(50);
BENCHMARK(BM_H264InspectAssemble)->Arg(1)->Arg(5)->Arg(50);

}  // namespace
