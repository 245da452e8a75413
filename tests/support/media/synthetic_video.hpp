// SPDX-License-Identifier: Apache-2.0
#pragma once
// Synthetic screen-like I420 frames for the decoder tests and the decode benchmark, and the
// comparisons the tests make between a decoded Picture and its source.
//
// A frame looks like a slide being presented: a flat background, a few solid boxes, rows of
// "text" (short dark dashes of varying length) that scrolls up two pixels per frame like a document
// being read, and one box that moves across, so delta frames carry real motion and the encoder has
// edges to keep.
#include <algorithm>
#include <array>
#include <cmath>
#include <cstdint>
#include <vector>

#include "presentd/media/picture.hpp"

namespace presentd::media::testing {

struct I420Image {
  int width = 0;
  int height = 0;
  std::vector<std::uint8_t> y, u, v;  // tightly packed planes

  int chroma_width() const { return (width + 1) / 2; }
  int chroma_height() const { return (height + 1) / 2; }
};

inline void fill_rect(I420Image& image, int x0, int y0, int w, int h, std::uint8_t luma, std::uint8_t cb,
                      std::uint8_t cr) {
  for (int y = std::max(y0, 0); y < std::min(y0 + h, image.height); ++y) {
    for (int x = std::max(x0, 0); x < std::min(x0 + w, image.width); ++x) {
      image.y[static_cast<std::size_t>(y * image.width + x)] = luma;
      const auto c = static_cast<std::size_t>((y / 2) * image.chroma_width() + x / 2);
      image.u[c] = cb;
      image.v[c] = cr;
    }
  }
}

// A video playing inside the slide (as in a presentation with an embedded clip): a moving plasma
// with fresh grain every frame, which no motion search can predict, so the encoder spends real
// bits on it, as on a busy screen.
inline void draw_video(I420Image& image, int x0, int y0, int w, int h, int index) {
  std::array<std::uint8_t, 256> wave{};
  for (std::size_t i = 0; i < wave.size(); ++i)
    wave[i] = static_cast<std::uint8_t>(64 + 60 * std::sin(double(i) * 2 * 3.14159265 / 256));
  std::uint32_t grain = 2166136261U ^ static_cast<std::uint32_t>(index);
  for (int y = std::max(y0, 0); y < std::min(y0 + h, image.height); ++y) {
    for (int x = std::max(x0, 0); x < std::min(x0 + w, image.width); ++x) {
      grain = grain * 1664525U + 1013904223U;
      const int value = wave[static_cast<std::size_t>((x + index * 3) & 255)] +
                        wave[static_cast<std::size_t>((y * 2 - index * 5 + x / 3) & 255)] / 2 + int(grain >> 29);
      image.y[static_cast<std::size_t>(y * image.width + x)] = static_cast<std::uint8_t>(std::min(value, 255));
    }
  }
}

// Frame `index` of the synthetic clip (deterministic). `with_video` adds an embedded video.
inline I420Image make_screen_frame(int width, int height, int index, bool with_video = false) {
  I420Image image{width, height, {}, {}, {}};
  image.y.assign(static_cast<std::size_t>(width * height), 235);
  image.u.assign(static_cast<std::size_t>(image.chroma_width() * image.chroma_height()), 128);
  image.v.assign(image.u.size(), 128);
  const int unit = std::max(2, height / 36);
  fill_rect(image, 0, 0, width, unit * 3, 60, 160, 110);  // title bar
  // Text: dashes whose lengths follow a fixed pseudo-random pattern.
  std::uint32_t state = 12345;
  const int scroll = (index * 2) % (unit * 2);
  for (int row = 5; row * unit * 2 < height * 3 / 4; ++row) {
    int x = unit * 2;
    const int top = row * unit * 2 - scroll;
    while (x < width / 2) {
      state = state * 1103515245U + 12345U;
      const int word = unit * static_cast<int>(2 + (state >> 16) % 6);
      fill_rect(image, x, top, word, unit, 30, 128, 128);
      x += word + unit;
    }
  }
  fill_rect(image, width * 5 / 8, height / 4, width / 4, height / 3, 120, 90, 200);  // a chart
  // The moving box: a cursor or an animation on the slide.
  const int step = (index * unit / 2) % std::max(1, width / 2);
  fill_rect(image, width / 2 + step - width / 4, height * 3 / 4, unit * 4, unit * 3, 80, 200, 60);
  if (with_video) draw_video(image, width / 16, height * 5 / 8, width * 3 / 8, height / 3, index);
  return image;
}

inline double plane_mse(const Picture& picture, int plane, const std::vector<std::uint8_t>& source) {
  const int row_bytes = picture.plane_row_bytes(plane);
  double sum = 0;
  for (int y = 0; y < picture.plane_rows(plane); ++y) {
    const auto row = picture.row(plane, y);
    for (int x = 0; x < row_bytes; ++x) {
      const double d = double(row[static_cast<std::size_t>(x)]) - source[static_cast<std::size_t>(y * row_bytes + x)];
      sum += d * d;
    }
  }
  return sum / (double(row_bytes) * picture.plane_rows(plane));
}

// Luma and chroma PSNR of an I420 picture against its source, in dB (99 when identical).
inline double psnr(const Picture& picture, const I420Image& source) {
  const double mse =
      (4 * plane_mse(picture, 0, source.y) + plane_mse(picture, 1, source.u) + plane_mse(picture, 2, source.v)) / 6;
  return mse == 0 ? 99.0 : 10 * std::log10(255.0 * 255.0 / mse);
}

// FNV-1a over the visible pixels of every plane, so pictures with different strides compare.
inline std::uint64_t fnv1a(std::uint64_t hash, const std::uint8_t* data, std::size_t size) {
  for (std::size_t i = 0; i < size; ++i) hash = (hash ^ data[i]) * 1099511628211ULL;
  return hash;
}
constexpr std::uint64_t kFnvOffset = 1469598103934665603ULL;

inline std::uint64_t checksum(const Picture& picture) {
  std::uint64_t hash = kFnvOffset;
  for (int p = 0; p < picture.plane_count(); ++p) {
    for (int y = 0; y < picture.plane_rows(p); ++y) {
      const auto row = picture.row(p, y);
      hash = fnv1a(hash, row.data(), row.size());
    }
  }
  return hash;
}

}  // namespace presentd::media::testing
