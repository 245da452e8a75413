// SPDX-License-Identifier: Apache-2.0
// Opus (RFC 7587): one RTP payload is one Opus packet; and the factory's format dispatch.
#include <gtest/gtest.h>

#include <vector>

#include "presentd/rtp/depacketizer/depacketizer.hpp"
#include "rtp/depacketizer/h264_depacketizer.hpp"
#include "rtp/depacketizer/opus_depacketizer.hpp"
#include "rtp/depacketizer/vp8_depacketizer.hpp"
#include "rtp/depacketizer/vp9_depacketizer.hpp"

namespace presentd::rtp {
namespace {

using Bytes = std::vector<std::uint8_t>;
using Payloads = std::vector<std::span<const std::uint8_t>>;

TEST(OpusDepacketizerTest, EveryPacketIsAWholeIndependentFrame) {
  OpusDepacketizer depacketizer;
  const Bytes packet = {0xfc, 0xff, 0xfe};  // TOC: CELT FB 20 ms, code 0, then frame bytes
  const auto info = depacketizer.inspect(packet);
  ASSERT_TRUE(info.has_value());
  EXPECT_TRUE(info->frame_start);
  EXPECT_TRUE(info->keyframe);
  const auto frame = depacketizer.assemble(Payloads{packet});
  ASSERT_TRUE(frame.has_value());
  EXPECT_TRUE(frame->keyframe);
  EXPECT_EQ(frame->bitstream, packet);
}

TEST(OpusDepacketizerTest, RejectsEmptyPayloadAndMultiPacketFrames) {
  OpusDepacketizer depacketizer;
  const Bytes empty;
  const Bytes packet = {0x78};
  EXPECT_FALSE(depacketizer.inspect(empty).has_value());
  EXPECT_FALSE(depacketizer.assemble(Payloads{empty}).has_value());
  EXPECT_FALSE(depacketizer.assemble(Payloads{}).has_value());
  EXPECT_FALSE(depacketizer.assemble(Payloads{packet, packet}).has_value());
}

TEST(MakeDepacketizerTest, ReturnsTheImplementationForEachFormat) {
  EXPECT_NE(dynamic_cast<Vp8Depacketizer*>(make_depacketizer(PayloadFormat::vp8).get()), nullptr);
  EXPECT_NE(dynamic_cast<Vp9Depacketizer*>(make_depacketizer(PayloadFormat::vp9).get()), nullptr);
  EXPECT_NE(dynamic_cast<H264Depacketizer*>(make_depacketizer(PayloadFormat::h264).get()), nullptr);
  EXPECT_NE(dynamic_cast<OpusDepacketizer*>(make_depacketizer(PayloadFormat::opus).get()), nullptr);
}

}  // namespace
}  // namespace presentd::rtp
