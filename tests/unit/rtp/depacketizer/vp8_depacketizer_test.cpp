// SPDX-License-Identifier: Apache-2.0
// VP8 descriptor parsing (RFC 7741 §4.2), frame header parsing (RFC 6386 §9.1) and frame assembly.
// Descriptors are hand-built bit by bit from the §4.2 diagram; the captured-stream test covers
// what a real payloader sends.
#include <gtest/gtest.h>

#include <optional>
#include <string>
#include <vector>

#include "rtp/depacketizer/vp8_depacketizer.hpp"

namespace presentd::rtp {
namespace {

using Bytes = std::vector<std::uint8_t>;

Bytes concat(Bytes a, const Bytes& b) {
  a.insert(a.end(), b.begin(), b.end());
  return a;
}

// A 320x240 keyframe's first 10 bytes: frame tag (P=0, show_frame=1, first partition 2 bytes:
// Size0=2), start code, sizes with scaling bits set on the width (they must not leak into the size).
const Bytes kKeyframeStart = {0x50, 0x00, 0x00, 0x9d, 0x01, 0x2a, 0x40, 0x41, 0xf0, 0x00};
// An interframe tag (P=1, first partition 1 byte: Size0=1) and that byte.
const Bytes kInterframeStart = {0x31, 0x00, 0x00, 0xaa};

struct DescriptorCase {
  std::string name;
  Bytes descriptor;
  Vp8Descriptor expected;
};

Vp8Descriptor make(bool s, std::uint8_t pid, std::size_t offset) {
  Vp8Descriptor d;
  d.start_of_partition = s;
  d.partition_index = pid;
  d.payload_offset = offset;
  return d;
}

std::vector<DescriptorCase> descriptor_cases() {
  std::vector<DescriptorCase> cases;
  cases.push_back({"MinimalStart", {0x10}, make(true, 0, 1)});
  cases.push_back({"SecondPartitionContinuation", {0x03}, make(false, 3, 1)});
  {
    auto d = make(true, 0, 3);  // X=1, I=1, M=0, PictureID=17
    d.picture_id = 17;
    cases.push_back({"SevenBitPictureId", {0x90, 0x80, 0x11}, d});
  }
  {
    auto d = make(true, 0, 4);  // M=1, 15-bit PictureID 0x1234
    d.picture_id = 0x1234;
    d.picture_id_15bit = true;
    cases.push_back({"FifteenBitPictureId", {0x90, 0x80, 0x92, 0x34}, d});
  }
  {
    auto d = make(false, 1, 5);  // I (max 15-bit ID) + L
    d.picture_id = 0x7fff;
    d.picture_id_15bit = true;
    d.tl0_pic_idx = 200;
    cases.push_back({"PictureIdAndTl0PicIdx", {0x81, 0xc0, 0xff, 0xff, 200}, d});
  }
  {
    auto d = make(true, 0, 3);  // N=1, T only: TID=2, Y=1; KEYIDX ignored without K
    d.non_reference = true;
    d.temporal_id = 2;
    d.layer_sync = true;
    cases.push_back({"NonReferenceTemporalLayer", {0xb0, 0x20, 0xbf}, d});
  }
  {
    auto d = make(true, 0, 3);  // K only: KEYIDX=31, TID bits ignored without T
    d.key_idx = 31;
    cases.push_back({"KeyIdxOnly", {0x90, 0x10, 0xdf}, d});
  }
  {
    auto d = make(true, 0, 6);  // every extension: I (15-bit), L, T and K in one byte
    d.picture_id = 0x0102;
    d.picture_id_15bit = true;
    d.tl0_pic_idx = 7;
    d.temporal_id = 1;
    d.key_idx = 5;
    cases.push_back({"AllExtensions", {0x90, 0xf0, 0x81, 0x02, 0x07, 0x45}, d});
  }
  {
    auto d = make(true, 0, 2);  // X=1 with no extension flags: just the extra byte
    cases.push_back({"EmptyExtensionByte", {0x90, 0x00}, d});
  }
  return cases;
}

class Vp8DescriptorTest : public ::testing::TestWithParam<DescriptorCase> {};

TEST_P(Vp8DescriptorTest, ParsesEveryField) {
  const auto& c = GetParam();
  const auto d = parse_vp8_descriptor(concat(c.descriptor, {0xaa}));
  ASSERT_TRUE(d.has_value());
  EXPECT_EQ(d->non_reference, c.expected.non_reference);
  EXPECT_EQ(d->start_of_partition, c.expected.start_of_partition);
  EXPECT_EQ(d->partition_index, c.expected.partition_index);
  EXPECT_EQ(d->picture_id, c.expected.picture_id);
  EXPECT_EQ(d->picture_id_15bit, c.expected.picture_id_15bit);
  EXPECT_EQ(d->tl0_pic_idx, c.expected.tl0_pic_idx);
  EXPECT_EQ(d->temporal_id, c.expected.temporal_id);
  EXPECT_EQ(d->layer_sync, c.expected.layer_sync);
  EXPECT_EQ(d->key_idx, c.expected.key_idx);
  EXPECT_EQ(d->payload_offset, c.expected.payload_offset);
  // Every proper prefix of the descriptor alone is truncated or has no data behind it.
  for (std::size_t n = 0; n <= c.descriptor.size(); ++n) {
    EXPECT_FALSE(parse_vp8_descriptor(Bytes(c.descriptor.begin(), c.descriptor.begin() + n)).has_value()) << n;
  }
}

INSTANTIATE_TEST_SUITE_P(Rfc7741, Vp8DescriptorTest, ::testing::ValuesIn(descriptor_cases()),
                         [](const auto& test_info) { return test_info.param.name; });

TEST(Vp8FrameHeaderTest, ReadsKeyframeSizeWithoutScalingBits) {
  const auto header = parse_vp8_frame_header(kKeyframeStart);
  ASSERT_TRUE(header.has_value());
  EXPECT_TRUE(header->keyframe);
  EXPECT_EQ(header->width, 320);
  EXPECT_EQ(header->height, 240);
}

TEST(Vp8FrameHeaderTest, InterframeHasNoSize) {
  const auto header = parse_vp8_frame_header(kInterframeStart);
  ASSERT_TRUE(header.has_value());
  EXPECT_FALSE(header->keyframe);
  EXPECT_EQ(header->width, 0);
  EXPECT_FALSE(parse_vp8_frame_header(Bytes{0x31, 0x00}).has_value());  // the tag is 3 bytes
}

TEST(Vp8FrameHeaderTest, FirstPartitionSizeSpansAllThreeTagBytes) {
  // RFC 6386 §9.1: size = Size0 (top 3 bits of byte 0) | byte 1 << 3 | byte 2 << 11, here
  // 0b101 | 0x34 << 3 | 0x12 << 11 = 5 + 416 + 36864. Chrome's keyframes of a 720p screen carry
  // first partitions of about 2 kB, far more than the first RTP packet.
  const auto header = parse_vp8_frame_header(Bytes{0xb1, 0x34, 0x12});
  ASSERT_TRUE(header.has_value());
  EXPECT_EQ(header->first_partition_size, 5u + 416u + 36864u);
  EXPECT_EQ(header->minimum_frame_size(), 3u + 5u + 416u + 36864u);
  const auto key = parse_vp8_frame_header(kKeyframeStart);
  ASSERT_TRUE(key.has_value());
  EXPECT_EQ(key->first_partition_size, 2u);
  EXPECT_EQ(key->minimum_frame_size(), 12u);
}

TEST(Vp8FrameHeaderTest, RejectsBadOrTruncatedKeyframeHeader) {
  Bytes wrong_start_code = kKeyframeStart;
  wrong_start_code[4] = 0x02;
  EXPECT_FALSE(parse_vp8_frame_header(wrong_start_code).has_value());
  for (std::size_t n = 0; n < kKeyframeStart.size(); ++n) {
    EXPECT_FALSE(parse_vp8_frame_header(Bytes(kKeyframeStart.begin(), kKeyframeStart.begin() + n)).has_value()) << n;
  }
}

TEST(Vp8DepacketizerTest, InspectReportsStartKeyframeAndSize) {
  Vp8Depacketizer depacketizer;
  const auto key = depacketizer.inspect(concat({0x90, 0x80, 0x11}, kKeyframeStart));
  ASSERT_TRUE(key.has_value());
  EXPECT_TRUE(key->frame_start);
  EXPECT_TRUE(key->keyframe);
  EXPECT_EQ(key->width, 320);
  EXPECT_EQ(key->height, 240);

  const auto inter = depacketizer.inspect(concat({0x10}, kInterframeStart));
  ASSERT_TRUE(inter.has_value());
  EXPECT_TRUE(inter->frame_start);
  EXPECT_FALSE(inter->keyframe);

  // S=1 on partition 1 is not a frame start, and its bytes are not a frame header.
  const auto partition1 = depacketizer.inspect(Bytes{0x11, 0x00});
  ASSERT_TRUE(partition1.has_value());
  EXPECT_FALSE(partition1->frame_start);
  EXPECT_FALSE(partition1->keyframe);

  EXPECT_FALSE(depacketizer.inspect({}).has_value());
  EXPECT_FALSE(depacketizer.inspect(Bytes{0x10}).has_value());
  // A keyframe start whose header continues in the next packet: a keyframe of unknown size.
  const auto split = depacketizer.inspect(Bytes{0x10, 0x10, 0x02, 0x00, 0x9d});
  ASSERT_TRUE(split.has_value());
  EXPECT_TRUE(split->keyframe);
  EXPECT_EQ(split->width, 0);
  // A complete keyframe header with a wrong start code is malformed.
  EXPECT_FALSE(
      depacketizer.inspect(Bytes{0x10, 0x10, 0x02, 0x00, 0x9d, 0x01, 0x2b, 0x40, 0x01, 0xf0, 0x00}).has_value());
}

TEST(Vp8DepacketizerTest, AssembleStripsDescriptorsInOrder) {
  Vp8Depacketizer depacketizer;
  const Bytes first = concat({0x90, 0x80, 0x81, 0x00}, kKeyframeStart);
  const Bytes middle = {0x80, 0x80, 0x81, 0x00, 0x01, 0x02};  // the 2-byte first partition
  const Bytes last = {0x01, 0x03};                            // continuation of partition 1, no extensions
  const std::vector<std::span<const std::uint8_t>> payloads = {first, middle, last};
  const auto frame = depacketizer.assemble(payloads);
  ASSERT_TRUE(frame.has_value());
  EXPECT_TRUE(frame->keyframe);
  EXPECT_EQ(frame->bitstream, concat(kKeyframeStart, {0x01, 0x02, 0x03}));
}

TEST(Vp8DepacketizerTest, AssembleRejectsMissingStartOrTwoStarts) {
  Vp8Depacketizer depacketizer;
  const Bytes start = concat({0x10}, kInterframeStart);
  const Bytes continuation = {0x00, 0x05};
  const Bytes bad = {0x80};
  using Payloads = std::vector<std::span<const std::uint8_t>>;
  EXPECT_FALSE(depacketizer.assemble(Payloads{}).has_value());
  EXPECT_FALSE(depacketizer.assemble(Payloads{continuation, start}).has_value());
  EXPECT_FALSE(depacketizer.assemble(Payloads{start, start}).has_value());
  EXPECT_FALSE(depacketizer.assemble(Payloads{start, bad}).has_value());
  EXPECT_TRUE(depacketizer.assemble(Payloads{start, continuation}).has_value());
}

// A frame whose sender dropped its last packets but marked nothing (no sequence gap) still fails
// the size check: the bytes cannot hold the first partition the frame tag announces. Without it
// FFmpeg logs "Header size larger than data provided" and counts a decode error.
TEST(Vp8DepacketizerTest, AssembleRejectsFramesShorterThanTheirFirstPartition) {
  Vp8Depacketizer depacketizer;
  using Payloads = std::vector<std::span<const std::uint8_t>>;
  const Bytes key_start = concat({0x90, 0x80, 0x81, 0x00}, kKeyframeStart);  // announces 2 bytes
  const Bytes one = {0x80, 0x80, 0x81, 0x00, 0x01};
  const Bytes two = {0x80, 0x80, 0x81, 0x00, 0x02};
  EXPECT_FALSE(depacketizer.assemble(Payloads{key_start}).has_value());
  EXPECT_FALSE(depacketizer.assemble(Payloads{key_start, one}).has_value());
  EXPECT_TRUE(depacketizer.assemble(Payloads{key_start, one, two}).has_value());
  const Bytes inter_tag_only = {0x10, 0x31, 0x00, 0x00};  // announces 1 byte, carries none
  EXPECT_FALSE(depacketizer.assemble(Payloads{inter_tag_only}).has_value());
}

// The example streams of RFC 7741 §4.6, packet by packet, descriptors built from their stated
// fields: what inspect() says of each packet and what assemble() makes of the frame.
struct ExamplePacket {
  Bytes payload;
  bool frame_start;
  bool keyframe;
  std::optional<std::uint16_t> picture_id;
};

void expect_example(const std::vector<ExamplePacket>& packets, const Bytes& expected_frame, bool keyframe) {
  Vp8Depacketizer depacketizer;
  std::vector<std::span<const std::uint8_t>> payloads;
  for (std::size_t i = 0; i < packets.size(); ++i) {
    const auto& packet = packets[i];
    const auto info = depacketizer.inspect(packet.payload);
    ASSERT_TRUE(info.has_value()) << "packet " << i;
    EXPECT_EQ(info->frame_start, packet.frame_start) << "packet " << i;
    EXPECT_EQ(info->keyframe, packet.keyframe) << "packet " << i;
    EXPECT_EQ(parse_vp8_descriptor(packet.payload)->picture_id, packet.picture_id) << "packet " << i;
    payloads.push_back(packet.payload);
  }
  const auto frame = depacketizer.assemble(payloads);
  ASSERT_TRUE(frame.has_value());
  EXPECT_EQ(frame->keyframe, keyframe);
  EXPECT_EQ(frame->bitstream, expected_frame);
}

TEST(Vp8Rfc7741Examples, KeyFrameInOnePacket) {
  // X=1, S=1, PID=0; I=1 with the 7-bit PictureID 17; the keyframe with its 2-byte first partition.
  const Bytes keyframe = concat(kKeyframeStart, {0x01, 0x02});
  expect_example({{concat({0x90, 0x80, 0x11}, keyframe), true, true, 17}}, keyframe, true);
}

TEST(Vp8Rfc7741Examples, NonDiscardableInterframeWithoutPictureId) {
  // X=0 (no extension byte, hence no PictureID), N=0, S=1, PID=0.
  expect_example({{concat({0x10}, kInterframeStart), true, false, std::nullopt}}, kInterframeStart, false);
}

TEST(Vp8Rfc7741Examples, PartitionsInSeparatePackets) {
  // The first partition in one packet, the second in the next, each starting its partition
  // (S=1) with its own index; both carry the frame's PictureID. Only partition 0 starts a frame.
  expect_example({{concat({0x90, 0x80, 0x11}, kInterframeStart), true, false, 17},
                  {{0x91, 0x80, 0x11, 0xbb, 0xcc}, false, false, 17}},
                 concat(kInterframeStart, {0xbb, 0xcc}), false);
}

TEST(Vp8Rfc7741Examples, FrameFragmentedAcrossPackets) {
  // One partition split over three packets: S=1 on the first only, PID=0 throughout.
  const Bytes fragment1(kKeyframeStart.begin(), kKeyframeStart.begin() + 4);
  const Bytes fragment2(kKeyframeStart.begin() + 4, kKeyframeStart.end());
  expect_example({{concat({0x90, 0x80, 0x11}, fragment1), true, true, 17},
                  {concat({0x80, 0x80, 0x11}, fragment2), false, false, 17},
                  {{0x80, 0x80, 0x11, 0x01, 0x02}, false, false, 17}},
                 concat(kKeyframeStart, {0x01, 0x02}), true);
}

TEST(Vp8Rfc7741Examples, LongPictureId) {
  // M=1: the 15-bit PictureID 4711 (0x1267) over two bytes.
  expect_example({{concat({0x90, 0x80, 0x92, 0x67}, kInterframeStart), true, false, 4711}}, kInterframeStart, false);
}

}  // namespace
}  // namespace presentd::rtp
