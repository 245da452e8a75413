// SPDX-License-Identifier: Apache-2.0
#pragma once
// The daemon's own metrics: build and start time, HTTP responses by status class, and the PIN
// counters the access control increments (presentd_pin_failures_total: every wrong PIN or
// token, presentd_pin_lockouts_total: every time an address or the room is locked out,
// presentd_pin_room_limit_saturated_total: every time the room-wide limit filled and its window
// grew) and the HTTPS listener's slot counters.
// Sessions register theirs in session::SessionMetrics. presentd_internal_errors_total{site}
// mirrors the error boundary's tally (common/internal_errors) at every scrape.
//
// Thread: event loop (the counters themselves may be bumped from anywhere).
#include <array>
#include <cstdint>

#include "presentd/common/internal_errors.hpp"
#include "presentd/metrics/registry.hpp"
#include "presentd/signaling/local/https_server.hpp"

namespace presentd::app {

class DaemonMetrics {
public:
  explicit DaemonMetrics(metrics::Registry& registry);

  void on_http_response(unsigned status);

  metrics::Counter& pin_failures;
  metrics::Counter& pin_lockouts;
  metrics::Counter& pin_room_saturated;
  // Bodies of GET /api/v1/status made (not served from app/status_cache): at most about one a
  // second however often the status is asked for, plus one per change it shows.
  metrics::Counter& status_bodies_made;
  // For each HTTPS listener (a reload may open a new one).
  signaling::HttpsCounters https_counters();
  // The open HTTPS connections at a scrape: waiting for a request, or reading or answering one.
  void set_https_connections(std::size_t idle, std::size_t busy);

private:
  metrics::CounterFamily& http_responses_;
  metrics::CounterFamily& internal_errors_;
  std::array<std::uint64_t, kErrorSites.size()> internal_errors_seen_{};
  metrics::CounterFamily& https_refused_;
  metrics::Counter& https_idle_closed_;
  metrics::GaugeFamily& https_connections_;
};

}  // namespace presentd::app
