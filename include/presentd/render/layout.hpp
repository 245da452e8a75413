// SPDX-License-Identifier: Apache-2.0
#pragma once
// Where things go on the screen: presenter tiles and the letterboxed picture inside each tile.
// Pure integer geometry, so the layouts are tested without a display.
//
// Thread: any (no state).
#include <vector>

namespace presentd::render {

struct Rect {
  int x = 0;
  int y = 0;
  int w = 0;
  int h = 0;
  bool operator==(const Rect&) const = default;
};

inline constexpr int kMaxPresenters = 4;

// Tiles for `count` presenters (1..kMaxPresenters) on a `width` x `height` screen, in join order:
// one fills the screen, two sit side by side, three and four share a 2x2 grid (the third of
// three centred on the bottom row, so nobody gets a smaller tile than the others).
[[nodiscard]] std::vector<Rect> tile_layout(int width, int height, int count);

// The largest rectangle of the source's aspect ratio that fits in `tile`, centred (letterbox or
// pillarbox). Empty when the source has no size.
[[nodiscard]] Rect fit_letterboxed(const Rect& tile, int source_width, int source_height);

}  // namespace presentd::render
