// SPDX-License-Identifier: Apache-2.0
#include "presentd/render/layout.hpp"

#include <algorithm>
#include <cstdint>

namespace presentd::render {

std::vector<Rect> tile_layout(int width, int height, int count) {
  count = std::clamp(count, 0, kMaxPresenters);
  if (count == 0 || width <= 0 || height <= 0) return {};
  if (count == 1) return {Rect{0, 0, width, height}};
  const int half_w = width / 2;
  if (count == 2) return {Rect{0, 0, half_w, height}, Rect{half_w, 0, width - half_w, height}};
  const int half_h = height / 2;
  std::vector<Rect> tiles{Rect{0, 0, half_w, half_h}, Rect{half_w, 0, width - half_w, half_h}};
  if (count == 3) {
    tiles.push_back(Rect{(width - half_w) / 2, half_h, half_w, height - half_h});
  } else {
    tiles.push_back(Rect{0, half_h, half_w, height - half_h});
    tiles.push_back(Rect{half_w, half_h, width - half_w, height - half_h});
  }
  return tiles;
}

Rect fit_letterboxed(const Rect& tile, int source_width, int source_height) {
  if (source_width <= 0 || source_height <= 0 || tile.w <= 0 || tile.h <= 0) return {};
  // Compare aspect ratios by cross-multiplying (64-bit: 8K x 8K products overflow 32 bits).
  const auto sw = static_cast<std::int64_t>(source_width);
  const auto sh = static_cast<std::int64_t>(source_height);
  int w = tile.w;
  int h = tile.h;
  if (sw * tile.h > sh * tile.w) {
    h = static_cast<int>((sh * tile.w + sw / 2) / sw);  // wider than the tile: bars above and below
  } else {
    w = static_cast<int>((sw * tile.h + sh / 2) / sh);  // narrower: bars left and right
  }
  return Rect{tile.x + (tile.w - w) / 2, tile.y + (tile.h - h) / 2, w, h};
}

}  // namespace presentd::render
