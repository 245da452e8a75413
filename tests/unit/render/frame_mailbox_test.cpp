// SPDX-License-Identifier: Apache-2.0
#include "presentd/render/frame_mailbox.hpp"

#include <gtest/gtest.h>

#include "test_pictures.hpp"

namespace presentd::render {
namespace {

TEST(FrameMailbox, LatestPictureWinsAndEveryReplacedOneCountsAsDropped) {
  FrameMailbox box;
  std::vector<media::PicturePtr> burst;
  for (int i = 0; i < 100; ++i) burst.push_back(test::solid_picture(16, 16, test::kGrey));
  for (std::size_t i = 0; i < burst.size(); ++i) {
    const auto result = box.post(burst[i]);
    EXPECT_EQ(result.was_empty, i == 0) << i;
    EXPECT_EQ(result.replaced, i != 0) << i;
  }
  EXPECT_EQ(box.take(), burst.back());
  EXPECT_EQ(box.take(), nullptr);
  EXPECT_EQ(box.posted(), 100U);
  EXPECT_EQ(box.dropped(), 99U);
  // Dropped pictures are released at once: the decoder gets its buffers back.
  EXPECT_EQ(burst.front().use_count(), 1);
}

TEST(FrameMailbox, AfterATakeTheNextPostWakesTheRenderThreadAgain) {
  FrameMailbox box;
  EXPECT_TRUE(box.post(test::solid_picture(16, 16, test::kRed)).was_empty);
  EXPECT_NE(box.take(), nullptr);
  const auto result = box.post(test::solid_picture(16, 16, test::kBlue));
  EXPECT_TRUE(result.was_empty);
  EXPECT_FALSE(result.replaced);
  EXPECT_EQ(box.dropped(), 0U);
}

}  // namespace
}  // namespace presentd::render
