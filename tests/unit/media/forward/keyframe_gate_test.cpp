// SPDX-License-Identifier: Apache-2.0
// KeyframeGate: which payloads open it per format (the rtp module's own parsers decide), and a
// viewer's switch played through gate and rewriter: held packets cost the viewer no numbers.
#include "presentd/media/forward/keyframe_gate.hpp"

#include <gtest/gtest.h>

#include <cstdint>
#include <ostream>
#include <vector>

#include "presentd/media/forward/outgoing_stream_rewriter.hpp"
#include "presentd/rtp/rtp_packet.hpp"
#include "support/rtp/wrap_test_support.hpp"

namespace presentd::media {
namespace {

using Bytes = std::vector<std::uint8_t>;
using rtp::PayloadFormat;

// VP8 (RFC 7741): descriptor S=1 PID=0, then a keyframe's tag (P=0), start code and 320x240.
const Bytes kVp8Keyframe = {0x10, 0x00, 0x00, 0x00, 0x9d, 0x01, 0x2a, 0x40, 0x01, 0xf0, 0x00};
const Bytes kVp8InterFrame = {0x10, 0x01, 0x00, 0x00, 0xAB};    // P=1
const Bytes kVp8Continuation = {0x00, 0x00, 0x00, 0x00, 0xAB};  // S=0: the middle of a frame
// VP9 (RFC 9628): B=1 E=1, P=0 / P=1 (then one reference).
const Bytes kVp9Keyframe = {0x0C, 0x82, 0x49, 0x83};
const Bytes kVp9InterFrame = {0x4C, 0x02, 0xAB};
// H.264 (RFC 6184): NAL headers 0x65 IDR, 0x41 non-IDR slice, 0x67 SPS, 0x68 PPS; a first slice's
// data starts with bit 1 (first_mb_in_slice = 0).
const Bytes kH264Idr = {0x65, 0x88, 0x84};
const Bytes kH264Slice = {0x41, 0x9a, 0x02};
const Bytes kH264StapA = {0x78, 0x00, 0x02, 0x67, 0x42, 0x00, 0x02, 0x68, 0xce, 0x00, 0x03, 0x65, 0x88, 0x84};
const Bytes kH264FuAStartOfIdr = {0x7c, 0x85, 0x88, 0x01};
const Bytes kH264FuAMiddleOfIdr = {0x7c, 0x05, 0x01};

struct OpensCase {
  const char* name;
  PayloadFormat format;
  Bytes payload;
  bool opens;
};

const std::vector<OpensCase> kOpensCases = {
    {"Vp8Keyframe", PayloadFormat::vp8, kVp8Keyframe, true},
    {"Vp8InterFrame", PayloadFormat::vp8, kVp8InterFrame, false},
    {"Vp8Continuation", PayloadFormat::vp8, kVp8Continuation, false},
    {"Vp8Partition1", PayloadFormat::vp8, {0x11, 0x00, 0x00}, false},
    {"Vp8Empty", PayloadFormat::vp8, {}, false},
    {"Vp9Keyframe", PayloadFormat::vp9, kVp9Keyframe, true},
    {"Vp9InterFrame", PayloadFormat::vp9, kVp9InterFrame, false},
    {"H264Idr", PayloadFormat::h264, kH264Idr, true},
    {"H264Slice", PayloadFormat::h264, kH264Slice, false},
    {"H264StapAParameterSetsAndIdr", PayloadFormat::h264, kH264StapA, true},
    {"H264FuAStartOfIdr", PayloadFormat::h264, kH264FuAStartOfIdr, true},
    {"H264FuAMiddleOfIdr", PayloadFormat::h264, kH264FuAMiddleOfIdr, false},
    {"H264Malformed", PayloadFormat::h264, {0x78, 0x00, 0x09}, false},
    {"Opus", PayloadFormat::opus, {0xFC, 0x01}, true},
};

// gtest names a failing case by its name, not its bytes.
void PrintTo(const OpensCase& c, std::ostream* os) { *os << c.name; }

class KeyframeGateOpens : public ::testing::TestWithParam<OpensCase> {};

TEST_P(KeyframeGateOpens, OnlyAtTheStartOfAKeyframe) {
  const OpensCase& c = GetParam();
  KeyframeGate gate;
  EXPECT_FALSE(gate.is_open());
  EXPECT_EQ(gate.admit(c.format, c.payload), c.opens);
  EXPECT_EQ(gate.is_open(), c.opens);
  EXPECT_EQ(gate.stats().packets_held, c.opens ? 0u : 1u);
}

INSTANTIATE_TEST_SUITE_P(Forward, KeyframeGateOpens, ::testing::ValuesIn(kOpensCases),
                         [](const auto& param_info) { return std::string(param_info.param.name); });

TEST(KeyframeGate, PassesEverythingUntilClosedAgain) {
  KeyframeGate gate;
  EXPECT_FALSE(gate.admit(PayloadFormat::vp8, kVp8InterFrame));
  EXPECT_TRUE(gate.admit(PayloadFormat::vp8, kVp8Keyframe));
  EXPECT_TRUE(gate.admit(PayloadFormat::vp8, kVp8Continuation));
  EXPECT_TRUE(gate.admit(PayloadFormat::vp8, kVp8InterFrame));
  EXPECT_TRUE(gate.admit(PayloadFormat::vp8, {}));  // open: the gate judges nothing
  gate.close();
  EXPECT_FALSE(gate.admit(PayloadFormat::vp8, kVp8InterFrame));
  EXPECT_FALSE(gate.admit(PayloadFormat::h264, kH264FuAMiddleOfIdr));
  EXPECT_TRUE(gate.admit(PayloadFormat::h264, kH264StapA));
  EXPECT_EQ(gate.stats().packets_held, 3u);
  EXPECT_EQ(gate.stats().openings, 2u);
}

// A viewer watches A (VP8), then B (H.264): B's packets before its keyframe are held, and the
// keyframe continues the viewer's numbering right after A's last packet. Then A's video is
// paused mid-stream (gate closed, held packets skipped) and resumes at its next keyframe.
TEST(KeyframeGate, GatedDropThenKeyframeContinuesTheViewersNumbering) {
  for (std::uint32_t seed = 1; seed <= 8; ++seed) {
    SCOPED_TRACE(::testing::Message() << "seed " << seed);
    const std::uint16_t viewer_start = rtp::test::start_near_wrap(seed, 6);
    const std::uint16_t a_start = rtp::test::start_near_wrap(seed + 100, 6);
    const std::uint16_t b_start = rtp::test::start_near_wrap(seed + 200, 6);
    ViewerStreamConfig viewer;
    viewer.ssrc = 0x5EE;
    viewer.initial_sequence_number = viewer_start;
    OutgoingStreamRewriter rewriter(viewer);
    const SourceStreamConfig a{0xA, {{96, 102, PayloadFormat::vp8}}, {}};
    const SourceStreamConfig b{0xB, {{126, 104, PayloadFormat::h264}}, {}};
    KeyframeGate gate;
    ManualClock clock;
    Bytes out;
    std::vector<int> sent;  // viewer offsets, in sending order
    auto offer = [&](std::uint32_t ssrc, std::uint8_t pt, std::uint16_t seq, const Bytes& payload) {
      const Bytes bytes =
          rtp::RtpPacketBuilder().ssrc(ssrc).payload_type(pt).sequence_number(seq).payload(payload).build();
      const auto packet = *rtp::RtpPacket::parse(bytes);
      const auto format = rewriter.source_format(packet.payload_type());
      ASSERT_TRUE(format);
      if (!gate.admit(*format, packet.payload())) {
        rewriter.skip(packet);
        return;
      }
      const auto result = rewriter.rewrite(packet, clock.now(), out);
      ASSERT_TRUE(result);
      sent.push_back(static_cast<std::uint16_t>(result->sequence_number - viewer_start));
    };
    rewriter.select_source(a);
    offer(0xA, 96, a_start, kVp8InterFrame);                                    // join: held
    offer(0xA, 96, static_cast<std::uint16_t>(a_start + 1), kVp8Keyframe);      // -> 0
    offer(0xA, 96, static_cast<std::uint16_t>(a_start + 2), kVp8Continuation);  // -> 1
    rewriter.select_source(b);
    gate.close();
    for (int i = 0; i < 4; ++i) offer(0xB, 126, static_cast<std::uint16_t>(b_start + i), kH264Slice);
    offer(0xB, 126, static_cast<std::uint16_t>(b_start + 4), kH264StapA);           // -> 2
    offer(0xB, 126, static_cast<std::uint16_t>(b_start + 5), kH264FuAMiddleOfIdr);  // -> 3
    gate.close();                                                                   // paused mid-stream, same source
    offer(0xB, 126, static_cast<std::uint16_t>(b_start + 6), kH264Slice);           // held, skipped
    offer(0xB, 126, static_cast<std::uint16_t>(b_start + 7), kH264Slice);           // held, skipped
    offer(0xB, 126, static_cast<std::uint16_t>(b_start + 8), kH264Idr);             // -> 4
    EXPECT_EQ(sent, (std::vector<int>{0, 1, 2, 3, 4}));
    EXPECT_EQ(gate.stats().packets_held, 7u);
  }
}

}  // namespace
}  // namespace presentd::media
