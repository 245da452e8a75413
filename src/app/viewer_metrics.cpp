// SPDX-License-Identifier: Apache-2.0
#include "app/viewer_metrics.hpp"

namespace presentd::app {
namespace {
// Adds what is new since the last scrape.
void advance(metrics::Counter& counter, std::uint64_t now, std::uint64_t& seen) {
  if (now > seen) counter.increment(now - seen);
  seen = now;
}
}  // namespace

ViewerMetrics::ViewerMetrics(metrics::Registry& registry)
    : viewers_(registry.gauge("presentd_viewers", "Viewers watching the room's screen now (WHEP and /watch).")),
      started_(registry.counter("presentd_viewers_started_total",
                                "Viewers that asked to watch and got an answer "
                                "or were refused after their offer was read.")),
      nack_resends_(registry.counter("presentd_viewer_nack_resends_total",
                                     "Packets sent to a viewer again because its NACK asked for them.")),
      keyframe_requests_(registry.counter(
          "presentd_viewer_keyframe_requests_total",
          "Keyframes viewers needed (join, switch, resume, their PLI/FIR); the presenters are asked at most once a "
          "second per stream.")),
      paused_(registry.counter("presentd_viewer_paused_total",
                               "Times a viewer's video was paused because it could not keep up (its sound went on).")),
      packets_sent_(registry.counter("presentd_viewer_packets_sent_total", "RTP packets forwarded to viewers.")) {}

void ViewerMetrics::update(std::size_t viewers, const session::ViewerTotals& totals) {
  viewers_.set(static_cast<double>(viewers));
  advance(started_, totals.viewers_started, seen_.viewers_started);
  advance(nack_resends_, totals.nack_resends, seen_.nack_resends);
  advance(keyframe_requests_, totals.keyframe_requests, seen_.keyframe_requests);
  advance(paused_, totals.pauses, seen_.pauses);
  advance(packets_sent_, totals.packets_sent, seen_.packets_sent);
}

}  // namespace presentd::app
