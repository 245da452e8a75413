// SPDX-License-Identifier: Apache-2.0
#pragma once
// A short synthetic clip encoded with a real encoder (libvpx VP8/VP9 or libx264), with keyframes
// exactly where asked, and checksums of a plain libvpx/libavcodec decode of any frame sequence.
#include <gtest/gtest.h>

#include <algorithm>
#include <memory>
#include <vector>

#include "support/media/reference_decoder.hpp"
#include "support/media/test_encoders.hpp"

namespace presentd::media::testing {

enum class Encoder { vp8, vp9, h264 };

class Clip {
public:
  Clip(Encoder encoder, int width, int height) : encoder_(encoder) {
    if (encoder == Encoder::h264) {
      h264_ = std::make_unique<testing::AvTestEncoder>(width, height, 600'000);
    } else {
      vpx_ = std::make_unique<testing::VpxTestEncoder>(encoder == Encoder::vp9, width, height, 600);
    }
    width_ = width;
    height_ = height;
  }
  // Encodes frames [0, count) with keyframes at the given indices.
  void encode(int count, const std::vector<int>& keyframes) {
    for (int i = 0; i < count; ++i) {
      const bool key = std::find(keyframes.begin(), keyframes.end(), i) != keyframes.end();
      sources.push_back(testing::make_screen_frame(width_, height_, i));
      frames.push_back(h264_ ? h264_->encode(sources.back(), key) : vpx_->encode(sources.back(), key));
      ASSERT_EQ(frames.back().keyframe, key) << "frame " << i;
      ASSERT_FALSE(frames.back().bitstream.empty());
    }
  }
  // Checksums of a plain decode of `indices`, in order.
  std::vector<std::uint64_t> reference_checksums(const std::vector<int>& indices) const {
    std::vector<std::uint64_t> sums;
    if (encoder_ == Encoder::h264) {
      testing::ReferenceAvDecoder reference(AV_CODEC_ID_H264);
      for (int i : indices) sums.push_back(reference.decode(frames[static_cast<std::size_t>(i)].bitstream));
    } else {
      testing::ReferenceVpxDecoder reference(encoder_ == Encoder::vp9);
      for (int i : indices) sums.push_back(reference.decode(frames[static_cast<std::size_t>(i)].bitstream));
    }
    return sums;
  }

  // Frame `index` overwritten with noise after its first five bytes (start code or frame tag stay
  // intact, so the damage is inside the frame) and made longer: a decoder must reject it.
  std::vector<std::uint8_t> damaged(int index) const {
    const auto& original = frames[static_cast<std::size_t>(index)].bitstream;
    std::vector<std::uint8_t> noise(original.size() + 200);
    for (std::size_t i = 0; i < noise.size(); ++i) noise[i] = static_cast<std::uint8_t>(i * 131 + 7);
    std::copy_n(original.begin(), 5, noise.begin());
    return noise;
  }

  std::vector<I420Image> sources;
  std::vector<EncodedFrame> frames;

private:
  Encoder encoder_;
  int width_ = 0;
  int height_ = 0;
  std::unique_ptr<testing::VpxTestEncoder> vpx_;
  std::unique_ptr<testing::AvTestEncoder> h264_;
};

}  // namespace presentd::media::testing
