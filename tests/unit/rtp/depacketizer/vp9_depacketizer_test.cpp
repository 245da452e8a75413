// SPDX-License-Identifier: Apache-2.0
// VP9 descriptor parsing (RFC 9628 §4.2, flexible and non-flexible mode, scalability structure)
// and assembly of one picture from its layer frames. Descriptors are hand-built from the diagrams.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "rtp/depacketizer/vp9_depacketizer.hpp"

namespace presentd::rtp {
namespace {

using Bytes = std::vector<std::uint8_t>;
using Payloads = std::vector<std::span<const std::uint8_t>>;

Bytes with_data(Bytes descriptor) {
  descriptor.push_back(0x82);  // one byte of VP9 frame data
  return descriptor;
}

// Non-flexible keyframe start: I=1 P=0 L=1 F=0 B=1 E=0 V=1 Z=0; 15-bit picture ID 0x0123;
// TID=0 U=0 SID=0 D=0; TL0PICIDX=5; SS: one layer (N_S=0) Y=1 G=1, 1280x720, N_G=1 with one
// picture (TID=0 U=0 R=1) referring one back.
const Bytes kNonFlexibleKeyframe = {0xaa, 0x81, 0x23, 0x00, 0x05, 0x18, 0x05, 0x00, 0x02, 0xd0, 0x01, 0x04, 0x01};
// Flexible inter frame, whole layer frame in one packet: I=1 P=1 L=1 F=1 B=1 E=1 V=0 Z=0; 7-bit
// picture ID 0x12; TID=2 U=1 SID=1 D=1; P_DIFF 1 (N=1) then P_DIFF 3 (N=0).
const Bytes kFlexibleInter = {0xfc, 0x12, 0x53, 0x03, 0x06};
// Three spatial layers with sizes only: V=1 B=1 E=1, SS N_S=2 Y=1 G=0.
const Bytes kThreeLayerSs = {0x0e, 0x50, 0x01, 0x40, 0x00, 0xb4, 0x02, 0x80, 0x01, 0x68, 0x05, 0x00, 0x02, 0xd0};

TEST(Vp9DescriptorTest, NonFlexibleModeWithScalabilityStructure) {
  const auto d = parse_vp9_descriptor(with_data(kNonFlexibleKeyframe));
  ASSERT_TRUE(d.has_value());
  EXPECT_FALSE(d->inter_picture_predicted);
  EXPECT_FALSE(d->flexible_mode);
  EXPECT_TRUE(d->beginning_of_frame);
  EXPECT_FALSE(d->end_of_frame);
  EXPECT_EQ(d->picture_id, 0x0123);
  EXPECT_TRUE(d->picture_id_15bit);
  EXPECT_EQ(d->temporal_id, 0);
  EXPECT_EQ(d->spatial_id, 0);
  EXPECT_EQ(d->tl0_pic_idx, 5);
  EXPECT_EQ(d->reference_count, 0);
  ASSERT_TRUE(d->scalability.has_value());
  EXPECT_EQ(d->scalability->spatial_layers, 1);
  EXPECT_TRUE(d->scalability->has_resolutions);
  EXPECT_EQ(d->scalability->resolutions[0].width, 1280);
  EXPECT_EQ(d->scalability->resolutions[0].height, 720);
  EXPECT_EQ(d->scalability->pictures_in_group, 1);
  EXPECT_EQ(d->payload_offset, kNonFlexibleKeyframe.size());
  EXPECT_TRUE(d->keyframe());
}

TEST(Vp9DescriptorTest, FlexibleModeWithReferences) {
  const auto d = parse_vp9_descriptor(with_data(kFlexibleInter));
  ASSERT_TRUE(d.has_value());
  EXPECT_TRUE(d->inter_picture_predicted);
  EXPECT_TRUE(d->flexible_mode);
  EXPECT_TRUE(d->beginning_of_frame);
  EXPECT_TRUE(d->end_of_frame);
  EXPECT_EQ(d->picture_id, 0x12);
  EXPECT_FALSE(d->picture_id_15bit);
  EXPECT_EQ(d->temporal_id, 2);
  EXPECT_TRUE(d->switching_up_point);
  EXPECT_EQ(d->spatial_id, 1);
  EXPECT_TRUE(d->inter_layer_dependency);
  EXPECT_FALSE(d->tl0_pic_idx.has_value());  // flexible mode has no TL0PICIDX
  ASSERT_EQ(d->reference_count, 2);
  EXPECT_EQ(d->reference_diffs[0], 1);
  EXPECT_EQ(d->reference_diffs[1], 3);
  EXPECT_FALSE(d->scalability.has_value());
  EXPECT_EQ(d->payload_offset, kFlexibleInter.size());
  EXPECT_FALSE(d->starts_frame());  // B on spatial layer 1 does not start the picture
}

TEST(Vp9DescriptorTest, EveryTruncationIsRejected) {
  for (const auto& descriptor : {kNonFlexibleKeyframe, kFlexibleInter, kThreeLayerSs}) {
    for (std::size_t n = 0; n <= descriptor.size(); ++n) {
      EXPECT_FALSE(parse_vp9_descriptor(Bytes(descriptor.begin(), descriptor.begin() + n)).has_value()) << n;
    }
  }
}

TEST(Vp9DescriptorTest, RejectsMoreThanThreeReferences) {
  // Flexible, P=1: three P_DIFF bytes that all say "another one follows".
  EXPECT_FALSE(parse_vp9_descriptor(Bytes{0x58, 0x03, 0x05, 0x07, 0x09, 0x82}).has_value());
  const auto three = parse_vp9_descriptor(Bytes{0x58, 0x03, 0x05, 0x06, 0x82});
  ASSERT_TRUE(three.has_value());
  EXPECT_EQ(three->reference_count, 3);
}

struct InspectCase {
  std::string name;
  Bytes descriptor;
  bool frame_start;
  bool keyframe;
  std::uint16_t width;
  std::uint16_t height;
};

class Vp9InspectTest : public ::testing::TestWithParam<InspectCase> {};

TEST_P(Vp9InspectTest, ReportsStartKeyframeAndSize) {
  const auto& c = GetParam();
  Vp9Depacketizer depacketizer;
  const auto info = depacketizer.inspect(with_data(c.descriptor));
  ASSERT_TRUE(info.has_value());
  EXPECT_EQ(info->frame_start, c.frame_start);
  EXPECT_EQ(info->keyframe, c.keyframe);
  EXPECT_EQ(info->width, c.width);
  EXPECT_EQ(info->height, c.height);
}

INSTANTIATE_TEST_SUITE_P(
    Rfc9628, Vp9InspectTest,
    ::testing::Values(InspectCase{"NonFlexibleKeyframe", kNonFlexibleKeyframe, true, true, 1280, 720},
                      InspectCase{"UpperLayerInter", kFlexibleInter, false, false, 0, 0},
                      InspectCase{"ThreeLayersReportsTopSize", kThreeLayerSs, true, true, 1280, 720},
                      InspectCase{"MiddlePacket", {0x00}, false, false, 0, 0},
                      InspectCase{"InterStartNoLayers", {0x48}, true, false, 0, 0},
                      // B=1, !P, but spatial layer 1 (L: SID=1): not the start of the picture.
                      InspectCase{"UpperLayerIntra", {0x2c, 0x02, 0x00}, false, false, 0, 0}),
    [](const auto& test_info) { return test_info.param.name; });

TEST(Vp9AssembleTest, ConcatenatesLayerFramesOfOnePicture) {
  Vp9Depacketizer depacketizer;
  const Bytes base_start = {0x28, 0x00, 0x07, 0x10, 0x11};  // L, B; SID 0; TL0PICIDX 7
  const Bytes base_end = {0x24, 0x00, 0x07, 0x12};          // L, E
  const Bytes upper = {0x2c, 0x03, 0x07, 0x20};             // L, B, E; SID 1, D=1
  const auto frame = depacketizer.assemble(Payloads{base_start, base_end, upper});
  ASSERT_TRUE(frame.has_value());
  EXPECT_TRUE(frame->keyframe);
  EXPECT_EQ(frame->bitstream, (Bytes{0x10, 0x11, 0x12, 0x20}));
}

TEST(Vp9AssembleTest, RejectsBrokenLayerFrameBoundaries) {
  const Bytes start = {0x48, 0x01};   // P, B
  const Bytes middle = {0x40, 0x02};  // P
  const Bytes end = {0x44, 0x03};     // P, E
  const Bytes whole = {0x4c, 0x04};   // P, B, E
  const std::vector<std::pair<std::string, Payloads>> cases = {
      {"no packets", {}},
      {"first packet is not B", {middle, end}},
      {"last packet is not E", {start, middle}},
      {"B inside a layer frame", {start, start, end}},
      {"continuation after E", {whole, middle, end}},
  };
  for (const auto& [name, payloads] : cases) {
    Vp9Depacketizer depacketizer;
    EXPECT_FALSE(depacketizer.assemble(payloads).has_value()) << name;
  }
  Vp9Depacketizer depacketizer;
  const auto ok = depacketizer.assemble(Payloads{start, middle, end});
  ASSERT_TRUE(ok.has_value());
  EXPECT_FALSE(ok->keyframe);
  EXPECT_EQ(ok->bitstream, (Bytes{0x01, 0x02, 0x03}));
}

}  // namespace
}  // namespace presentd::rtp
