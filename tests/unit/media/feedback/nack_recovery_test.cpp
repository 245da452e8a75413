// SPDX-License-Identifier: Apache-2.0
// The three receive-side pieces wired together as a video stream will use them: packets go to the
// NackRequester and the FrameAssembler, the 20 ms tick sends NACKs, the sender answers each NACK
// with a retransmission one RTT later, and "keyframe needed" goes through the KeyframeRequester.
// With 5 % loss and every retransmission delivered, the NACKs must name exactly the lost packets,
// once each, and every frame must reach the decoder without a single keyframe request.
#include <gtest/gtest.h>

#include <cstdint>
#include <map>
#include <random>
#include <set>
#include <vector>

#include "presentd/media/feedback/keyframe_requester.hpp"
#include "presentd/media/feedback/nack_requester.hpp"
#include "presentd/media/jitter/frame_assembler.hpp"
#include "support/media/concat_depacketizer.hpp"
#include "support/media/synthetic_stream.hpp"

namespace presentd::media {
namespace {

using namespace std::chrono_literals;

constexpr int kFrames = 300;
constexpr int kPacketsPerFrame = 8;
constexpr int kPacketSpacingMs = 4;  // 8 packets per 32 ms frame
constexpr int kRttMs = 40;
constexpr int kTickMs = 20;

TEST(NackRecovery, LossIsRepairedByRetransmissionWithoutKeyframes) {
  std::mt19937 rng(99);
  const auto first_seq = static_cast<std::uint16_t>(0x10000 - 1 - rng() % 2000);  // wraps mid-stream
  // One keyframe, at the start: every later loss must be repaired by retransmission.
  const testing::SyntheticStream stream{.packets_per_frame = kPacketsPerFrame,
                                        .keyframe_interval = kFrames,
                                        .first_seq = first_seq,
                                        .first_ts = static_cast<std::uint32_t>(rng())};
  const int packet_count = kFrames * kPacketsPerFrame;

  // Joining with a damaged first keyframe is a separate case (see the assembler tests).
  std::set<std::uint16_t> dropped;
  for (int i = kPacketsPerFrame; i < packet_count; ++i) {
    if (rng() % 100 < 5) dropped.insert(static_cast<std::uint16_t>(first_seq + i));
  }
  ASSERT_GT(dropped.size(), 50u);

  ManualClock clock;
  testing::ConcatDepacketizer depacketizer;
  FrameAssembler assembler(depacketizer);
  NackRequester nack(clock);
  nack.set_rtt(std::chrono::milliseconds{kRttMs});
  KeyframeRequester keyframes(clock);

  std::multimap<int, int> retransmissions;  // due ms -> packet index
  std::multiset<std::uint16_t> nacked;
  int frames = 0;
  int keyframe_requests = 0;
  auto deliver = [&](int index, bool retransmission) {
    MediaPacket packet = testing::synthetic_packet(stream, index);
    packet.arrival = clock.now();
    nack.on_packet(packet.sequence_number, retransmission);
    InsertResult result = assembler.insert(std::move(packet));
    if (result.keyframe_needed) keyframes.request();
    for (const Frame& frame : result.frames) {
      EXPECT_EQ(frame.first_sequence_number, static_cast<std::uint16_t>(first_seq + frames * kPacketsPerFrame));
      ++frames;
    }
  };

  const int end_ms = packet_count * kPacketSpacingMs + 10 * kRttMs;
  for (int ms = 0; ms < end_ms; ++ms) {
    if (ms % kPacketSpacingMs == 0 && ms / kPacketSpacingMs < packet_count) {
      const int index = ms / kPacketSpacingMs;
      if (dropped.count(static_cast<std::uint16_t>(first_seq + index)) == 0) deliver(index, false);
    }
    for (auto due = retransmissions.find(ms); due != retransmissions.end() && due->first == ms;
         due = retransmissions.erase(due)) {
      deliver(due->second, true);
    }
    if (ms % kTickMs == 0) {
      const NackBatch batch = nack.on_tick();
      if (batch.keyframe_needed) keyframes.request();
      for (const std::uint16_t seq : batch.sequence_numbers) {
        nacked.insert(seq);
        retransmissions.emplace(ms + kRttMs, static_cast<std::uint16_t>(seq - first_seq));
      }
      if (keyframes.poll().kind != KeyframeRequestKind::none) ++keyframe_requests;
    }
    clock.advance(1ms);
  }

  EXPECT_EQ(std::set<std::uint16_t>(nacked.begin(), nacked.end()), dropped);
  EXPECT_EQ(nacked.size(), dropped.size()) << "a packet was NACKed more than once";
  EXPECT_EQ(nack.stats().packets_recovered, dropped.size());
  EXPECT_EQ(nack.missing_count(), 0u);
  EXPECT_EQ(frames, kFrames);
  EXPECT_EQ(keyframe_requests, 0);
  EXPECT_EQ(assembler.buffered_packets(), 0u);
}

}  // namespace
}  // namespace presentd::media
