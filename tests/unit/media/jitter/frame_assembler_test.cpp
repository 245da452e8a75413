// SPDX-License-Identifier: Apache-2.0
#include "presentd/media/jitter/frame_assembler.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>
#include <ostream>
#include <random>
#include <utility>
#include <vector>

#include "support/media/concat_depacketizer.hpp"

namespace presentd::media {
namespace {

using namespace std::chrono_literals;
using testing::ConcatDepacketizer;

constexpr std::uint32_t kTicksPerFrame = 3000;  // 90 kHz clock at 30 fps

struct FrameSpec {
  int packets = 1;
  bool keyframe = false;
  // The sender cut the frame short: it sent only its first `packets` packets, none with the
  // marker, and numbered the next frame straight after them (libwebrtc's pacer drops the queued
  // tail of a frame when a keyframe is queued behind it). Such a frame must never leave.
  bool cut = false;
  // Not a frame: `packets` padding-only packets with the previous frame's timestamp, given to the
  // buffer with insert_padding().
  bool padding = false;
};

struct StreamOptions {
  bool marker = true;
  // false: only a keyframe's first packet says it starts a frame; deltas are split by timestamp.
  bool delta_frame_start = true;
};

// A synthetic stream of consecutive packets. Each payload names its packet index and frame, so a
// frame's bitstream shows exactly which packets went into it. Like VP8, only the first packet of
// a keyframe carries the keyframe flag.
struct Stream {
  std::vector<MediaPacket> packets;
  std::vector<std::pair<int, int>> frames;  // first and last packet index
  std::vector<bool> padding;                // per packet
};

InsertResult insert(FrameAssembler& assembler, const Stream& stream, int index) {
  if (stream.padding[index]) return assembler.insert_padding(stream.packets[index].sequence_number);
  return assembler.insert(stream.packets[index]);
}

Stream make_stream(const std::vector<FrameSpec>& specs, std::uint16_t first_seq, std::uint32_t first_ts,
                   StreamOptions options = {}) {
  Stream stream;
  int index = 0;
  for (std::size_t f = 0; f < specs.size(); ++f) {
    const int first = index;
    const bool padding = specs[f].padding;
    for (int p = 0; p < specs[f].packets; ++p, ++index) {
      MediaPacket packet;
      packet.sequence_number = static_cast<std::uint16_t>(first_seq + index);
      // Padding repeats the timestamp of the frame before it, as libwebrtc sends it.
      packet.rtp_timestamp = first_ts + static_cast<std::uint32_t>(padding ? f - 1 : f) * kTicksPerFrame;
      stream.padding.push_back(padding);
      if (!padding) {
        packet.marker = options.marker && !specs[f].cut && p == specs[f].packets - 1;
        packet.info.frame_start = p == 0 && (specs[f].keyframe || options.delta_frame_start);
        packet.info.keyframe = p == 0 && specs[f].keyframe;
        packet.payload = {static_cast<std::uint8_t>(index >> 8), static_cast<std::uint8_t>(index),
                          static_cast<std::uint8_t>(f)};
      }
      stream.packets.push_back(std::move(packet));
    }
    stream.frames.emplace_back(first, index - 1);
  }
  return stream;
}

std::vector<std::uint8_t> expected_bitstream(const Stream& stream, int frame) {
  std::vector<std::uint8_t> bytes;
  for (int i = stream.frames[frame].first; i <= stream.frames[frame].second; ++i) {
    const auto& payload = stream.packets[i].payload;
    bytes.insert(bytes.end(), payload.begin(), payload.end());
  }
  return bytes;
}

void expect_frame(const Stream& stream, const std::vector<FrameSpec>& specs, int index, const Frame& frame) {
  const auto [first, last] = stream.frames[index];
  EXPECT_EQ(frame.first_sequence_number, stream.packets[first].sequence_number) << "frame " << index;
  EXPECT_EQ(frame.last_sequence_number, stream.packets[last].sequence_number) << "frame " << index;
  EXPECT_EQ(frame.rtp_timestamp, stream.packets[first].rtp_timestamp) << "frame " << index;
  EXPECT_EQ(frame.keyframe, specs[index].keyframe) << "frame " << index;
  EXPECT_EQ(frame.bitstream, expected_bitstream(stream, index)) << "frame " << index;
}

// Random (seeded) starting points placed so both the sequence number and the RTP timestamp wrap
// inside the stream.
struct Origin {
  std::uint16_t seq;
  std::uint32_t ts;
};
Origin origin_crossing_wrap(std::mt19937& rng, int packets, int frames) {
  const auto before_seq_wrap = 1 + static_cast<int>(rng() % static_cast<unsigned>(std::max(packets - 1, 1)));
  const auto before_ts_wrap = 1 + rng() % static_cast<unsigned>(std::max(frames - 1, 1));
  return {static_cast<std::uint16_t>(0x10000 - before_seq_wrap),
          static_cast<std::uint32_t>(0u - before_ts_wrap * kTicksPerFrame + rng() % kTicksPerFrame)};
}

// Feeds packets by index in `order`, checking the bounds after every insert. Records each emitted
// frame's first sequence number and the packet indices whose insert asked for a keyframe.
struct Outcome {
  std::vector<std::uint16_t> firsts;
  std::vector<int> requests;
};
Outcome feed(FrameAssembler& assembler, const Stream& stream, const std::vector<int>& order) {
  Outcome outcome;
  for (int index : order) {
    InsertResult result = insert(assembler, stream, index);
    EXPECT_LE(assembler.buffered_packets(), assembler.config().max_packets);
    EXPECT_LE(assembler.buffered_bytes(), assembler.config().max_buffered_bytes);
    if (result.keyframe_needed) outcome.requests.push_back(index);
    for (const Frame& frame : result.frames) outcome.firsts.push_back(frame.first_sequence_number);
  }
  return outcome;
}

// Every packet index of the stream in order, except `lost`.
std::vector<int> all_but(const Stream& stream, int lost) {
  std::vector<int> order;
  for (int i = 0; i < static_cast<int>(stream.packets.size()); ++i) {
    if (i != lost) order.push_back(i);
  }
  return order;
}

std::vector<std::uint16_t> first_seqs(const Stream& stream, std::initializer_list<int> packets) {
  std::vector<std::uint16_t> seqs;
  for (int i : packets) seqs.push_back(stream.packets[i].sequence_number);
  return seqs;
}

// Arrival order through a lossy network with NACK: `loss` % of the packets are lost and
// `recovered` % of those arrive again `delay` (+ up to `spread`) packets later; `duplicates` % arrive
// twice; 5 % of neighbours are swapped.
struct LossModel {
  unsigned loss = 5;
  unsigned recovered = 0;
  std::size_t delay = 0;
  unsigned spread = 0;
  unsigned duplicates = 0;
};
std::vector<int> lossy_order(const Stream& stream, std::mt19937& rng, LossModel model) {
  std::vector<int> order;
  std::vector<std::pair<std::size_t, int>> retransmissions;  // position in order, packet
  for (int i = 0; i < static_cast<int>(stream.packets.size()); ++i) {
    if (rng() % 100 < model.loss) {
      if (rng() % 100 < model.recovered) {
        retransmissions.emplace_back(order.size() + model.delay + (model.spread ? rng() % model.spread : 0), i);
      }
      continue;
    }
    order.push_back(i);
    if (model.duplicates != 0 && rng() % 100 < model.duplicates) order.push_back(i);
  }
  for (std::size_t i = 1; i < order.size(); ++i) {
    if (rng() % 100 < 5) std::swap(order[i - 1], order[i]);
  }
  for (auto it = retransmissions.rbegin(); it != retransmissions.rend(); ++it) {
    order.insert(order.begin() + static_cast<std::ptrdiff_t>(std::min(it->first, order.size())), it->second);
  }
  return order;
}

struct Emission {
  int step;   // index into arrivals
  int frame;  // index into frames
};

struct Case {
  const char* name;
  std::vector<FrameSpec> frames;
  std::vector<int> arrivals;           // packet indices in arrival order
  std::vector<Emission> emitted;       // in the order the buffer must emit them
  std::vector<int> keyframe_requests;  // arrival steps whose result asks for a keyframe
  StreamOptions options = {};
};

const FrameSpec K2{2, true}, K3{3, true}, D2{2, false}, D3{3, false};
// Cut frames (first packets only, no marker) and padding.
const FrameSpec K1cut{1, true, true}, K2cut{2, true, true}, D1cut{1, false, true}, D2cut{2, false, true};
const FrameSpec P1{1, false, false, true}, P2{2, false, false, true};

const std::vector<Case> kCases = {
    {"in_order", {K3, D2, D2}, {0, 1, 2, 3, 4, 5, 6}, {{2, 0}, {4, 1}, {6, 2}}, {}, {}},
    {"reordered", {K3, D2, D2}, {1, 0, 2, 4, 3, 6, 5}, {{2, 0}, {4, 1}, {6, 2}}, {}, {}},
    {"first_packets_overtaken", {K3, D2}, {2, 1, 0, 3, 4}, {{2, 0}, {4, 1}}, {}, {}},
    {"duplicates", {K3, D2, D2}, {0, 0, 1, 2, 2, 3, 4, 3, 5, 6, 6}, {{3, 0}, {6, 1}, {9, 2}}, {}, {}},
    {"gap_then_fill", {K3, D2, D2}, {0, 1, 2, 3, 5, 6, 4}, {{2, 0}, {6, 1}, {6, 2}}, {}, {}},
    // Packet 3 is lost: frames 1 and 2 are never decodable; keyframe 3 supersedes them, and the
    // late packet 3 is ignored.
    {"gap_then_keyframe", {K2, D2, D2, K2, D2}, {0, 1, 2, 4, 5, 6, 7, 8, 9, 3}, {{1, 0}, {6, 3}, {8, 4}}, {}, {}},
    {"keyframe_reordered_after_gap", {K2, D2, K2}, {0, 1, 3, 5, 4, 2}, {{1, 0}, {4, 2}}, {}, {}},
    {"complete_frames_wait_for_earlier_frame",
     {K2, D2, D2, D2, D2, D2},
     {0, 1, 10, 11, 8, 9, 6, 7, 4, 5, 2, 3},
     {{1, 0}, {11, 1}, {11, 2}, {11, 3}, {11, 4}, {11, 5}},
     {},
     {}},
    // A sender without marker bits: its first unmarked frame ends could be frames cut short, so
    // frames are held until three such ends (and no marker) show the sender never marks; then a
    // new timestamp ends a frame and the held frames leave at once. The last frame stays open.
    {"markerless_split_by_timestamp",
     {K3, D3, D3, D3},
     {0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11},
     {{9, 0}, {9, 1}, {9, 2}},
     {},
     {.marker = false, .delta_frame_start = false}},
    {"markerless_reordered",
     {K3, D3, D3, D3},
     {0, 1, 3, 2, 4, 5, 7, 6, 8, 9},
     {{9, 0}, {9, 1}, {9, 2}},
     {},
     {.marker = false, .delta_frame_start = false}},
    // Joining a stream mid-GOP: each complete delta frame asks for a keyframe, none is decoded.
    {"starts_with_delta_frames", {D2, D2, K2, D2}, {0, 1, 2, 3, 4, 5, 6, 7}, {{5, 2}, {7, 3}}, {1, 3}, {}},
    // What Chrome sent in the failing run: a PLI-triggered keyframe was queued while a delta frame
    // was leaving the pacer; the delta's unsent packets were dropped and the keyframe numbered
    // right after its first packet. The delta (packet 3) must not leave as a frame of its own; the
    // keyframe it is followed by needs no request.
    {"delta_cut_short_by_keyframe", {K2, D1cut, K2, D2}, {0, 1, 2, 3, 4, 5, 6}, {{1, 0}, {4, 2}, {6, 3}}, {}, {}},
    // The decode error itself: a keyframe cut to its first packets by the next keyframe. Its first
    // partition is larger than what arrived, so FFmpeg said "Header size larger than data
    // provided". First at the start of the stream (no reference yet: the keyframe search path)...
    {"keyframe_cut_short_at_start", {K2cut, K3, D2}, {0, 1, 2, 3, 4, 5, 6}, {{4, 1}, {6, 2}}, {}, {}},
    // ... then mid-stream (in-order path), with the cut keyframe's packets overtaken.
    {"keyframe_cut_short_mid_stream",
     {K2, D2, K2cut, K2, D2},
     {0, 1, 2, 3, 5, 4, 6, 7, 8, 9},
     {{1, 0}, {3, 1}, {7, 3}, {9, 4}},
     {},
     {}},
    // The cut is seen only once the keyframe's first packet arrives: the frame stays held until
    // then (it might yet get its marker), and then goes.
    {"cut_frame_waits_for_its_successor", {K2, D2cut, K2}, {0, 1, 2, 3, 5, 4}, {{1, 0}, {5, 2}}, {}, {}},
    // A delta cut short for another reason: the next delta depends on it, so nothing leaves until
    // a keyframe, which is asked for when the cut shows (and again, paced by the caller, by the
    // complete delta that cannot be decoded).
    {"delta_cut_short_by_delta", {K2, D2cut, D2, K2}, {0, 1, 2, 3, 4, 5, 6, 7}, {{1, 0}, {7, 3}}, {4, 5}, {}},
    // Padding-only packets between frames (a sender without RTX probing on its media SSRC): they
    // are no frame and nothing waits for them, in any order.
    {"padding_between_frames", {K2, P1, D2, P2, D2}, {0, 1, 2, 3, 4, 5, 6, 7, 8}, {{1, 0}, {4, 2}, {8, 4}}, {}, {}},
    {"padding_reordered", {K2, P1, D2, P2, D2}, {0, 2, 3, 1, 6, 7, 5, 4, 8}, {{3, 0}, {7, 2}, {8, 4}}, {}, {}},
    // Padding after an unmarked frame end is such an end too.
    {"markerless_with_padding",
     {K3, P1, D3, D3, D3},
     {0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12},
     {{10, 0}, {10, 2}, {10, 3}},
     {},
     {.marker = false, .delta_frame_start = false}},
};

// Failures name the case instead of dumping its bytes.
void PrintTo(const Case& c, std::ostream* os) { *os << c.name; }

class FrameAssemblerCases : public ::testing::TestWithParam<Case> {};

TEST_P(FrameAssemblerCases, EmitsExactlyTheExpectedFramesAcrossTheWrap) {
  const Case& c = GetParam();
  int packet_count = 0;
  for (const auto& spec : c.frames) packet_count += spec.packets;
  for (unsigned seed = 1; seed <= 16; ++seed) {
    SCOPED_TRACE(::testing::Message() << "seed " << seed);
    std::mt19937 rng(seed);
    const Origin origin = origin_crossing_wrap(rng, packet_count, static_cast<int>(c.frames.size()));
    const Stream stream = make_stream(c.frames, origin.seq, origin.ts, c.options);
    ConcatDepacketizer depacketizer;
    FrameAssembler assembler(depacketizer);

    std::vector<Emission> emitted;
    std::vector<int> keyframe_requests;
    for (int step = 0; step < static_cast<int>(c.arrivals.size()); ++step) {
      InsertResult result = insert(assembler, stream, c.arrivals[step]);
      if (result.keyframe_needed) keyframe_requests.push_back(step);
      for (const Frame& frame : result.frames) {
        // Identify the frame by its first packet, then check every field against the stream.
        int index = -1;
        for (int f = 0; f < static_cast<int>(stream.frames.size()); ++f) {
          if (stream.packets[stream.frames[f].first].sequence_number == frame.first_sequence_number) index = f;
        }
        ASSERT_GE(index, 0);
        expect_frame(stream, c.frames, index, frame);
        emitted.push_back({step, index});
      }
    }
    ASSERT_EQ(emitted.size(), c.emitted.size());
    for (std::size_t i = 0; i < emitted.size(); ++i) {
      EXPECT_EQ(emitted[i].step, c.emitted[i].step) << "emission " << i;
      EXPECT_EQ(emitted[i].frame, c.emitted[i].frame) << "emission " << i;
    }
    EXPECT_EQ(keyframe_requests, c.keyframe_requests);
  }
}

INSTANTIATE_TEST_SUITE_P(Table, FrameAssemblerCases, ::testing::ValuesIn(kCases),
                         [](const ::testing::TestParamInfo<Case>& param) { return param.param.name; });

TEST(FrameAssembler, CountsDuplicatesAndLatePackets) {
  const std::vector<FrameSpec> specs = {K2, D2};
  const Stream stream = make_stream(specs, 65535, 0);
  ConcatDepacketizer depacketizer;
  FrameAssembler assembler(depacketizer);
  for (int i : {0, 0, 1, 1, 2, 3}) (void)assembler.insert(stream.packets[i]);
  EXPECT_EQ(assembler.stats().duplicate_packets, 1u);  // the second 0; it was still buffered
  EXPECT_EQ(assembler.stats().late_packets, 1u);       // the second 1: its frame had left
  EXPECT_EQ(assembler.stats().frames_emitted, 2u);
  EXPECT_EQ(assembler.buffered_packets(), 0u);
  EXPECT_EQ(assembler.buffered_bytes(), 0u);
}

TEST(FrameAssembler, OverflowClearsAndRequestsKeyframeWithinBounds) {
  std::mt19937 rng(7);
  std::vector<FrameSpec> specs = {K2};
  for (int i = 0; i < 20; ++i) specs.push_back(D2);
  specs.push_back(K2);
  specs.push_back(D2);
  const Origin origin = origin_crossing_wrap(rng, 46, 23);
  const Stream stream = make_stream(specs, origin.seq, origin.ts);
  ConcatDepacketizer depacketizer;
  FrameAssembler assembler(depacketizer, {.max_packets = 16});
  // Packet 2 is lost for good: frames 1..20 can never be decoded.
  const Outcome outcome = feed(assembler, stream, all_but(stream, 2));
  // The window runs from the lost packet 2: packet 18 is the first that does not fit.
  ASSERT_FALSE(outcome.requests.empty());
  EXPECT_EQ(outcome.requests.front(), 18);
  EXPECT_GE(assembler.stats().overflows, 1u);
  EXPECT_EQ(outcome.firsts, first_seqs(stream, {0, 42, 44}));
}

TEST(FrameAssembler, SequenceNumberJumpIsAnOverflow) {
  const std::vector<FrameSpec> specs = {K2, D2};
  const Stream before = make_stream(specs, 65534, 90000);
  const Stream after = make_stream(specs, 30000, 5);  // the sender restarted its numbering
  ConcatDepacketizer depacketizer;
  FrameAssembler assembler(depacketizer);
  for (const auto& packet : before.packets) (void)assembler.insert(packet);
  EXPECT_EQ(assembler.stats().frames_emitted, 2u);
  InsertResult first = assembler.insert(after.packets[0]);
  EXPECT_TRUE(first.keyframe_needed);
  EXPECT_TRUE(first.frames.empty());
  InsertResult second = assembler.insert(after.packets[1]);
  ASSERT_EQ(second.frames.size(), 1u);
  EXPECT_TRUE(second.frames[0].keyframe);
  EXPECT_EQ(second.frames[0].first_sequence_number, 30000);
}

TEST(FrameAssembler, FailedAssemblyDropsFrameAndWaitsForKeyframe) {
  const std::vector<FrameSpec> specs = {K2, D2, D2, K2};
  Stream stream = make_stream(specs, 65533, 0);
  stream.packets[3].payload.clear();  // the test format treats an empty payload as malformed
  ConcatDepacketizer depacketizer;
  FrameAssembler assembler(depacketizer);
  const Outcome outcome = feed(assembler, stream, all_but(stream, -1));
  // Frame 2 depends on the broken frame 1, so only the keyframes leave.
  EXPECT_EQ(outcome.firsts, first_seqs(stream, {0, 6}));
  EXPECT_EQ(outcome.requests, (std::vector<int>{3, 5}));
  EXPECT_EQ(assembler.stats().assembly_failures, 1u);
}

TEST(FrameAssembler, OversizedFrameIsDroppedAndBytesStayBounded) {
  const std::vector<FrameSpec> specs = {K2, D3, K2};  // 3-byte payloads: frame 1 has 9 bytes
  const Stream stream = make_stream(specs, 65534, 0);
  ConcatDepacketizer depacketizer;
  FrameAssembler assembler(depacketizer, {.max_packets = 64, .max_buffered_bytes = 64, .max_frame_bytes = 8});
  std::vector<bool> keyframes;
  bool requested = false;
  for (const auto& packet : stream.packets) {
    InsertResult result = assembler.insert(packet);
    requested = requested || result.keyframe_needed;
    for (const Frame& frame : result.frames) keyframes.push_back(frame.keyframe);
  }
  EXPECT_EQ(keyframes, (std::vector<bool>{true, true}));
  EXPECT_TRUE(requested);
  EXPECT_EQ(assembler.stats().oversized_frames, 1u);

  // Byte bound: after a gap nothing leaves, and the fifth held 3-byte packet exceeds 12 bytes.
  const Stream gappy = make_stream({K2, D2, D2, D2}, 65533, 0);
  FrameAssembler small(depacketizer, {.max_packets = 64, .max_buffered_bytes = 12, .max_frame_bytes = 12});
  EXPECT_EQ(feed(small, gappy, all_but(gappy, 2)).requests, (std::vector<int>{7}));
  EXPECT_EQ(small.stats().overflows, 1u);
}

TEST(FrameAssembler, ByteOverflowKeepsTheNewestPacketsForTheKeyframe) {
  // 3-byte payloads, 15 bytes allowed. Packet 2 is lost, so deltas pile up behind it; the keyframe
  // (7..9) arrives while the budget is full and must still be decoded, at the cost of the oldest.
  std::mt19937 rng(11);
  const Origin origin = origin_crossing_wrap(rng, 12, 5);
  const Stream stream = make_stream({K2, D2, D3, K3}, origin.seq, origin.ts);
  ConcatDepacketizer depacketizer;
  FrameAssembler assembler(depacketizer, {.max_packets = 64, .max_buffered_bytes = 15, .max_frame_bytes = 15});
  const Outcome outcome = feed(assembler, stream, all_but(stream, 2));
  EXPECT_EQ(outcome.firsts, first_seqs(stream, {0, 7}));
  EXPECT_EQ(outcome.requests, (std::vector<int>{8, 9}));
  EXPECT_EQ(assembler.stats().overflows, 2u);
}

TEST(FrameAssembler, FrameCarriesSizeDelayArrivalAndWrappedTimestamp) {
  ManualClock clock;
  const std::vector<FrameSpec> specs = {K3};
  Stream stream = make_stream(specs, 65535, 0xFFFFFFFFu);
  stream.packets[0].info.width = 1920;
  stream.packets[0].info.height = 1080;
  stream.packets[0].playout_delay = PlayoutDelay{0, 0};
  ConcatDepacketizer depacketizer;
  FrameAssembler assembler(depacketizer);
  std::vector<Frame> frames;
  for (int i : {2, 0, 1}) {
    stream.packets[i].arrival = clock.now();
    InsertResult result = assembler.insert(stream.packets[i]);
    for (auto& frame : result.frames) frames.push_back(std::move(frame));
    clock.advance(4ms);
  }
  ASSERT_EQ(frames.size(), 1u);
  EXPECT_EQ(frames[0].width, 1920);
  EXPECT_EQ(frames[0].height, 1080);
  ASSERT_TRUE(frames[0].playout_delay.has_value());
  EXPECT_EQ(*frames[0].playout_delay, (PlayoutDelay{0, 0}));
  EXPECT_EQ(frames[0].last_packet_arrival, clock.now() - 4ms);  // packet 1, which arrived last
  EXPECT_EQ(frames[0].rtp_timestamp, 0xFFFFFFFFu);
  EXPECT_EQ(frames[0].first_sequence_number, 65535);
  EXPECT_EQ(frames[0].last_sequence_number, 1);
}

// Property check over a long lossy, reordered, duplicated stream: frames leave in sequence order,
// every delta frame directly follows the frame before it, and the bounds always hold.
TEST(FrameAssembler, RandomLossAndReorderingNeverBreaksDecodeOrder) {
  std::mt19937 rng(2024);
  std::vector<FrameSpec> specs;
  for (int i = 0; i < 600; ++i) specs.push_back({1 + static_cast<int>(rng() % 8), i % 60 == 0});
  const Stream stream = make_stream(specs, static_cast<std::uint16_t>(rng()), static_cast<std::uint32_t>(rng()));
  // 5 % loss, most of it retransmitted 20 packets later as NACK would; 3 % duplicates; 5 % of
  // neighbours swapped.
  const std::vector<int> order = lossy_order(stream, rng, {.recovered = 80, .delay = 20, .duplicates = 3});
  ConcatDepacketizer depacketizer;
  FrameAssembler assembler(depacketizer, {.max_packets = 256});
  SequenceUnwrapper unwrapper;
  std::int64_t previous_last = 0;
  bool have_previous = false;
  int frames = 0;
  for (int index : order) {
    InsertResult result = assembler.insert(stream.packets[index]);
    ASSERT_LE(assembler.buffered_packets(), 256u);
    for (const Frame& frame : result.frames) {
      const std::int64_t first = unwrapper.unwrap(frame.first_sequence_number);
      const std::int64_t last = unwrapper.unwrap(frame.last_sequence_number);
      ASSERT_LE(first, last);
      if (have_previous) {
        ASSERT_GT(first, previous_last);
      }
      if (!frame.keyframe) {
        ASSERT_TRUE(have_previous);
        ASSERT_EQ(first, previous_last + 1) << "delta frame after a gap";
      }
      previous_last = last;
      have_previous = true;
      ++frames;
    }
  }
  // 1 % of packets are lost for good, about 2.7 per 60-frame GOP, and each costs the rest of its
  // GOP: roughly a quarter of the frames survive (177 with this seed). Guard against collapse.
  EXPECT_GT(frames, 120);
  EXPECT_GT(assembler.stats().packets_discarded, 0u);
}

// Property check with what a loaded Chrome sends: frames cut short by a keyframe, padding probes,
// plus loss, late retransmission and reordering. Every frame that leaves is exactly one whole
// frame of the stream, never a cut one, in order.
TEST(FrameAssembler, EveryEmittedFrameIsWholeUnderCutsPaddingLossAndReordering) {
  for (unsigned seed = 1; seed <= 40; ++seed) {
    SCOPED_TRACE(::testing::Message() << "seed " << seed);
    std::mt19937 rng(seed);
    std::vector<FrameSpec> specs{K3};
    for (int i = 0; i < 150; ++i) {
      const int packets = 1 + static_cast<int>(rng() % 6);
      if (rng() % 10 == 0) {
        specs.push_back({1 + static_cast<int>(rng() % 2), false, false, true});  // padding
      } else if (packets > 1 && rng() % 12 == 0) {
        specs.push_back({1 + static_cast<int>(rng() % static_cast<unsigned>(packets - 1)), rng() % 3 == 0, true});
        specs.push_back({packets, true});  // the keyframe that cut it
      } else {
        specs.push_back({packets, rng() % 30 == 0});
      }
    }
    const Stream stream = make_stream(specs, static_cast<std::uint16_t>(rng()), static_cast<std::uint32_t>(rng()));
    // 5 % loss, 70 % of it retransmitted up to 40 packets later; 5 % of neighbours swapped.
    const std::vector<int> order = lossy_order(stream, rng, {.recovered = 70, .spread = 40});
    ConcatDepacketizer depacketizer;
    FrameAssembler assembler(depacketizer, {.max_packets = 128});
    int emitted = 0;
    int next_frame = 0;  // frames leave in order
    for (int index : order) {
      InsertResult result = insert(assembler, stream, index);
      for (const Frame& frame : result.frames) {
        int f = next_frame;
        while (f < static_cast<int>(specs.size()) &&
               stream.packets[stream.frames[f].first].sequence_number != frame.first_sequence_number) {
          ++f;
        }
        ASSERT_LT(f, static_cast<int>(specs.size()));
        EXPECT_FALSE(specs[f].cut || specs[f].padding) << "frame " << f;
        EXPECT_EQ(frame.bitstream, expected_bitstream(stream, f)) << "frame " << f;
        next_frame = f + 1;
        ++emitted;
      }
    }
    EXPECT_GT(emitted, 20);
  }
}

}  // namespace
}  // namespace presentd::media
