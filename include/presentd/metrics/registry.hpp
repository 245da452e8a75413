// SPDX-License-Identifier: Apache-2.0
#pragma once
// The daemon's metrics, in registration order, for GET /metrics. Modules register their
// families once at start and keep references to the children they update; a module whose
// figures live elsewhere (session statistics) adds a collector that brings the metrics up to
// date just before each scrape.
//
// Names follow the Prometheus rules ([a-zA-Z_:][a-zA-Z0-9_:]*, label names without "__" and,
// for histograms, without "le"); a bad or duplicate name throws std::invalid_argument at
// registration, which is start-up code.
//
// Thread: event loop (registration, collectors, scrapes). The counters, gauges and histograms
// handed out may be updated from any thread.
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "presentd/metrics/counter.hpp"
#include "presentd/metrics/gauge.hpp"
#include "presentd/metrics/histogram.hpp"
#include "presentd/metrics/metric_family.hpp"

namespace presentd::metrics {

using CounterFamily = Family<Counter>;
using GaugeFamily = Family<Gauge>;
using HistogramFamily = Family<Histogram>;
using AnyFamily = std::variant<const CounterFamily*, const GaugeFamily*, const HistogramFamily*>;

class Registry {
public:
  using CollectorId = std::uint64_t;

  CounterFamily& counter_family(std::string name, std::string help, std::vector<std::string> label_names);
  GaugeFamily& gauge_family(std::string name, std::string help, std::vector<std::string> label_names);
  HistogramFamily& histogram_family(std::string name, std::string help, std::vector<std::string> label_names,
                                    std::vector<double> upper_bounds);
  // Families without labels: their one and only child.
  Counter& counter(std::string name, std::string help) {
    return counter_family(std::move(name), std::move(help), {}).with({});
  }
  Gauge& gauge(std::string name, std::string help) {
    return gauge_family(std::move(name), std::move(help), {}).with({});
  }

  // The unlabelled counter registered under `name`, or null (lets a module find a counter the
  // daemon registered for it without a new constructor parameter).
  Counter* find_counter(std::string_view name);

  // Collectors run, in order, at the start of every scrape (collect()).
  CollectorId add_collector(std::function<void()> collect);
  void remove_collector(CollectorId id);
  void collect();

  const std::vector<AnyFamily>& families() const { return order_; }

private:
  void check_new_name(const std::string& name, const std::vector<std::string>& label_names, bool histogram) const;

  std::vector<std::unique_ptr<CounterFamily>> counters_;
  std::vector<std::unique_ptr<GaugeFamily>> gauges_;
  std::vector<std::unique_ptr<HistogramFamily>> histograms_;
  std::vector<AnyFamily> order_;
  std::vector<std::pair<CollectorId, std::function<void()>>> collectors_;
  CollectorId next_collector_ = 1;
};

}  // namespace presentd::metrics
