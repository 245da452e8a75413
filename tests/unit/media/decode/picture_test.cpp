// SPDX-License-Identifier: Apache-2.0
// Picture geometry (I420 and NV12, odd sizes) and its hold on the storage it was built over.
// (Picture lives in src/media/; its test sits with the decoders that build it.)
#include "presentd/media/picture.hpp"

#include <gtest/gtest.h>

#include <vector>

#include "media/decode/buffer_pool.hpp"

namespace presentd::media {
namespace {

struct Geometry {
  PixelFormat format;
  int width;
  int height;
  int planes;
  int chroma_row_bytes;
  int chroma_rows;
};

class PictureGeometryTest : public ::testing::TestWithParam<Geometry> {};

TEST_P(PictureGeometryTest, RowsCoverExactlyTheVisiblePixels) {
  const Geometry g = GetParam();
  const int stride = 64;  // wider than any row here: rows must stop at the visible width
  auto storage = std::make_shared<std::vector<std::uint8_t>>(static_cast<std::size_t>(stride * 3 * 64));
  std::uint8_t* base = storage->data();
  for (std::size_t i = 0; i < storage->size(); ++i) (*storage)[i] = static_cast<std::uint8_t>(i);
  const Picture picture(
      g.format, g.width, g.height,
      {PicturePlane{base, stride}, PicturePlane{base + stride * 64, stride}, PicturePlane{base + stride * 128, stride}},
      storage);
  EXPECT_EQ(picture.plane_count(), g.planes);
  EXPECT_EQ(picture.plane_row_bytes(0), g.width);
  EXPECT_EQ(picture.plane_rows(0), g.height);
  EXPECT_EQ(picture.plane_row_bytes(1), g.chroma_row_bytes);
  EXPECT_EQ(picture.plane_rows(1), g.chroma_rows);
  const auto last_chroma = picture.row(1, g.chroma_rows - 1);
  ASSERT_EQ(last_chroma.size(), static_cast<std::size_t>(g.chroma_row_bytes));
  EXPECT_EQ(last_chroma.data(), base + stride * 64 + stride * (g.chroma_rows - 1));
  EXPECT_TRUE(picture.row(1, g.chroma_rows).empty());
  EXPECT_TRUE(picture.row(0, -1).empty());
}

INSTANTIATE_TEST_SUITE_P(Formats, PictureGeometryTest,
                         ::testing::Values(Geometry{PixelFormat::i420, 32, 18, 3, 16, 9},
                                           Geometry{PixelFormat::i420, 31, 17, 3, 16, 9},
                                           Geometry{PixelFormat::nv12, 32, 18, 2, 32, 9},
                                           Geometry{PixelFormat::nv12, 31, 17, 2, 32, 9}));

TEST(PictureTest, KeepsItsStorageAliveAndCarriesTheStamp) {
  auto storage = std::make_shared<std::vector<std::uint8_t>>(16 * 16 * 2, 7);
  std::weak_ptr<std::vector<std::uint8_t>> watch = storage;
  auto picture = std::make_shared<Picture>(
      PixelFormat::i420, 16, 16,
      std::array<PicturePlane, 3>{PicturePlane{storage->data(), 16}, PicturePlane{storage->data() + 256, 8},
                                  PicturePlane{storage->data() + 320, 8}},
      storage);
  storage.reset();
  EXPECT_FALSE(watch.expired());
  const Clock::TimePoint t0{std::chrono::seconds{5}};
  picture->stamp(0xFFFFFFF0U, {t0, t0 + std::chrono::milliseconds{3}, t0 + std::chrono::milliseconds{7}});
  PicturePtr published = std::move(picture);
  EXPECT_EQ(published->rtp_timestamp(), 0xFFFFFFF0U);
  EXPECT_EQ(published->timing().decode_duration(), std::chrono::milliseconds{4});
  EXPECT_EQ(published->timing().receive_to_decoded(), std::chrono::milliseconds{7});
  published.reset();
  EXPECT_TRUE(watch.expired());
}

TEST(BufferPoolTest, RecyclesUpToItsLimitAndSurvivesBuffersReturningLate) {
  auto pool = BufferPool::create(2);
  std::vector<std::shared_ptr<PooledBuffer>> held;
  for (int i = 0; i < 4; ++i) held.push_back(pool->acquire(1000));
  EXPECT_EQ(pool->allocations(), 4U);
  held.clear();
  EXPECT_EQ(pool->idle(), 2U);  // two kept, two freed
  auto reused = pool->acquire(900);
  EXPECT_EQ(pool->allocations(), 4U);
  EXPECT_GE(reused->size, 900U);
  auto bigger = pool->acquire(5000);  // nothing idle is large enough
  EXPECT_EQ(pool->allocations(), 5U);
  pool.reset();
  reused.reset();  // returns to a pool that no longer exists: simply freed
  bigger.reset();
}

}  // namespace
}  // namespace presentd::media
