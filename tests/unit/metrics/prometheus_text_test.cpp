// SPDX-License-Identifier: Apache-2.0
// The tests' strict reader of the exposition format (tests/support/prometheus_text): it must
// accept what Prometheus accepts and name what it does not, or the integration tests' checks of
// /metrics would prove nothing.
#include "support/prometheus_text.hpp"

#include <gtest/gtest.h>

#include <cmath>

namespace presentd::test {
namespace {

TEST(PrometheusText, ReadsValuesLabelsTimestampsAndSpecialValues) {
  const auto parsed = parse_prometheus_text(
      "# A free comment\n"
      "# HELP a_total Things.\n"
      "# TYPE a_total counter\n"
      "a_total{x=\"1\",y=\"two words\"} 12 1700000000000\n"
      "a_total{x=\"2\",y=\"\"} 3\n"
      "\n"
      "# TYPE g gauge\n"
      "g -Inf\n"
      "untyped_thing NaN\n");
  EXPECT_EQ(parsed.value("a_total", {{"x", "1"}, {"y", "two words"}}), 12.0);
  EXPECT_EQ(parsed.sum("a_total"), 15.0);
  EXPECT_EQ(parsed.types.at("a_total"), "counter");
  EXPECT_EQ(parsed.helps.at("a_total"), "Things.");
  EXPECT_TRUE(std::isinf(*parsed.value("g")));
  EXPECT_TRUE(std::isnan(*parsed.value("untyped_thing")));
  EXPECT_EQ(parsed.value("a_total"), std::nullopt);  // labels must match exactly
}

TEST(PrometheusText, RejectsBrokenExpositions) {
  const std::vector<std::pair<std::string, std::string>> cases{
      {"no trailing newline", "a 1"},
      {"bad name", "1a 1\n"},
      {"bad label name", "a{1x=\"v\"} 1\n"},
      {"unquoted label", "a{x=v} 1\n"},
      {"unknown escape", "a{x=\"\\t\"} 1\n"},
      {"unterminated label", "a{x=\"v} 1\n"},
      {"bad value", "a one\n"},
      {"no value", "a\n"},
      {"duplicate series", "a{x=\"1\"} 1\na{x=\"1\"} 2\n"},
      {"TYPE twice", "# TYPE a counter\n# TYPE a counter\n"},
      {"unknown type", "# TYPE a thing\n"},
      {"TYPE after samples", "a 1\n# TYPE a counter\n"},
      {"interleaved", "# TYPE a gauge\n# TYPE b gauge\na 1\nb 1\na{x=\"y\"} 2\n"},
      {"negative counter", "# TYPE a_total counter\na_total -1\n"},
      {"no +Inf bucket", "# TYPE h histogram\nh_bucket{le=\"1\"} 1\nh_sum 1\nh_count 1\n"},
      {"not cumulative", "# TYPE h histogram\nh_bucket{le=\"1\"} 2\nh_bucket{le=\"+Inf\"} 1\nh_sum 1\nh_count 1\n"},
      {"count differs", "# TYPE h histogram\nh_bucket{le=\"+Inf\"} 2\nh_sum 1\nh_count 1\n"},
      {"no sum", "# TYPE h histogram\nh_bucket{le=\"+Inf\"} 1\nh_count 1\n"},
      {"bare histogram sample", "# TYPE h histogram\nh 1\n"},
  };
  for (const auto& [what, text] : cases) EXPECT_THROW(parse_prometheus_text(text), std::runtime_error) << what;
}

TEST(PrometheusText, AcceptsAWellFormedHistogram) {
  const auto parsed = parse_prometheus_text(
      "# HELP h Decode time.\n# TYPE h histogram\n"
      "h_bucket{codec=\"vp8\",le=\"0.01\"} 1\nh_bucket{codec=\"vp8\",le=\"+Inf\"} 3\n"
      "h_sum{codec=\"vp8\"} 0.5\nh_count{codec=\"vp8\"} 3\n");
  EXPECT_EQ(parsed.value("h_count", {{"codec", "vp8"}}), 3.0);
  EXPECT_EQ(parsed.value("h_bucket", {{"codec", "vp8"}, {"le", "0.01"}}), 1.0);
}

}  // namespace
}  // namespace presentd::test
