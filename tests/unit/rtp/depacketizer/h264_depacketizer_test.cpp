// SPDX-License-Identifier: Apache-2.0
// H.264 depacketizer (RFC 6184, packetization-mode 1): per-packet inspection of every packet type,
// Annex B assembly, FU-A consistency, and SPS/PPS carried into IDR frames that lack them.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "rtp/depacketizer/h264_depacketizer.hpp"

namespace presentd::rtp {
namespace {

using Bytes = std::vector<std::uint8_t>;
using Payloads = std::vector<std::span<const std::uint8_t>>;

// NAL units as an encoder would emit them (header byte first). Slice data starting with a 1 bit
// has first_mb_in_slice == 0.
const Bytes kSps = {0x67, 0x42, 0xc0, 0x0d};
const Bytes kPps = {0x68, 0xce, 0x3c, 0x80};
const Bytes kAud = {0x09, 0xf0};
const Bytes kSei = {0x06, 0x05, 0x01, 0x00};
const Bytes kIdr = {0x65, 0x88, 0x84, 0x00};
const Bytes kSlice = {0x41, 0x9a, 0x02, 0x03};
const Bytes kSecondSlice = {0x41, 0x1a, 0x02, 0x03};  // first_mb_in_slice != 0

Bytes annexb(std::initializer_list<Bytes> nals) {
  Bytes out;
  for (const auto& nal : nals) {
    out.insert(out.end(), {0, 0, 0, 1});
    out.insert(out.end(), nal.begin(), nal.end());
  }
  return out;
}

Bytes stap_a(std::initializer_list<Bytes> nals) {
  Bytes out = {0x78};  // F=0, NRI=3, type 24
  for (const auto& nal : nals) {
    out.push_back(static_cast<std::uint8_t>(nal.size() >> 8));
    out.push_back(static_cast<std::uint8_t>(nal.size()));
    out.insert(out.end(), nal.begin(), nal.end());
  }
  return out;
}

// FU indicator 0x5c (NRI=2, type 28); FU header S/E bits plus the fragmented NAL's type.
Bytes fu_a(bool start, bool end, std::uint8_t type, Bytes data) {
  data.insert(data.begin(), {0x5c, static_cast<std::uint8_t>((start ? 0x80 : 0) | (end ? 0x40 : 0) | type)});
  return data;
}

struct InspectCase {
  std::string name;
  Bytes payload;
  bool valid;
  bool frame_start;
  bool keyframe;
};

std::vector<InspectCase> inspect_cases() {
  return {
      {"Aud", kAud, true, true, false},
      {"Sps", kSps, true, true, true},
      {"Pps", kPps, true, true, false},
      {"Sei", kSei, true, true, false},
      {"IdrFirstSlice", kIdr, true, true, true},
      {"FirstSlice", kSlice, true, true, false},
      {"LaterSlice", kSecondSlice, true, false, false},
      {"SliceWithoutHeader", {0x41}, true, false, false},
      {"StapAParameterSetsAndIdr", stap_a({kSps, kPps, kIdr}), true, true, true},
      {"StapAStartingWithLaterSlice", stap_a({kSecondSlice, kSecondSlice}), true, false, false},
      {"FuAStartOfIdr", fu_a(true, false, 5, {0x88, 0x01}), true, true, true},
      {"FuAStartOfLaterSlice", fu_a(true, false, 1, {0x1a}), true, false, false},
      {"FuAMiddleOfIdr", fu_a(false, false, 5, {0x01}), true, false, true},
      {"FuAEndOfSlice", fu_a(false, true, 1, {0x9a}), true, false, false},
      {"FuAEmptyEnd", fu_a(false, true, 1, {}), true, false, false},
      {"Empty", {}, false, false, false},
      {"NalType0", {0x00, 0x01}, false, false, false},
      {"StapB", {0x79, 0x00, 0x00, 0x00, 0x02, 0x09, 0xf0}, false, false, false},
      {"Mtap16", {0x7a, 0x00, 0x00}, false, false, false},
      {"Mtap24", {0x7b, 0x00, 0x00}, false, false, false},
      {"FuB", {0x7d, 0x85, 0x00, 0x00, 0x88}, false, false, false},
      {"NalType30", {0x7e, 0x00}, false, false, false},
      {"NalType31", {0x7f, 0x00}, false, false, false},
      {"StapAEmpty", {0x78}, false, false, false},
      {"StapAZeroSize", {0x78, 0x00, 0x00}, false, false, false},
      {"StapASizePastEnd", {0x78, 0x00, 0x05, 0x09, 0xf0}, false, false, false},
      {"StapAHalfSizeField", {0x78, 0x00, 0x02, 0x09, 0xf0, 0x00}, false, false, false},
      {"StapANestedFuA", stap_a({{0x7c, 0x85, 0x88}}), false, false, false},
      {"FuAWithoutHeader", {0x5c}, false, false, false},
      {"FuAStartAndEnd", fu_a(true, true, 5, {0x88}), false, false, false},
      {"FuAOfStapA", fu_a(true, false, 24, {0x00}), false, false, false},
      {"FuAOfNalType0", fu_a(true, false, 0, {0x00}), false, false, false},
  };
}

class H264InspectTest : public ::testing::TestWithParam<InspectCase> {};

TEST_P(H264InspectTest, ClassifiesPacket) {
  const auto& c = GetParam();
  H264Depacketizer depacketizer;
  const auto info = depacketizer.inspect(c.payload);
  // The forwarder's keyframe gate opens exactly where a frame start carries a keyframe.
  EXPECT_EQ(starts_keyframe(PayloadFormat::h264, c.payload), c.valid && c.frame_start && c.keyframe);
  ASSERT_EQ(info.has_value(), c.valid);
  if (!info) return;
  EXPECT_EQ(info->frame_start, c.frame_start);
  EXPECT_EQ(info->keyframe, c.keyframe);
  EXPECT_EQ(info->width, 0);
}

INSTANTIATE_TEST_SUITE_P(Rfc6184, H264InspectTest, ::testing::ValuesIn(inspect_cases()),
                         [](const auto& test_info) { return test_info.param.name; });

TEST(H264AssembleTest, BuildsAnnexBFromAllPacketTypes) {
  H264Depacketizer depacketizer;
  const Bytes p1 = stap_a({kAud, kSps, kPps});
  const Bytes p2 = fu_a(true, false, 5, {0x88, 0x84});
  const Bytes p3 = fu_a(false, false, 5, {0x00, 0x01});
  const Bytes p4 = fu_a(false, true, 5, {0x02});
  const Bytes p5 = kSecondSlice;
  const auto frame = depacketizer.assemble(Payloads{p1, p2, p3, p4, p5});
  ASSERT_TRUE(frame.has_value());
  EXPECT_TRUE(frame->keyframe);
  // The FU-A NAL header is F/NRI of the indicator (NRI=2) with the FU header's type: 0x45.
  EXPECT_EQ(frame->bitstream, annexb({kAud, kSps, kPps, {0x45, 0x88, 0x84, 0x00, 0x01, 0x02}, kSecondSlice}));
}

TEST(H264AssembleTest, RejectsInconsistentFragments) {
  const Bytes start = fu_a(true, false, 5, {0x88});
  const Bytes middle = fu_a(false, false, 5, {0x01});
  const Bytes end = fu_a(false, true, 5, {0x02});
  const Bytes other_type_end = fu_a(false, true, 1, {0x02});
  const Bytes fu_b = {0x7d, 0x85, 0x88};
  const std::vector<std::pair<std::string, Payloads>> malformed = {
      {"middle without start", {middle, end}},
      {"end without start", {end}},
      {"start without end", {start, middle}},
      {"single NAL inside a fragmented one", {start, kSlice, end}},
      {"two starts", {start, start, end}},
      {"end of a different NAL type", {start, other_type_end}},
      {"end after the NAL already ended", {start, end, end}},
      {"malformed packet", {kAud, fu_b}},
      {"no packets", {}},
  };
  for (const auto& [name, payloads] : malformed) {
    H264Depacketizer depacketizer;
    EXPECT_FALSE(depacketizer.assemble(payloads).has_value()) << name;
  }
  H264Depacketizer depacketizer;
  EXPECT_TRUE(depacketizer.assemble(Payloads{start, middle, end}).has_value());
}

TEST(H264AssembleTest, CarriesLatestSpsPpsIntoIdrThatLacksThem) {
  H264Depacketizer depacketizer;
  const Bytes first = stap_a({kSps, kPps, kIdr});
  ASSERT_EQ(depacketizer.assemble(Payloads{first})->bitstream, annexb({kSps, kPps, kIdr}));

  // A non-IDR frame gets nothing added.
  const auto inter = depacketizer.assemble(Payloads{kSlice});
  ASSERT_TRUE(inter.has_value());
  EXPECT_FALSE(inter->keyframe);
  EXPECT_EQ(inter->bitstream, annexb({kSlice}));

  // A bare IDR gets both, in front of the slice.
  const auto bare = depacketizer.assemble(Payloads{kIdr});
  ASSERT_TRUE(bare.has_value());
  EXPECT_TRUE(bare->keyframe);
  EXPECT_EQ(bare->bitstream, annexb({kSps, kPps, kIdr}));

  // An AUD stays first: parameter sets go right before the first slice.
  EXPECT_EQ(depacketizer.assemble(Payloads{kAud, kIdr})->bitstream, annexb({kAud, kSps, kPps, kIdr}));

  // A new SPS replaces the remembered one; an IDR with its own SPS only gets the PPS.
  const Bytes new_sps = {0x67, 0x64, 0x00, 0x1f};
  EXPECT_EQ(depacketizer.assemble(Payloads{new_sps, kIdr})->bitstream, annexb({new_sps, kPps, kIdr}));
  EXPECT_EQ(depacketizer.assemble(Payloads{kIdr})->bitstream, annexb({new_sps, kPps, kIdr}));
}

TEST(H264AssembleTest, IdrWithNothingRememberedIsPassedThrough) {
  H264Depacketizer depacketizer;
  const auto frame = depacketizer.assemble(Payloads{kIdr});
  ASSERT_TRUE(frame.has_value());
  EXPECT_TRUE(frame->keyframe);
  EXPECT_EQ(frame->bitstream, annexb({kIdr}));
}

TEST(H264AssembleTest, FailedFrameDoesNotUpdateParameterSets) {
  H264Depacketizer depacketizer;
  ASSERT_TRUE(depacketizer.assemble(Payloads{stap_a({kSps, kPps, kIdr})}).has_value());
  const Bytes other_sps = {0x67, 0x4d, 0x00, 0x28};
  const Bytes orphan_end = fu_a(false, true, 5, {0x02});
  EXPECT_FALSE(depacketizer.assemble(Payloads{other_sps, orphan_end}).has_value());
  EXPECT_EQ(depacketizer.assemble(Payloads{kIdr})->bitstream, annexb({kSps, kPps, kIdr}));
}

}  // namespace
}  // namespace presentd::rtp
