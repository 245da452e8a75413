// SPDX-License-Identifier: Apache-2.0
#pragma once
// A strict reader of the Prometheus text exposition format 0.0.4, for tests: it checks the rules
// a scraper relies on (HELP/TYPE before a family's samples and at most once, valid names, label
// escaping, no duplicate series, families not interleaved, counters never negative, histograms
// with ascending cumulative buckets ending in le="+Inf" equal to _count) and gives the values
// back so tests assert numbers, not mere presence.
#include <map>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace presentd::test {

using PrometheusLabels = std::map<std::string, std::string>;

struct PrometheusSample {
  std::string name;  // the series name as written (e.g. x_bucket)
  PrometheusLabels labels;
  double value = 0;
};

struct PrometheusText {
  std::map<std::string, std::string> types;  // family name → counter/gauge/histogram/...
  std::map<std::string, std::string> helps;  // family name → unescaped HELP text
  std::vector<PrometheusSample> samples;

  // The value of the series with exactly these labels, or nullopt.
  std::optional<double> value(const std::string& name, const PrometheusLabels& labels = {}) const;
  // The sum over every series of `name` (any labels); 0 when there is none.
  double sum(const std::string& name) const;
};

// Throws std::runtime_error naming the line and the rule broken.
PrometheusText parse_prometheus_text(std::string_view text);

}  // namespace presentd::test
