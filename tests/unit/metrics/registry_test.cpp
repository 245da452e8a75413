// SPDX-License-Identifier: Apache-2.0
// Registration rules: valid names only, no duplicates, labels counted, histogram bounds sane.
#include "presentd/metrics/registry.hpp"

#include <gtest/gtest.h>

#include <cmath>

namespace presentd::metrics {
namespace {

TEST(Registry, RejectsBadNamesAndDuplicates) {
  Registry registry;
  EXPECT_THROW(registry.counter("", "x"), std::invalid_argument);
  EXPECT_THROW(registry.counter("1abc", "x"), std::invalid_argument);
  EXPECT_THROW(registry.counter("has-dash", "x"), std::invalid_argument);
  EXPECT_THROW(registry.counter("has space", "x"), std::invalid_argument);
  EXPECT_NO_THROW(registry.counter("ns:sub_name_total", "colons are allowed in metric names"));
  EXPECT_THROW(registry.counter("ns:sub_name_total", "again"), std::invalid_argument);
  EXPECT_THROW(registry.gauge("ns:sub_name_total", "same name, other type"), std::invalid_argument);
  EXPECT_THROW(registry.counter_family("a_total", "x", {"__reserved"}), std::invalid_argument);
  EXPECT_THROW(registry.counter_family("b_total", "x", {"with:colon"}), std::invalid_argument);
  EXPECT_THROW(registry.counter_family("c_total", "x", {"dup", "dup"}), std::invalid_argument);
  EXPECT_NO_THROW(registry.counter_family("d_total", "le is fine outside histograms", {"le"}));
}

TEST(Registry, HistogramBoundsMustAscendAndLeIsReserved) {
  Registry registry;
  EXPECT_THROW(registry.histogram_family("h1", "x", {}, {0.1, 0.1}), std::invalid_argument);
  EXPECT_THROW(registry.histogram_family("h2", "x", {}, {0.2, 0.1}), std::invalid_argument);
  EXPECT_THROW(registry.histogram_family("h3", "x", {}, {0.1, INFINITY}), std::invalid_argument);
  EXPECT_THROW(registry.histogram_family("h4", "x", {"le"}, {0.1}), std::invalid_argument);
  EXPECT_NO_THROW(registry.histogram_family("h5", "x", {"codec"}, {0.1, 1}));
}

TEST(Registry, ChildrenAreStableAndLabelCountsChecked) {
  Registry registry;
  auto& family = registry.counter_family("x_total", "x", {"reason"});
  auto& stopped = family.with({"stopped"});
  for (int i = 0; i < 100; ++i) family.with({"r" + std::to_string(i)});  // the map grows
  EXPECT_EQ(&family.with({"stopped"}), &stopped);
  EXPECT_THROW(family.with({}), std::invalid_argument);
  EXPECT_THROW(family.with({"a", "b"}), std::invalid_argument);
}

TEST(Registry, FindCounterFindsOnlyUnlabelledCounters) {
  Registry registry;
  auto& failures = registry.counter("presentd_pin_failures_total", "x");
  registry.counter_family("labelled_total", "x", {"a"});
  registry.gauge("a_gauge", "x");
  EXPECT_EQ(registry.find_counter("presentd_pin_failures_total"), &failures);
  EXPECT_EQ(registry.find_counter("labelled_total"), nullptr);
  EXPECT_EQ(registry.find_counter("a_gauge"), nullptr);
  EXPECT_EQ(registry.find_counter("missing"), nullptr);
}

TEST(Histogram, ExponentialBounds) {
  const auto bounds = exponential_bounds(0.0005, 2, 4);
  ASSERT_EQ(bounds.size(), 4u);
  EXPECT_DOUBLE_EQ(bounds[0], 0.0005);
  EXPECT_DOUBLE_EQ(bounds[3], 0.004);
}

}  // namespace
}  // namespace presentd::metrics
