// SPDX-License-Identifier: Apache-2.0
// The text exposition format 0.0.4 as Prometheus reads it: HELP/TYPE lines, label escaping,
// value spelling, histogram series. Expected texts are written out in full.
#include "presentd/metrics/text_exposition.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <thread>

#include "support/prometheus_text.hpp"

namespace presentd::metrics {
namespace {

TEST(TextExposition, CounterWithAndWithoutLabels) {
  Registry registry;
  registry.counter("presentd_sessions_started_total", "Sessions started.").increment(3);
  auto& ended = registry.counter_family("presentd_sessions_ended_total", "Sessions ended, by reason.", {"reason"});
  ended.with({"stopped"}).increment();
  ended.with({"replaced"}).increment(2);
  EXPECT_EQ(write_text_exposition(registry),
            "# HELP presentd_sessions_started_total Sessions started.\n"
            "# TYPE presentd_sessions_started_total counter\n"
            "presentd_sessions_started_total 3\n"
            "# HELP presentd_sessions_ended_total Sessions ended, by reason.\n"
            "# TYPE presentd_sessions_ended_total counter\n"
            "presentd_sessions_ended_total{reason=\"replaced\"} 2\n"
            "presentd_sessions_ended_total{reason=\"stopped\"} 1\n");
}

TEST(TextExposition, LabelValuesAndHelpAreEscaped) {
  Registry registry;
  auto& family = registry.gauge_family("odd", "Back\\slash and\nnewline; \"quotes\" stay.", {"a", "b"});
  family.with({"quote \" here", "back\\slash\nnewline"}).set(1);
  const auto text = write_text_exposition(registry);
  EXPECT_EQ(text,
            "# HELP odd Back\\\\slash and\\nnewline; \"quotes\" stay.\n"
            "# TYPE odd gauge\n"
            "odd{a=\"quote \\\" here\",b=\"back\\\\slash\\nnewline\"} 1\n");
  // And a strict reader gets the original strings back.
  const auto parsed = test::parse_prometheus_text(text);
  EXPECT_EQ(parsed.helps.at("odd"), "Back\\slash and\nnewline; \"quotes\" stay.");
  EXPECT_EQ(parsed.value("odd", {{"a", "quote \" here"}, {"b", "back\\slash\nnewline"}}), 1.0);
}

TEST(TextExposition, ValuesAreSpelledAsPrometheusReadsThem) {
  EXPECT_EQ(format_value(0), "0");
  EXPECT_EQ(format_value(42), "42");
  EXPECT_EQ(format_value(-7), "-7");
  EXPECT_EQ(format_value(1700000000), "1700000000");
  EXPECT_EQ(format_value(0.25), "0.25");
  EXPECT_EQ(format_value(0.0005), "0.0005");
  EXPECT_EQ(format_value(1e300), "1e+300");
  EXPECT_EQ(format_value(1.5e-9), "1.5e-09");
  EXPECT_EQ(format_value(1795484352.7437918), "1795484352.7437918");
  EXPECT_EQ(format_value(std::nan("")), "NaN");
  EXPECT_EQ(format_value(INFINITY), "+Inf");
  EXPECT_EQ(format_value(-INFINITY), "-Inf");
  EXPECT_EQ(std::stod(format_value(0.1 + 0.2)), 0.1 + 0.2);  // shortest round-trip form
}

TEST(TextExposition, HistogramHasCumulativeBucketsEndingInInfSumAndCount) {
  Registry registry;
  auto& family = registry.histogram_family("decode_seconds", "Decode time.", {"codec"}, {0.001, 0.01, 0.1});
  auto& vp8 = family.with({"vp8"});
  vp8.observe(0.0005);
  vp8.observe(0.001);  // on a bound: counted in that bound's bucket (le = less or equal)
  vp8.observe(0.05);
  vp8.observe(2);
  const auto text = write_text_exposition(registry);
  EXPECT_EQ(text,
            "# HELP decode_seconds Decode time.\n"
            "# TYPE decode_seconds histogram\n"
            "decode_seconds_bucket{codec=\"vp8\",le=\"0.001\"} 2\n"
            "decode_seconds_bucket{codec=\"vp8\",le=\"0.01\"} 2\n"
            "decode_seconds_bucket{codec=\"vp8\",le=\"0.1\"} 3\n"
            "decode_seconds_bucket{codec=\"vp8\",le=\"+Inf\"} 4\n"
            "decode_seconds_sum{codec=\"vp8\"} 2.0515\n"
            "decode_seconds_count{codec=\"vp8\"} 4\n");
  EXPECT_NO_THROW(test::parse_prometheus_text(text));
}

TEST(TextExposition, UnlabelledHistogramAndEmptyFamilies) {
  Registry registry;
  registry.counter_family("nothing_yet_total", "No child yet.", {"reason"});
  registry.histogram_family("h", "H.", {}, {1}).with({}).observe(0.5);
  EXPECT_EQ(write_text_exposition(registry),
            "# HELP nothing_yet_total No child yet.\n"
            "# TYPE nothing_yet_total counter\n"
            "# HELP h H.\n"
            "# TYPE h histogram\n"
            "h_bucket{le=\"1\"} 1\n"
            "h_bucket{le=\"+Inf\"} 1\n"
            "h_sum 0.5\n"
            "h_count 1\n");
}

TEST(TextExposition, CollectorsRunBeforeEveryScrape) {
  Registry registry;
  auto& gauge = registry.gauge("presentd_sessions_active", "Sessions now.");
  int live = 0;
  const auto id = registry.add_collector([&] { gauge.set(live); });
  live = 2;
  EXPECT_EQ(test::parse_prometheus_text(write_text_exposition(registry)).value("presentd_sessions_active"), 2.0);
  live = 1;
  EXPECT_EQ(test::parse_prometheus_text(write_text_exposition(registry)).value("presentd_sessions_active"), 1.0);
  registry.remove_collector(id);
  live = 5;
  EXPECT_EQ(test::parse_prometheus_text(write_text_exposition(registry)).value("presentd_sessions_active"), 1.0);
}

TEST(TextExposition, ConcurrentObserversLoseNothing) {
  // Decoder threads observe while the event loop scrapes: every observation ends up counted.
  Registry registry;
  auto& histogram = registry.histogram_family("t", "T.", {}, exponential_bounds(0.001, 2, 8)).with({});
  auto& counter = registry.counter("c_total", "C.");
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < 20000; ++i) {
        histogram.observe(0.001 * (i % 300) + t);
        counter.increment();
      }
    });
  }
  for (int scrape = 0; scrape < 20; ++scrape)
    EXPECT_NO_THROW(test::parse_prometheus_text(write_text_exposition(registry)));
  for (auto& thread : threads) thread.join();
  const auto parsed = test::parse_prometheus_text(write_text_exposition(registry));
  EXPECT_EQ(parsed.value("t_count"), 80000.0);
  EXPECT_EQ(parsed.value("c_total"), 80000.0);
}

}  // namespace
}  // namespace presentd::metrics
