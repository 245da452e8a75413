// SPDX-License-Identifier: Apache-2.0
#pragma once
// RGB pixels to a PNG file image, with libavcodec's PNG encoder (SDL2 has no PNG writer, and
// libavcodec is linked already).
//
// Thread: any.
#include <cstdint>
#include <optional>
#include <span>
#include <vector>

namespace presentd::render {

// What was on screen: tightly packed RGB24 rows, top to bottom.
struct Snapshot {
  int width = 0;
  int height = 0;
  std::vector<std::uint8_t> rgb;

  struct Pixel {
    std::uint8_t r, g, b;
    bool operator==(const Pixel&) const = default;
  };
  Pixel at(int x, int y) const {
    const auto i = (static_cast<std::size_t>(y) * static_cast<std::size_t>(width) + static_cast<std::size_t>(x)) * 3;
    return {rgb[i], rgb[i + 1], rgb[i + 2]};
  }
};

// nullopt when the snapshot is malformed or the encoder is missing.
[[nodiscard]] std::optional<std::vector<std::uint8_t>> encode_png(const Snapshot& snapshot);

}  // namespace presentd::render
