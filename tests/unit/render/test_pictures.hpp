// SPDX-License-Identifier: Apache-2.0
#pragma once
// Decoded pictures of one solid colour for render tests, and the RGB the screen should show for
// them (BT.601 limited range, the conversion the renderer selects).
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <memory>
#include <vector>

#include "presentd/media/picture.hpp"

namespace presentd::render::test {

struct Yuv {
  std::uint8_t y, u, v;
};

struct Rgb {
  int r, g, b;
};

inline Rgb expected_rgb(Yuv c) {
  const double y = 1.164 * (c.y - 16);
  const auto clamp = [](double value) { return static_cast<int>(std::lround(std::clamp(value, 0.0, 255.0))); };
  return {clamp(y + 1.596 * (c.v - 128)), clamp(y - 0.392 * (c.u - 128) - 0.813 * (c.v - 128)),
          clamp(y + 2.017 * (c.u - 128))};
}

// Strides are padded past the row width, as decoders do, so uploads must honour them.
inline media::PicturePtr solid_picture(int width, int height, Yuv colour,
                                       media::PixelFormat format = media::PixelFormat::i420) {
  const int y_stride = width + 32;
  const int chroma_w = (width + 1) / 2;
  const int chroma_h = (height + 1) / 2;
  const int c_stride = (format == media::PixelFormat::nv12 ? chroma_w * 2 : chroma_w) + 16;
  auto storage = std::make_shared<std::vector<std::uint8_t>>(
      static_cast<std::size_t>(y_stride * height + 2 * c_stride * chroma_h));
  std::uint8_t* y = storage->data();
  std::uint8_t* u = y + y_stride * height;
  std::uint8_t* v = u + c_stride * chroma_h;
  std::fill(y, u, colour.y);
  if (format == media::PixelFormat::nv12) {
    for (int i = 0; i < c_stride * chroma_h; i += 2) {
      u[i] = colour.u;
      u[i + 1] = colour.v;
    }
  } else {
    std::fill(u, v, colour.u);
    std::fill(v, v + c_stride * chroma_h, colour.v);
  }
  std::array<media::PicturePlane, 3> planes{media::PicturePlane{y, y_stride}, media::PicturePlane{u, c_stride},
                                            media::PicturePlane{v, c_stride}};
  return std::make_shared<const media::Picture>(format, width, height, planes, std::move(storage));
}

// A few well-separated colours (Y, U, V).
inline constexpr Yuv kRed{81, 90, 240};
inline constexpr Yuv kGreen{145, 54, 34};
inline constexpr Yuv kBlue{41, 240, 110};
inline constexpr Yuv kYellow{210, 16, 146};
inline constexpr Yuv kGrey{126, 128, 128};

}  // namespace presentd::render::test
