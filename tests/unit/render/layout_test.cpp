// SPDX-License-Identifier: Apache-2.0
#include "presentd/render/layout.hpp"

#include <gtest/gtest.h>

namespace presentd::render {
namespace {

struct TileCase {
  int count;
  std::vector<Rect> tiles;
};

TEST(TileLayout, OneToFourPresentersOnA1080pScreen) {
  const std::vector<TileCase> cases{
      {0, {}},
      {1, {{0, 0, 1920, 1080}}},
      {2, {{0, 0, 960, 1080}, {960, 0, 960, 1080}}},
      {3, {{0, 0, 960, 540}, {960, 0, 960, 540}, {480, 540, 960, 540}}},
      {4, {{0, 0, 960, 540}, {960, 0, 960, 540}, {0, 540, 960, 540}, {960, 540, 960, 540}}},
  };
  for (const auto& c : cases) EXPECT_EQ(tile_layout(1920, 1080, c.count), c.tiles) << c.count << " presenters";
}

TEST(TileLayout, OddSizesLeaveNoGapAndMoreThanFourAreCapped) {
  const auto tiles = tile_layout(1281, 721, 4);
  ASSERT_EQ(tiles.size(), 4U);
  EXPECT_EQ(tiles[1].x + tiles[1].w, 1281);
  EXPECT_EQ(tiles[3].y + tiles[3].h, 721);
  EXPECT_EQ(tile_layout(1920, 1080, 7).size(), 4U);
  EXPECT_TRUE(tile_layout(0, 1080, 1).empty());
}

struct FitCase {
  const char* what;
  Rect tile;
  int source_width;
  int source_height;
  Rect expected;
};

TEST(FitLetterboxed, KeepsTheSourceAspectRatio) {
  const std::vector<FitCase> cases{
      {"16:9 fills 16:9", {0, 0, 1920, 1080}, 1280, 720, {0, 0, 1920, 1080}},
      {"4:3 pillarboxed", {0, 0, 1920, 1080}, 1024, 768, {240, 0, 1440, 1080}},
      {"21:9 letterboxed", {0, 0, 1920, 1080}, 2560, 1080, {0, 135, 1920, 810}},
      {"portrait phone", {0, 0, 1920, 1080}, 1080, 1920, {656, 0, 608, 1080}},
      {"4:3 in a half tile", {960, 0, 960, 1080}, 800, 600, {960, 180, 960, 720}},
      {"16:9 in a 2x2 tile", {960, 540, 960, 540}, 3840, 2160, {960, 540, 960, 540}},
      {"8K source, no overflow", {0, 0, 3840, 2160}, 7680, 4320, {0, 0, 3840, 2160}},
      {"no size", {0, 0, 1920, 1080}, 0, 720, {}},
  };
  for (const auto& c : cases) EXPECT_EQ(fit_letterboxed(c.tile, c.source_width, c.source_height), c.expected) << c.what;
}

}  // namespace
}  // namespace presentd::render
