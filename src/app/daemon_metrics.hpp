// SPDX-License-Identifier: Apache-2.0
#pragma once
// The daemon's own metrics: build and start time, HTTP responses by status class, and the PIN
// counters the access control increments (presentd_pin_failures_total: every wrong PIN or
// token, presentd_pin_lockouts_total: every time an address or the room is locked out).
// Sessions register theirs in session::SessionMetrics.
//
// Thread: event loop (the counters themselves may be bumped from anywhere).
#include "metrics/registry.hpp"

namespace presentd::app {

class DaemonMetrics {
public:
  explicit DaemonMetrics(metrics::Registry& registry);

  void on_http_response(unsigned status);

  metrics::Counter& pin_failures;
  metrics::Counter& pin_lockouts;

private:
  metrics::CounterFamily& http_responses_;
};

}  // namespace presentd::app
