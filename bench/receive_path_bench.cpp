// SPDX-License-Identifier: Apache-2.0
// Per-packet cost of the whole receive path before decoding: SRTP unprotect (AEAD_AES_128_GCM)
// → RTP parse → transport-wide CC record → routing → NACK bookkeeping → VP8 inspect → frame
// assembly, i.e. ReceivePipeline::on_packet, for a synthetic VP8 stream of 1200-byte packets.
//
// Time per iteration is ns/packet. Packet rates to put it in context: 1080p30 screen content at
// 4 Mbit/s ≈ 420 packets/s, 4K at 20 Mbit/s ≈ 2,100 packets/s, so even the 4K stream costs
// (ns/packet × 2,100) per second of one core.
//
// Run: build-bench/bench/receive_path_bench --benchmark_min_time=1
#include <benchmark/benchmark.h>

#include <cstdint>
#include <vector>

#include "presentd/media/receive/receive_pipeline.hpp"
#include "presentd/rtp/rtp_header_extension.hpp"
#include "presentd/rtp/rtp_packet.hpp"
#include "presentd/rtp/srtp/srtp_keys.hpp"

namespace presentd::media {
namespace {

constexpr std::size_t kBatch = 16384;
constexpr std::size_t kPayloadBytes = 1150;
constexpr std::uint8_t kTransportCcId = 3;

std::vector<std::uint8_t> vp8_payload(bool first_of_frame, bool keyframe, std::uint16_t picture_id) {
  std::vector<std::uint8_t> payload(kPayloadBytes, 0x5a);
  // RFC 7741 descriptor: X=1, S=first, PID=0; I=1 with a 15-bit picture ID.
  payload[0] = static_cast<std::uint8_t>(0x80 | (first_of_frame ? 0x10 : 0));
  payload[1] = 0x80;
  payload[2] = static_cast<std::uint8_t>(0x80 | ((picture_id >> 8) & 0x7f));
  payload[3] = static_cast<std::uint8_t>(picture_id);
  if (first_of_frame) {
    // RFC 6386 §9.1 frame tag (P=0 for a keyframe, show_frame=1) and, for keyframes, the start
    // code and a 1920x1080 size.
    payload[4] = keyframe ? 0x10 : 0x11;
    payload[5] = 0x00;
    payload[6] = 0x00;
    if (keyframe) {
      const std::uint8_t header[] = {0x9d, 0x01, 0x2a, 0x80, 0x07, 0x38, 0x04};
      std::copy(std::begin(header), std::end(header), payload.begin() + 7);
    }
  }
  return payload;
}

struct Stream {
  std::vector<std::vector<std::uint8_t>> packets;  // protected, in order
  rtp::SrtpKeyPair receiver_keys;
};

Stream make_stream(std::size_t packets_per_frame) {
  const auto profile = rtp::SrtpProfile::aead_aes_128_gcm;
  std::vector<std::uint8_t> exported(rtp::keying_material_length(profile), 0x42);
  auto sender_keys = *rtp::split_dtls_srtp_keying_material(profile, exported, rtp::DtlsRole::client);
  Stream stream{{}, *rtp::split_dtls_srtp_keying_material(profile, exported, rtp::DtlsRole::server)};
  rtp::SrtpContext sender(profile, sender_keys);
  std::uint16_t sequence = 65000;
  std::uint32_t timestamp = 1;
  for (std::size_t i = 0; i < kBatch; ++i) {
    const std::size_t in_frame = i % packets_per_frame;
    const std::size_t frame = i / packets_per_frame;
    if (in_frame == 0) timestamp += 3000;
    const auto twcc = rtp::write_transport_sequence_number(static_cast<std::uint16_t>(i));
    auto packet = rtp::RtpPacketBuilder()
                      .payload_type(96)
                      .ssrc(0x1234)
                      .sequence_number(sequence++)
                      .timestamp(timestamp)
                      .marker(in_frame + 1 == packets_per_frame)
                      .add_extension(kTransportCcId, twcc)
                      .payload(vp8_payload(in_frame == 0, frame % 300 == 0, static_cast<std::uint16_t>(frame)))
                      .build();
    packet.reserve(packet.size() + rtp::kSrtpProtectScratch);
    if (sender.outbound.protect_rtp(packet) != rtp::SrtpResult::ok) std::abort();
    stream.packets.push_back(std::move(packet));
  }
  return stream;
}

std::unique_ptr<ReceivePipeline> make_pipeline(const Clock& clock, const Stream& stream, std::size_t& frames) {
  ReceivePipelineConfig config;
  VideoStreamConfig video;
  video.payload_types[96] = rtp::PayloadFormat::vp8;
  config.video.push_back(video);
  config.transport_cc_extension_id = kTransportCcId;
  return std::make_unique<ReceivePipeline>(
      clock, config, std::make_unique<rtp::SrtpContext>(rtp::SrtpProfile::aead_aes_128_gcm, stream.receiver_keys),
      [&frames](std::size_t, Frame&&, rtp::PayloadFormat) { ++frames; }, nullptr, [](std::vector<std::uint8_t>&&) {});
}

void BM_ReceivePath(benchmark::State& state) {
  const auto stream = make_stream(static_cast<std::size_t>(state.range(0)));
  SteadyClock clock;
  std::size_t frames = 0;
  auto pipeline = make_pipeline(clock, stream, frames);
  std::size_t next = 0;
  for (auto _ : state) {
    if (next == stream.packets.size()) {
      state.PauseTiming();
      pipeline = make_pipeline(clock, stream, frames);  // replay protection needs fresh state
      next = 0;
      state.ResumeTiming();
    }
    pipeline->on_packet(stream.packets[next++]);
  }
  // Google Benchmark first runs a handful of iterations to size the run; only a real run must
  // have produced frames.
  if (frames == 0 && state.iterations() > 4 * state.range(0)) {
    state.SkipWithError("no frame was assembled");
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations()));
  state.counters["frames"] = static_cast<double>(frames);
}
// Packets per frame: 1080p30 at 4 Mbit/s ≈ 14, 4K30 at 20 Mbit/s ≈ 70.
BENCHMARK(BM_ReceivePath)->Arg(14)->Arg(70);

}  // namespace
}  // namespace presentd::media
