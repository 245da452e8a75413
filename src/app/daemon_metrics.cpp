// SPDX-License-Identifier: Apache-2.0
#include "app/daemon_metrics.hpp"

#include <chrono>
#include <string>

#include "common/build_info.hpp"

namespace presentd::app {

DaemonMetrics::DaemonMetrics(metrics::Registry& registry)
    : pin_failures(registry.counter("presentd_pin_failures_total", "Wrong PINs or session tokens presented.")),
      pin_lockouts(registry.counter("presentd_pin_lockouts_total",
                                    "Times an address (back-off) or the whole room (rate limit) was locked out.")),
      http_responses_(registry.counter_family("presentd_http_responses_total",
                                              "HTTPS responses written, by status class (2xx, 4xx...).", {"code"})) {
  registry.gauge_family("presentd_build_info", "Always 1; the version is in the label.", {"version"})
      .with({build::kVersion})
      .set(1);
  registry.gauge("presentd_start_time_seconds", "When the daemon started, in seconds since the Unix epoch.")
      .set(std::chrono::duration<double>(std::chrono::system_clock::now().time_since_epoch()).count());
  for (const auto* code : {"1xx", "2xx", "3xx", "4xx", "5xx"}) http_responses_.with({code});
}

void DaemonMetrics::on_http_response(unsigned status) {
  if (status < 100 || status > 599) return;
  http_responses_.with({std::to_string(status / 100) + "xx"}).increment();
}

}  // namespace presentd::app
