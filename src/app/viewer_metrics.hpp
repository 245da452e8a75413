// SPDX-License-Identifier: Apache-2.0
#pragma once
// The viewers' metrics (issue 15): presentd_viewers (a gauge), and the counters
// presentd_viewer_nack_resends_total, presentd_viewer_keyframe_requests_total and
// presentd_viewer_paused_total, brought up to date from the hub's totals at each scrape (the
// totals only grow: the hub keeps what ended viewers did).
//
// Thread: event loop.
#include "presentd/metrics/registry.hpp"
#include "presentd/session/viewer_hub.hpp"

namespace presentd::app {

class ViewerMetrics {
public:
  explicit ViewerMetrics(metrics::Registry& registry);
  void update(std::size_t viewers, const session::ViewerTotals& totals);

private:
  metrics::Gauge& viewers_;
  metrics::Counter& started_;
  metrics::Counter& nack_resends_;
  metrics::Counter& keyframe_requests_;
  metrics::Counter& paused_;
  metrics::Counter& packets_sent_;
  session::ViewerTotals seen_;
};

}  // namespace presentd::app
