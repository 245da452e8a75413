// SPDX-License-Identifier: Apache-2.0
#include "presentd/media/decode/decode_time_histogram.hpp"

#include <gtest/gtest.h>

#include <chrono>

namespace presentd::media {
namespace {

using std::chrono::microseconds;

TEST(DecodeTimeHistogramTest, EmptyReportsZero) {
  DecodeTimeHistogram histogram;
  EXPECT_EQ(histogram.percentile(0.5), Clock::Duration::zero());
  EXPECT_EQ(histogram.count(), 0U);
}

TEST(DecodeTimeHistogramTest, BoundsGrowByAQuarter) {
  EXPECT_EQ(DecodeTimeHistogram::bucket_bound(0), microseconds{50});
  for (std::size_t i = 1; i < DecodeTimeHistogram::kBuckets; ++i) {
    const double ratio =
        double(DecodeTimeHistogram::bucket_bound(i).count()) / double(DecodeTimeHistogram::bucket_bound(i - 1).count());
    EXPECT_NEAR(ratio, 1.25, 0.02) << i;
  }
  EXPECT_GT(DecodeTimeHistogram::bucket_bound(DecodeTimeHistogram::kBuckets - 1), std::chrono::seconds{5});
}

// Uniform samples 10 µs .. 10 ms: each percentile is reported at or above the true value and at
// most one bucket (25 %) above it.
TEST(DecodeTimeHistogramTest, PercentilesOfUniformSamplesAreWithinOneBucket) {
  DecodeTimeHistogram histogram;
  for (int i = 1; i <= 1000; ++i) histogram.add(microseconds{i * 10});
  struct Row {
    double fraction;
    std::int64_t true_us;
  };
  for (const Row row : {Row{0.50, 5000}, Row{0.95, 9500}, Row{0.99, 9900}, Row{0.001, 10}}) {
    const auto reported = histogram.percentile(row.fraction).count();
    EXPECT_GE(reported, row.true_us) << row.fraction;
    EXPECT_LE(double(reported), std::max(50.0, double(row.true_us) * 1.25)) << row.fraction;
  }
}

TEST(DecodeTimeHistogramTest, OutliersLandInTheLastBucketAndMoveOnlyTheTail) {
  DecodeTimeHistogram histogram;
  for (int i = 0; i < 98; ++i) histogram.add(microseconds{2000});
  histogram.add(std::chrono::seconds{30});
  histogram.add(std::chrono::seconds{60});
  EXPECT_LE(histogram.percentile(0.95), microseconds{2500});
  EXPECT_EQ(histogram.percentile(0.99), DecodeTimeHistogram::bucket_bound(DecodeTimeHistogram::kBuckets - 1));
  EXPECT_EQ(histogram.count(), 100U);
}

}  // namespace
}  // namespace presentd::media
