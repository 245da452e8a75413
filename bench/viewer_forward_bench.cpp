// SPDX-License-Identifier: Apache-2.0
// What forwarding one presenter packet to one viewer costs the event loop (issue 15), against the
// least any forwarder that re-encrypts per viewer must do, measured in the same run:
//
//   BM_CopyAndProtect    the baseline: copy a 1200-octet RTP packet into a reused buffer and
//                        SRTP-protect it with the viewer's key (what an SFU does at minimum);
//   BM_ForwardToViewer   SendStage::forward of the same packet, as the hub calls it: keyframe
//                        gate, rewrite (SSRC, payload type, MID and transport-cc extensions,
//                        sequence and timestamp), the copy into the resend cache, the transport-
//                        wide number and send time, SRTP protect, and the datagram handed over.
//
// Time per iteration is ns per packet per viewer; the ratio of the two is the forwarding layer's
// own cost. With 25 viewers of an 8 Mbit/s presentation (~830 packets/s) the loop spends
// 25 × 830 × (ns per packet) per second on viewers.
//
// Both for AEAD_AES_128_GCM (what browsers get: the box picks it as DTLS server) and
// AES_CM_128_HMAC_SHA1_80 (GStreamer's).
//
// Run: build-bench/bench/viewer_forward_bench --benchmark_min_time=1 --benchmark_repetitions=5
#include <benchmark/benchmark.h>

#include <algorithm>
#include <cstdint>
#include <iterator>
#include <random>
#include <vector>

#include "presentd/common/clock.hpp"
#include "presentd/rtp/rtp_header_extension.hpp"
#include "presentd/rtp/rtp_packet.hpp"
#include "presentd/rtp/srtp/srtp_keys.hpp"
#include "presentd/rtp/srtp/srtp_session.hpp"
#include "presentd/session/send_stage.hpp"

namespace presentd::session {
namespace {

constexpr std::size_t kPayload = 1150;  // with the header and extensions about 1200 octets
constexpr std::uint8_t kSourceTransportCc = 3;
constexpr std::uint8_t kSourceMid = 4;

rtp::SrtpKeyPair keys(rtp::SrtpProfile profile) {
  std::vector<std::uint8_t> exported(rtp::keying_material_length(profile));
  std::mt19937 rng(7);
  for (auto& byte : exported) byte = static_cast<std::uint8_t>(rng());
  return *rtp::split_dtls_srtp_keying_material(profile, exported, rtp::DtlsRole::server);
}

// A presenter's VP8 packet as the tap hands it over: every one starts a keyframe, so the gate
// stays open whatever the iteration count.
std::vector<std::uint8_t> presenter_packet(std::uint16_t sequence) {
  std::vector<std::uint8_t> payload(kPayload, 0x5a);
  // VP8 descriptor S=1 (partition 0), then a keyframe's header (RFC 6386 §9.1): frame tag with
  // P=0, the start code, 640×360.
  const std::uint8_t start[] = {0x10, 0x00, 0x01, 0x00, 0x9d, 0x01, 0x2a, 0x80, 0x02, 0x68, 0x01};
  std::copy(std::begin(start), std::end(start), payload.begin());
  const std::uint8_t transport[2] = {static_cast<std::uint8_t>(sequence >> 8), static_cast<std::uint8_t>(sequence)};
  const std::uint8_t mid[1] = {'0'};
  return rtp::RtpPacketBuilder()
      .payload_type(96)
      .sequence_number(sequence)
      .timestamp(static_cast<std::uint32_t>(sequence) * 3000U)
      .ssrc(0x1111)
      .add_extension(kSourceTransportCc, transport)
      .add_extension(kSourceMid, mid)
      .payload(payload)
      .build();
}

class CountingLink : public SendStage::Listener {
public:
  void send_srtp(std::span<const std::uint8_t> datagram) override { bytes += datagram.size(); }
  void request_keyframe(std::uint32_t, Clock::TimePoint) override {}
  std::uint64_t bytes = 0;
};

void BM_CopyAndProtect(benchmark::State& state, rtp::SrtpProfile profile) {
  rtp::SrtpSession outbound(profile, keys(profile).local, rtp::SrtpSession::Direction::outbound);
  std::vector<std::uint8_t> work;
  work.reserve(2048);
  std::uint16_t sequence = 0;
  const auto packet = presenter_packet(0);
  for (auto _ : state) {
    work.assign(packet.begin(), packet.end());
    work[2] = static_cast<std::uint8_t>(sequence >> 8);  // a new index each time (replay-safe)
    work[3] = static_cast<std::uint8_t>(sequence);
    ++sequence;
    if (outbound.protect_rtp(work) != rtp::SrtpResult::ok) {
      state.SkipWithError("protect failed");
      break;
    }
    benchmark::DoNotOptimize(work.data());
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK_CAPTURE(BM_CopyAndProtect, aead_aes_128_gcm, rtp::SrtpProfile::aead_aes_128_gcm);
BENCHMARK_CAPTURE(BM_CopyAndProtect, aes_cm_128_hmac_sha1_80, rtp::SrtpProfile::aes_cm_128_hmac_sha1_80);

void BM_ForwardToViewer(benchmark::State& state, rtp::SrtpProfile profile) {
  SteadyClock clock;
  CountingLink link;
  SendStageConfig config;
  config.cname = "bench";
  SendStreamConfig stream;
  stream.forwarder.media = media::ForwardedMedia::video;
  stream.forwarder.stream.ssrc = 0x2222;
  stream.forwarder.stream.mid = "1";
  stream.forwarder.stream.extensions = {{5, std::string(rtp::kTransportCcUri)}, {9, std::string(rtp::kMidUri)}};
  stream.nack = stream.pli = stream.transport_cc = true;
  config.streams.push_back(stream);
  SendStage stage(clock, config, profile, keys(profile), link);
  media::SourceStreamConfig source;
  source.ssrc = 0x1111;
  source.payload_types = {{96, 98, rtp::PayloadFormat::vp8}};
  source.extensions = {{kSourceTransportCc, std::string(rtp::kTransportCcUri)},
                       {kSourceMid, std::string(rtp::kMidUri)}};
  stage.select_source(0, source);
  // Packets made up front (the bench times the forwarding, not the packet builder): a whole
  // cycle of sequence numbers, so running on past the end wraps 65535 → 0 as a real stream does.
  constexpr std::size_t kBatch = 65536;
  std::vector<std::vector<std::uint8_t>> batch;
  std::vector<rtp::RtpPacket> parsed;
  for (std::size_t i = 0; i < kBatch; ++i) batch.push_back(presenter_packet(static_cast<std::uint16_t>(i)));
  for (const auto& bytes : batch) parsed.push_back(*rtp::RtpPacket::parse(bytes));
  std::size_t next = 0;
  for (auto _ : state) {
    stage.forward(0, parsed[next]);
    next = (next + 1) % kBatch;
  }
  // Every packet must have gone out: a bench of dropped packets would measure the wrong path.
  if (stage.stats().not_sent > 0 || stage.stats().rtp_sent != static_cast<std::uint64_t>(state.iterations())) {
    state.SkipWithError("not every packet was forwarded");
  }
  state.SetItemsProcessed(state.iterations());
  state.counters["sent"] = static_cast<double>(stage.stats().rtp_sent);
}
BENCHMARK_CAPTURE(BM_ForwardToViewer, aead_aes_128_gcm, rtp::SrtpProfile::aead_aes_128_gcm);
BENCHMARK_CAPTURE(BM_ForwardToViewer, aes_cm_128_hmac_sha1_80, rtp::SrtpProfile::aes_cm_128_hmac_sha1_80);

}  // namespace
}  // namespace presentd::session
