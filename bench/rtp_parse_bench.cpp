// SPDX-License-Identifier: Apache-2.0
// Per-packet parsing costs on the receive path: an RTP parse plus the header-extension lookups
// the receiver does for every packet, and an RTCP compound parse of the kinds Chrome sends.
// Run: build-bench/bench/rtp_parse_bench
#include <benchmark/benchmark.h>

#include <array>
#include <vector>

#include "presentd/rtp/packet_classifier.hpp"
#include "presentd/rtp/rtcp/compound.hpp"
#include "presentd/rtp/rtp_packet.hpp"

namespace {
using namespace presentd::rtp;

// A 1200-byte video packet as Chrome sends it: transport-wide seq (ID 3), abs-send-time (ID 2),
// playout-delay (ID 6) in the one-byte form.
std::vector<std::uint8_t> make_video_packet() {
  const std::vector<std::uint8_t> payload(1200 - 28, 0x5A);
  const auto twcc = write_transport_sequence_number(4242);
  const auto abs = write_abs_send_time(0x123456);
  const auto delay = write_playout_delay({0, 100});
  return RtpPacketBuilder()
      .payload_type(96)
      .sequence_number(65000)
      .timestamp(123456789)
      .ssrc(0x11223344)
      .add_extension(2, abs)
      .add_extension(3, twcc)
      .add_extension(6, delay)
      .payload(payload)
      .build();
}

void BM_RtpParseAndExtensionLookup(benchmark::State& state) {
  const auto bytes = make_video_packet();
  for (auto _ : state) {
    const auto kind = classify_packet(bytes);
    const auto packet = RtpPacket::parse(bytes);
    const auto twcc = packet->find_extension(3);
    const auto seq = parse_transport_sequence_number(*twcc);
    const auto delay = packet->find_extension(6);
    benchmark::DoNotOptimize(kind);
    benchmark::DoNotOptimize(seq);
    benchmark::DoNotOptimize(delay);
    benchmark::DoNotOptimize(packet->payload().data());
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_RtpParseAndExtensionLookup);

// RR + SDES + REMB as a browser's periodic compound, and a transport-feedback message covering
// 100 ms of a 4 Mbit/s stream (~40 packets).
std::vector<std::uint8_t> make_compound() {
  std::vector<rtcp::Message> messages = {
      rtcp::ReceiverReport{1, {rtcp::ReportBlock{2, 3, 4, 65536 + 5, 6, 7, 8}}},
      rtcp::Sdes{{{1, "qYx3Zp4WLkmNopQr"}}},
      rtcp::Remb{1, 2'500'000, {2}},
  };
  std::vector<rtcp::PacketArrival> arrivals;
  for (int i = 0; i < 40; ++i) {
    std::optional<std::int64_t> time;
    if (i % 17 != 3) time = 1'000'000 + i * 2'500;
    arrivals.push_back({static_cast<std::uint16_t>(65520 + i), time});
  }
  for (auto& feedback : rtcp::build_transport_feedback(1, 2, arrivals, 0)) messages.emplace_back(std::move(feedback));
  return rtcp::write_compound(messages);
}

void BM_RtcpCompoundParse(benchmark::State& state) {
  const auto bytes = make_compound();
  for (auto _ : state) {
    auto result = rtcp::parse_compound(bytes);
    benchmark::DoNotOptimize(result);
  }
  state.SetItemsProcessed(state.iterations());
  state.SetBytesProcessed(state.iterations() * static_cast<std::int64_t>(bytes.size()));
}
BENCHMARK(BM_RtcpCompoundParse);

void BM_TransportFeedbackBuild(benchmark::State& state) {
  std::vector<rtcp::PacketArrival> arrivals;
  for (int i = 0; i < 40; ++i) arrivals.push_back({static_cast<std::uint16_t>(65520 + i), 1'000'000 + i * 2'500});
  for (auto _ : state) {
    std::vector<std::uint8_t> out;
    for (const auto& feedback : rtcp::build_transport_feedback(1, 2, arrivals, 0)) {
      benchmark::DoNotOptimize(feedback.write(out));
    }
    benchmark::DoNotOptimize(out.data());
  }
}
BENCHMARK(BM_TransportFeedbackBuild);

}  // namespace
