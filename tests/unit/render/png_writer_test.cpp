// SPDX-License-Identifier: Apache-2.0
#include "presentd/render/png_writer.hpp"

#include <gtest/gtest.h>

#include <memory>

extern "C" {
#include <libavcodec/avcodec.h>
}

#include "render/qr_code.hpp"

namespace presentd::render {
namespace {

// Decodes with libavcodec's PNG decoder, an implementation independent of the encoder's options.
Snapshot decode_png(const std::vector<std::uint8_t>& png) {
  const AVCodec* codec = avcodec_find_decoder(AV_CODEC_ID_PNG);
  AVCodecContext* context = avcodec_alloc_context3(codec);
  EXPECT_EQ(avcodec_open2(context, codec, nullptr), 0);
  AVPacket* packet = av_packet_alloc();
  packet->data = const_cast<std::uint8_t*>(png.data());
  packet->size = static_cast<int>(png.size());
  AVFrame* frame = av_frame_alloc();
  Snapshot out;
  if (avcodec_send_packet(context, packet) == 0 && avcodec_receive_frame(context, frame) == 0 &&
      frame->format == AV_PIX_FMT_RGB24) {
    out.width = frame->width;
    out.height = frame->height;
    for (int y = 0; y < frame->height; ++y) {
      const std::uint8_t* row = frame->data[0] + static_cast<std::ptrdiff_t>(y) * frame->linesize[0];
      out.rgb.insert(out.rgb.end(), row, row + frame->width * 3);
    }
  }
  av_frame_free(&frame);
  av_packet_free(&packet);
  avcodec_free_context(&context);
  return out;
}

TEST(PngWriter, RoundTripsEveryPixelThroughAnIndependentDecoder) {
  Snapshot shot{37, 11, {}};
  for (int i = 0; i < shot.width * shot.height * 3; ++i) shot.rgb.push_back(static_cast<std::uint8_t>(i * 7 + i / 5));
  const auto png = encode_png(shot);
  ASSERT_TRUE(png.has_value());
  const std::vector<std::uint8_t> signature{0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n'};
  EXPECT_TRUE(std::equal(signature.begin(), signature.end(), png->begin()));
  const auto back = decode_png(*png);
  EXPECT_EQ(back.width, shot.width);
  EXPECT_EQ(back.height, shot.height);
  EXPECT_EQ(back.rgb, shot.rgb);
}

TEST(PngWriter, RejectsAMalformedSnapshot) {
  EXPECT_FALSE(encode_png(Snapshot{4, 4, std::vector<std::uint8_t>(10)}).has_value());
  EXPECT_FALSE(encode_png(Snapshot{}).has_value());
}

TEST(QrCode, HasTheThreeFinderPatternsAndAQuietZone) {
  const auto code = QrCode::encode("https://192.168.1.20/");
  ASSERT_TRUE(code.has_value());
  const int n = code->size();
  EXPECT_EQ((n - 17) % 4, 0) << "a QR version is 17 + 4v modules wide";
  // Finder pattern (ISO/IEC 18004 6.3.3): a 7x7 dark ring, a light ring, a 3x3 dark centre.
  const auto finder_at = [&](int ox, int oy) {
    for (int y = 0; y < 7; ++y) {
      for (int x = 0; x < 7; ++x) {
        const bool ring = x == 0 || y == 0 || x == 6 || y == 6;
        const bool centre = x >= 2 && x <= 4 && y >= 2 && y <= 4;
        if (code->dark(ox + x, oy + y) != (ring || centre)) return false;
      }
    }
    return true;
  };
  EXPECT_TRUE(finder_at(0, 0));
  EXPECT_TRUE(finder_at(n - 7, 0));
  EXPECT_TRUE(finder_at(0, n - 7));
  EXPECT_FALSE(finder_at(n - 7, n - 7));
  const auto rgb = code->rgb_image();
  EXPECT_EQ(rgb.size(), static_cast<std::size_t>(code->image_size() * code->image_size() * 3));
  EXPECT_EQ(rgb[0], 255);  // quiet zone
  const auto first_module =
      static_cast<std::size_t>((QrCode::kQuietZone * code->image_size() + QrCode::kQuietZone) * 3);
  EXPECT_EQ(rgb[first_module], 0);
  EXPECT_FALSE(QrCode::encode("").has_value());
}

}  // namespace
}  // namespace presentd::render
