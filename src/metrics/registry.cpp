// SPDX-License-Identifier: Apache-2.0
#include "presentd/metrics/registry.hpp"

#include <algorithm>
#include <cmath>

namespace presentd::metrics {
namespace {

bool valid_name(std::string_view name, bool allow_colon) {
  if (name.empty()) return false;
  for (std::size_t i = 0; i < name.size(); ++i) {
    const char c = name[i];
    const bool letter = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || (allow_colon && c == ':');
    const bool digit = c >= '0' && c <= '9';
    if (!letter && !(digit && i > 0)) return false;
  }
  return true;
}

std::string_view name_of(const AnyFamily& family) {
  return std::visit([](const auto* f) -> std::string_view { return f->name(); }, family);
}

[[noreturn]] void refuse_label(const std::string& metric, const std::string& label, std::string_view why) {
  throw std::invalid_argument(metric + ": label \"" + label + "\" " + std::string(why));
}

}  // namespace

void Registry::check_new_name(const std::string& name, const std::vector<std::string>& label_names,
                              bool histogram) const {
  if (!valid_name(name, true)) throw std::invalid_argument("invalid metric name \"" + name + "\"");
  for (const auto& family : order_) {
    if (name_of(family) == name) throw std::invalid_argument("metric \"" + name + "\" registered twice");
  }
  for (std::size_t i = 0; i < label_names.size(); ++i) {
    const auto& label = label_names[i];
    if (!valid_name(label, false) || label.starts_with("__")) refuse_label(name, label, "is not a valid label name");
    if (histogram && label == "le") refuse_label(name, label, "is reserved in histograms");
    if (std::find(label_names.begin() + static_cast<std::ptrdiff_t>(i) + 1, label_names.end(), label) !=
        label_names.end()) {
      refuse_label(name, label, "is given twice");
    }
  }
}

CounterFamily& Registry::counter_family(std::string name, std::string help, std::vector<std::string> label_names) {
  check_new_name(name, label_names, false);
  counters_.push_back(std::make_unique<CounterFamily>(MetricType::counter, std::move(name), std::move(help),
                                                      std::move(label_names),
                                                      [] { return std::make_unique<Counter>(); }));
  order_.emplace_back(counters_.back().get());
  return *counters_.back();
}

GaugeFamily& Registry::gauge_family(std::string name, std::string help, std::vector<std::string> label_names) {
  check_new_name(name, label_names, false);
  gauges_.push_back(std::make_unique<GaugeFamily>(MetricType::gauge, std::move(name), std::move(help),
                                                  std::move(label_names), [] { return std::make_unique<Gauge>(); }));
  order_.emplace_back(gauges_.back().get());
  return *gauges_.back();
}

HistogramFamily& Registry::histogram_family(std::string name, std::string help, std::vector<std::string> label_names,
                                            std::vector<double> upper_bounds) {
  check_new_name(name, label_names, true);
  for (std::size_t i = 0; i < upper_bounds.size(); ++i) {
    if (!std::isfinite(upper_bounds[i]) || (i > 0 && upper_bounds[i] <= upper_bounds[i - 1])) {
      throw std::invalid_argument(name + ": bucket bounds must be finite and strictly ascending");
    }
  }
  histograms_.push_back(std::make_unique<HistogramFamily>(
      MetricType::histogram, std::move(name), std::move(help), std::move(label_names),
      [bounds = std::move(upper_bounds)] { return std::make_unique<Histogram>(bounds); }));
  order_.emplace_back(histograms_.back().get());
  return *histograms_.back();
}

Counter* Registry::find_counter(std::string_view name) {
  for (auto& family : counters_) {
    if (family->name() == name && family->label_names().empty()) return &family->with({});
  }
  return nullptr;
}

Registry::CollectorId Registry::add_collector(std::function<void()> collect) {
  collectors_.emplace_back(next_collector_, std::move(collect));
  return next_collector_++;
}

void Registry::remove_collector(CollectorId id) {
  std::erase_if(collectors_, [id](const auto& entry) { return entry.first == id; });
}

void Registry::collect() {
  for (const auto& [id, collect] : collectors_) collect();
}

}  // namespace presentd::metrics
