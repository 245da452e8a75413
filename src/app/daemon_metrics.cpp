// SPDX-License-Identifier: Apache-2.0
#include "app/daemon_metrics.hpp"

#include <chrono>
#include <string>

#include "presentd/common/build_info.hpp"

namespace presentd::app {

DaemonMetrics::DaemonMetrics(metrics::Registry& registry)
    : pin_failures(registry.counter("presentd_pin_failures_total", "Wrong PINs or session tokens presented.")),
      pin_lockouts(registry.counter("presentd_pin_lockouts_total",
                                    "Times an address (back-off) or the whole room (rate limit) was locked out.")),
      pin_room_saturated(registry.counter("presentd_pin_room_limit_saturated_total",
                                          "Times the room-wide limit on wrong PINs filled (its window then grows).")),
      status_bodies_made(registry.counter(
          "presentd_status_bodies_made_total",
          "Bodies of the public status made afresh (the rest were served from the one-second cache).")),
      http_responses_(registry.counter_family("presentd_http_responses_total",
                                              "HTTPS responses written, by status class (2xx, 4xx...).", {"code"})),
      internal_errors_(registry.counter_family(
          "presentd_internal_errors_total",
          "Exceptions caught at the error boundary (the daemon went on serving), by where they were caught.",
          {"site"})),
      https_refused_(registry.counter_family("presentd_https_connections_refused_total",
                                             "HTTPS connections closed as soon as accepted, by reason.", {"reason"})),
      https_idle_closed_(registry.counter("presentd_https_idle_connections_closed_total",
                                          "Idle HTTPS connections closed to make room for a newcomer.")),
      https_connections_(registry.gauge_family(
          "presentd_https_connections",
          "Open HTTPS connections: idle (waiting for a request) or busy (reading or answering one).", {"state"})) {
  registry.gauge_family("presentd_build_info", "Always 1; the version is in the label.", {"version"})
      .with({build::kVersion})
      .set(1);
  registry.gauge("presentd_start_time_seconds", "When the daemon started, in seconds since the Unix epoch.")
      .set(std::chrono::duration<double>(std::chrono::system_clock::now().time_since_epoch()).count());
  for (const auto* code : {"1xx", "2xx", "3xx", "4xx", "5xx"}) http_responses_.with({code});
  for (const auto site : kErrorSites) {
    internal_errors_.with({std::string(to_string(site))});
    internal_errors_seen_[static_cast<std::size_t>(site)] = internal_error_count(site);
  }
  // The tally is process-wide and only grows: each scrape adds what is new since the last one.
  registry.add_collector([this] {
    for (const auto site : kErrorSites) {
      const auto index = static_cast<std::size_t>(site);
      const auto now = internal_error_count(site);
      internal_errors_.with({std::string(to_string(site))}).increment(now - internal_errors_seen_[index]);
      internal_errors_seen_[index] = now;
    }
  });
}

signaling::HttpsCounters DaemonMetrics::https_counters() {
  return {&https_refused_.with({"per_address"}), &https_refused_.with({"full"}), &https_idle_closed_};
}

void DaemonMetrics::set_https_connections(std::size_t idle, std::size_t busy) {
  https_connections_.with({"idle"}).set(static_cast<double>(idle));
  https_connections_.with({"busy"}).set(static_cast<double>(busy));
}

void DaemonMetrics::on_http_response(unsigned status) {
  if (status < 100 || status > 599) return;
  http_responses_.with({std::to_string(status / 100) + "xx"}).increment();
}

}  // namespace presentd::app
