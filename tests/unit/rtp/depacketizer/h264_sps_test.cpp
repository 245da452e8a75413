// SPDX-License-Identifier: Apache-2.0
// The picture size an H.264 SPS announces, read before decoding: real SPSs from libx264 at the
// sizes presenters send (cropping included), OpenH264's from the GStreamer capture, SPSs written
// bit by bit for the syntax branches encoders here do not emit (high profile with scaling lists,
// POC type 1, field coding, 4:2:2 and 4:4:4 cropping, emulation prevention), and every cut of a
// real SPS refused rather than read past its end. The depacketizer reports the size of a STAP-A's
// SPS so the decode worker drops keyframes announcing more than it decodes.
#include "rtp/depacketizer/h264_sps.hpp"

#include <gtest/gtest.h>

#include <vector>

#include "rtp/depacketizer/h264_depacketizer.hpp"
#include "support/media/synthetic_video.hpp"
#include "support/media/test_encoders.hpp"
#include "support/rtp/captured_vectors.hpp"

namespace presentd::rtp {
namespace {

using Bytes = std::vector<std::uint8_t>;

// The payload (after the header byte) of the first NAL unit of `type` in an Annex B stream.
Bytes first_nal(const Bytes& annexb, std::uint8_t type) {
  for (std::size_t i = 0; i + 3 < annexb.size(); ++i) {
    if (annexb[i] != 0 || annexb[i + 1] != 0 || annexb[i + 2] != 1) continue;
    const std::size_t start = i + 3;
    if ((annexb[start] & 0x1f) != type) continue;
    std::size_t end = start + 1;
    while (end + 2 < annexb.size() && !(annexb[end] == 0 && annexb[end + 1] == 0 &&
                                        (annexb[end + 2] == 1 || (annexb[end + 2] == 0 && end + 3 < annexb.size())))) {
      ++end;
    }
    if (end + 2 >= annexb.size()) end = annexb.size();
    return Bytes(annexb.begin() + static_cast<std::ptrdiff_t>(start) + 1,
                 annexb.begin() + static_cast<std::ptrdiff_t>(end));
  }
  return {};
}

// Writes SPS fields MSB first and inserts emulation prevention bytes as an encoder must.
class SpsWriter {
public:
  void bits(std::uint64_t value, int count) {
    for (int i = count - 1; i >= 0; --i) bit(static_cast<int>((value >> i) & 1U));
  }
  void ue(std::uint64_t value) {
    const std::uint64_t code = value + 1;
    int length = 0;
    while ((code >> length) > 1) ++length;
    bits(0, length);
    bits(code, length + 1);
  }
  void se(std::int64_t value) {
    ue(value > 0 ? static_cast<std::uint64_t>(2 * value - 1) : static_cast<std::uint64_t>(-2 * value));
  }
  Bytes finish() {
    bit(1);  // rbsp_stop_one_bit
    while (filled_ != 0) bit(0);
    Bytes out;
    int zeros = 0;
    for (const auto byte : rbsp_) {
      if (zeros >= 2 && byte <= 3) {
        out.push_back(0x03);
        zeros = 0;
      }
      out.push_back(byte);
      zeros = byte == 0 ? zeros + 1 : 0;
    }
    return out;
  }

private:
  void bit(int b) {
    current_ = static_cast<std::uint8_t>((current_ << 1) | b);
    if (++filled_ == 8) {
      rbsp_.push_back(current_);
      current_ = 0;
      filled_ = 0;
    }
  }
  Bytes rbsp_;
  std::uint8_t current_ = 0;
  int filled_ = 0;
};

struct SpsFields {
  std::uint32_t profile = 66;
  std::uint32_t level = 40;
  std::uint32_t chroma_format = 1;
  bool scaling_lists = false;
  std::uint32_t poc_type = 2;
  std::uint64_t width_mbs = 20;
  std::uint64_t height_map_units = 15;
  bool frame_mbs_only = true;
  std::array<std::uint64_t, 4> crop{};  // left, right, top, bottom; all zero: no cropping
};

Bytes write_sps(const SpsFields& f) {
  SpsWriter w;
  w.bits(f.profile, 8);
  w.bits(0, 8);  // constraint flags
  w.bits(f.level, 8);
  w.ue(0);  // seq_parameter_set_id
  if (f.profile == 100 || f.profile == 122 || f.profile == 244) {
    w.ue(f.chroma_format);
    if (f.chroma_format == 3) w.bits(0, 1);
    w.ue(0);
    w.ue(0);
    w.bits(0, 1);
    w.bits(f.scaling_lists ? 1 : 0, 1);
    if (f.scaling_lists) {
      for (int i = 0; i < (f.chroma_format == 3 ? 12 : 8); ++i) {
        w.bits(1, 1);  // present: a flat list written out, each delta 0 after the first
        const int size = i < 6 ? 16 : 64;
        w.se(8);  // 8 → 16
        for (int j = 1; j < size; ++j) w.se(j % 3 == 0 ? -1 : 1);
      }
    }
  }
  w.ue(0);  // log2_max_frame_num_minus4
  w.ue(f.poc_type);
  if (f.poc_type == 0) w.ue(2);
  if (f.poc_type == 1) {
    w.bits(0, 1);
    w.se(-3);
    w.se(5);
    w.ue(3);
    for (int i = 0; i < 3; ++i) w.se(i - 1);
  }
  w.ue(1);       // max_num_ref_frames
  w.bits(0, 1);  // gaps_in_frame_num_value_allowed_flag
  w.ue(f.width_mbs - 1);
  w.ue(f.height_map_units - 1);
  w.bits(f.frame_mbs_only ? 1 : 0, 1);
  if (!f.frame_mbs_only) w.bits(0, 1);
  w.bits(1, 1);  // direct_8x8_inference_flag
  const bool crop = f.crop != std::array<std::uint64_t, 4>{};
  w.bits(crop ? 1 : 0, 1);
  if (crop) {
    for (const auto c : f.crop) w.ue(c);
  }
  w.bits(0, 1);  // vui_parameters_present_flag
  return w.finish();
}

void expect_size(const Bytes& sps, std::uint32_t width, std::uint32_t height) {
  const auto size = h264_sps_picture_size(sps);
  ASSERT_TRUE(size) << "expected " << width << "x" << height;
  EXPECT_EQ(size->width, width);
  EXPECT_EQ(size->height, height);
}

TEST(H264Sps, ReadsTheSizeOfLibx264SpsAtThePresentersSizes) {
  for (const auto& [width, height] :
       std::vector<std::pair<int, int>>{{320, 240}, {1280, 720}, {1920, 1080}, {1366, 768}, {642, 362}}) {
    media::testing::AvTestEncoder encoder(width, height, 1'000'000);
    const auto frame = encoder.encode(media::testing::make_screen_frame(width, height, 0), true);
    const auto sps = first_nal(frame.bitstream, kH264Sps);
    ASSERT_FALSE(sps.empty()) << width << "x" << height;
    expect_size(sps, static_cast<std::uint32_t>(width), static_cast<std::uint32_t>(height));
  }
}

TEST(H264Sps, ReadsTheSizeOfOpenH264SpsFromTheGStreamerCapture) {
  const auto frames = test::read_records("h264.frames");
  ASSERT_FALSE(frames.empty());
  const auto sps = first_nal(frames[0], kH264Sps);
  ASSERT_FALSE(sps.empty());
  expect_size(sps, 320, 240);
}

TEST(H264Sps, ReadsEverySyntaxBranchThatMovesTheSizeFields) {
  expect_size(write_sps({}), 320, 240);
  expect_size(write_sps({.profile = 100,
                         .scaling_lists = true,
                         .poc_type = 0,
                         .width_mbs = 120,
                         .height_map_units = 68,
                         .crop = {0, 0, 0, 4}}),
              1920, 1080);
  expect_size(write_sps({.profile = 244,
                         .chroma_format = 3,
                         .scaling_lists = true,
                         .width_mbs = 80,
                         .height_map_units = 45,
                         .crop = {1, 2, 0, 3}}),
              1277, 717);  // 4:4:4: crop units of one sample
  expect_size(
      write_sps({.profile = 122, .chroma_format = 2, .width_mbs = 80, .height_map_units = 45, .crop = {1, 0, 0, 1}}),
      1278, 719);  // 4:2:2: two samples across, one down
  expect_size(
      write_sps(
          {.poc_type = 1, .width_mbs = 45, .height_map_units = 18, .frame_mbs_only = false, .crop = {0, 0, 0, 2}}),
      720, 568);  // field coding: map units are two macroblock rows; crop units double
  // The largest a presenter may make the box decode, and what a hostile one announces.
  expect_size(write_sps({.width_mbs = 256, .height_map_units = 144}), 4096, 2304);
  expect_size(write_sps({.width_mbs = 1024, .height_map_units = 1024}), 16384, 16384);
  expect_size(write_sps({.width_mbs = 1ULL << 31, .height_map_units = 1ULL << 31}), 0xFFFFFFFFU, 0xFFFFFFFFU);
}

// A cropped-away picture or a cut field is malformed, and so is every prefix of a real SPS.
TEST(H264Sps, RefusesWhatCannotBeAnSps) {
  EXPECT_FALSE(h264_sps_picture_size(write_sps({.width_mbs = 1, .crop = {4, 4, 0, 0}})));
  EXPECT_FALSE(h264_sps_picture_size(write_sps({.profile = 100, .chroma_format = 4})));
  EXPECT_FALSE(h264_sps_picture_size({}));
  Bytes leading_zeros(12, 0x00);  // a ue(v) with more than 31 leading zeros
  leading_zeros[0] = 66;
  EXPECT_FALSE(h264_sps_picture_size(leading_zeros));
  const auto sps = write_sps({.profile = 100, .scaling_lists = true, .poc_type = 1, .crop = {0, 0, 0, 4}});
  // The last byte holds only the VUI flag and the stop bit: every shorter cut loses a size field.
  for (std::size_t length = 0; length + 1 < sps.size(); ++length) {
    EXPECT_FALSE(h264_sps_picture_size(std::span(sps).first(length))) << "cut at " << length << " of " << sps.size();
  }
}

// Three zero bytes in a row cannot appear in a NAL unit: the writer inserts 0x03, the reader skips it.
TEST(H264Sps, SkipsEmulationPreventionBytes) {
  const auto sps = write_sps({.width_mbs = 1, .height_map_units = 1});
  const auto padded = write_sps({.profile = 0, .level = 1, .width_mbs = 1, .height_map_units = 1});
  bool escaped = false;
  for (std::size_t i = 2; i < padded.size(); ++i) escaped |= padded[i - 2] == 0 && padded[i - 1] == 0 && padded[i] == 3;
  ASSERT_TRUE(escaped) << "profile 0 and constraint flags 0 make two zero bytes, level 1 a third byte to escape";
  expect_size(sps, 16, 16);
  expect_size(padded, 16, 16);
}

// The depacketizer reports what a STAP-A's SPS announces, capped to the 16 bits a frame carries;
// the decode worker then drops a keyframe larger than it decodes (DecodeWorkerPixelCap).
TEST(H264Sps, TheDepacketizerReportsTheSizeAStapASpsAnnounces) {
  static const Bytes kPpsUnit = {0x00, 0x04, 0x68, 0xce, 0x3c, 0x80};  // size, then the PPS NAL unit
  const auto stap_a = [](const Bytes& sps) {
    const std::size_t size = sps.size() + 1;
    Bytes out = {0x78, static_cast<std::uint8_t>(size >> 8), static_cast<std::uint8_t>(size), 0x67};
    out.insert(out.end(), sps.begin(), sps.end());
    out.insert(out.end(), kPpsUnit.begin(), kPpsUnit.end());
    return out;
  };
  H264Depacketizer depacketizer;
  const auto small = depacketizer.inspect(stap_a(write_sps({})));
  ASSERT_TRUE(small);
  EXPECT_TRUE(small->keyframe);
  EXPECT_EQ(small->width, 320);
  EXPECT_EQ(small->height, 240);
  const auto huge = depacketizer.inspect(stap_a(write_sps({.width_mbs = 1024, .height_map_units = 8192})));
  ASSERT_TRUE(huge);
  EXPECT_EQ(huge->width, 16384);
  EXPECT_EQ(huge->height, 65535);
  const auto garbage = depacketizer.inspect(stap_a(Bytes(1, 0x42)));
  ASSERT_TRUE(garbage);  // the packet itself is well formed; its size is unknown
  EXPECT_EQ(garbage->width, 0);
}

}  // namespace
}  // namespace presentd::rtp
